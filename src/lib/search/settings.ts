import { AppError } from '../errors.ts';
import type { BlsObjective } from './bls-types.ts';
import type { QualityMask } from '../lightcurve/index.ts';

/** Everything that changes a search result; stored with each job so a resumed job searches alike. */
export interface SearchSettings {
  qualityMask: QualityMask;
  objective: BlsObjective;
  /** Box durations in days (lightkurve's defaults). */
  durations: number[];
  oversample: number;
  /** astropy's frequency_factor; lightkurve uses 10. */
  frequencyFactor: number;
  /** Days; null means from the data (lightkurve's rule). */
  minimumPeriod: number | null;
  maximumPeriod: number | null;
  /** A grid larger than this is refused before any work, with a message saying what to change. */
  maxPeriods: number;
}

export const DEFAULT_SEARCH_SETTINGS: SearchSettings = {
  qualityMask: 'default',
  objective: 'likelihood',
  durations: [0.05, 0.1, 0.15, 0.2, 0.25, 0.33],
  oversample: 10,
  frequencyFactor: 10,
  minimumPeriod: null,
  maximumPeriod: null,
  maxPeriods: 2_000_000,
};

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
  return s;
}
