import { AppError } from '../errors.ts';
import type { BlsObjective } from './bls-types.ts';
import type { QualityMask } from '../lightcurve/index.ts';

/** How stellar variability is removed before the search (docs/features.md, "Preparation"). */
export type DetrendMethod = 'biweight' | 'savgol' | 'none';

/** Signals the iterative search may report: the best one plus `bls2_*`, `bls3_*` columns. */
export const MAX_SIGNALS = 3;

/** Everything that changes a search result; stored with each job so a resumed job searches alike. */
export interface SearchSettings {
  qualityMask: QualityMask;
  /** Detrender: wotan's time-windowed biweight (default), lightkurve's Savitzky–Golay `flatten()`, or none. */
  detrend: DetrendMethod;
  /** Biweight window in days; null means 3 × the longest search duration (Hippke et al. 2019 §3.2). */
  windowDays: number | null;
  /** Savitzky–Golay window in cadences (odd; lightkurve's `flatten()` default 101). */
  savgolWindow: number;
  /** Points more than this many standard deviations above the median are removed (lightkurve `remove_outliers` sigma 5); null keeps them. */
  outlierSigmaUpper: number | null;
  /** The same below the median; null (default) keeps low points, so transits survive. */
  outlierSigmaLower: number | null;
  objective: BlsObjective;
  /**
   * Period and duration grid: 'optimal' (Ofir 2014 periods with Keplerian durations per period,
   * docs/bls.md) or 'astropy' (autoperiod, uniform in frequency, every duration at every period).
   */
  grid: 'optimal' | 'astropy';
  /** Box durations in days (lightkurve's defaults); the astropy grid only. */
  durations: number[];
  oversample: number;
  /** astropy's frequency_factor; lightkurve uses 10. */
  frequencyFactor: number;
  /** Days; null means from the data (lightkurve's rule). */
  minimumPeriod: number | null;
  maximumPeriod: number | null;
  /** A grid larger than this is refused before any work, with a message saying what to change. */
  maxPeriods: number;
  /** Signals to look for: mask the found transits and search again (1 to MAX_SIGNALS). */
  maxSignals: number;
  /** Search again around each peak on a fine grid and measure everything there (docs/bls.md, "Refinement"). */
  refine: boolean;
  /** A reported peak needs in-transit data in this many distinct transits (TLS's rule: 2; or 3). */
  minTransits: number;
  /**
   * Measure each row's catalogue candidate at its ephemeris, with a local search within
   * ±catalogWindow (fraction) of its period (`cat_*` columns; catalog-features.ts). Never steers the
   * blind search; rows of one star share its download and its blind search.
   */
  catalogSearch: boolean;
  catalogWindow: number;
  /** Also run Transit Least Squares at the package's defaults (stellar priors from the sample list). */
  runTls: boolean;
  /** TLS refuses a target whose estimated search time exceeds this, in seconds (per target, one core). */
  tlsMaxSeconds: number;
}

export const DEFAULT_SEARCH_SETTINGS: SearchSettings = {
  qualityMask: 'default',
  detrend: 'biweight',
  windowDays: null,
  savgolWindow: 101,
  outlierSigmaUpper: 5,
  outlierSigmaLower: null,
  objective: 'likelihood',
  grid: 'optimal',
  durations: [0.05, 0.1, 0.15, 0.2, 0.25, 0.33],
  oversample: 10,
  frequencyFactor: 10,
  minimumPeriod: null,
  maximumPeriod: null,
  maxPeriods: 2_000_000,
  maxSignals: 1,
  refine: true,
  minTransits: 2,
  catalogSearch: true,
  catalogWindow: 0.01,
  runTls: false,
  tlsMaxSeconds: 600,
};

/**
 * Fills settings stored before a field existed with that field's default (jobs stored by earlier
 * versions keep their search settings; new fields take today's defaults).
 */
export function withDefaults(s: Partial<SearchSettings>): SearchSettings {
  const out = { ...DEFAULT_SEARCH_SETTINGS };
  for (const [key, value] of Object.entries(s)) if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}

/** The biweight window actually used, in days. */
export function biweightWindow(s: SearchSettings): number {
  return s.windowDays ?? 3 * Math.max(...s.durations);
}

/** Validates settings coming from the UI, a stored job or the CLI; messages name the setting and the rule. */
export function validateSearchSettings(s: SearchSettings): SearchSettings {
  const bad = (msg: string) => new AppError('invalid-settings', msg);
  if (s.objective !== 'likelihood' && s.objective !== 'snr') throw bad(`objective must be "likelihood" or "snr", not "${s.objective}"`);
  if (!Array.isArray(s.durations) || s.durations.length === 0) throw bad('durations: give at least one duration in days');
  for (const d of s.durations) if (!(Number.isFinite(d) && d > 0)) throw bad(`durations: ${d} is not a positive number of days`);
  if (!Number.isInteger(s.oversample) || s.oversample < 1) throw bad(`oversample must be an integer ≥ 1, not ${s.oversample}`);
  if (!(Number.isFinite(s.frequencyFactor) && s.frequencyFactor > 0)) throw bad(`frequency factor must be > 0, not ${s.frequencyFactor}`);
  for (const [name, v] of [['minimum period', s.minimumPeriod], ['maximum period', s.maximumPeriod]] as const) {
    if (v !== null && !(Number.isFinite(v) && v > 0)) throw bad(`${name} must be a positive number of days or empty, not ${v}`);
  }
  if (s.minimumPeriod !== null && s.maximumPeriod !== null && s.minimumPeriod >= s.maximumPeriod) {
    throw bad(`minimum period (${s.minimumPeriod} d) must be below maximum period (${s.maximumPeriod} d)`);
  }
  if (!Number.isInteger(s.maxPeriods) || s.maxPeriods < 1) throw bad(`maximum grid size must be a positive integer, not ${s.maxPeriods}`);
  if (s.detrend !== 'biweight' && s.detrend !== 'savgol' && s.detrend !== 'none') {
    throw bad(`detrend must be "biweight", "savgol" or "none", not "${s.detrend}"`);
  }
  if (s.windowDays !== null && !(Number.isFinite(s.windowDays) && s.windowDays > 0)) {
    throw bad(`detrending window must be a positive number of days or empty, not ${s.windowDays}`);
  }
  if (s.detrend === 'biweight' && !(biweightWindow(s) > 2 * Math.max(...s.durations))) {
    throw bad(`detrending window (${biweightWindow(s)} d) must exceed twice the longest duration (${Math.max(...s.durations)} d), or transits are flattened away`);
  }
  if (!Number.isInteger(s.savgolWindow) || s.savgolWindow < 5 || s.savgolWindow % 2 === 0) {
    throw bad(`Savitzky–Golay window must be an odd integer ≥ 5 cadences, not ${s.savgolWindow}`);
  }
  for (const [name, v] of [['upper outlier sigma', s.outlierSigmaUpper], ['lower outlier sigma', s.outlierSigmaLower]] as const) {
    if (v !== null && !(Number.isFinite(v) && v > 0)) throw bad(`${name} must be a positive number or empty, not ${v}`);
  }
  if (!Number.isInteger(s.maxSignals) || s.maxSignals < 1 || s.maxSignals > MAX_SIGNALS) {
    throw bad(`signals per star must be an integer from 1 to ${MAX_SIGNALS}, not ${s.maxSignals}`);
  }
  if (typeof s.refine !== 'boolean') throw bad('refinement must be on or off');
  if (s.minTransits !== 2 && s.minTransits !== 3) throw bad(`transits needed per signal must be 2 or 3, not ${s.minTransits}`);
  if (typeof s.catalogSearch !== 'boolean') throw bad('catalogue search must be on or off');
  if (!(Number.isFinite(s.catalogWindow) && s.catalogWindow > 0 && s.catalogWindow < 1)) {
    throw bad(`catalogue window must be a fraction between 0 and 1, not ${s.catalogWindow}`);
  }
  if (s.grid !== 'optimal' && s.grid !== 'astropy') throw bad(`grid must be "optimal" or "astropy", not "${s.grid}"`);
  if (typeof s.runTls !== 'boolean') throw bad('Run TLS must be on or off');
  if (!(Number.isFinite(s.tlsMaxSeconds) && s.tlsMaxSeconds > 0)) throw bad(`TLS time limit must be a positive number of seconds, not ${s.tlsMaxSeconds}`);
  return s;
}
