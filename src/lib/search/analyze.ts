import { version as APP_VERSION } from '../../../package.json';
import { AppError } from '../errors.ts';
import { qualityMaskKey, type LightCurveFile } from '../lightcurve/file.ts';
import {
  cleanLightCurve,
  flattenLightCurve,
  readLightCurve,
  removeOutliers,
  stitchLightCurves,
  type LightCurve,
} from '../lightcurve/index.ts';
import { bestPeak, type BlsEngine, type BlsInput, type BlsPeak } from './bls-types.ts';
import { finite, fluxFeatures, outsideTransits, signalFeatures } from './features/index.ts';
import { planOptions, planSearch, type SearchPlan } from './bls-plan.ts';
import { autoperiod, lightkurveDefaults } from './grid.ts';
import type { Features, TargetResult } from './result.ts';
import { biweightWindow, validateSearchSettings, withDefaults, type SearchSettings } from './settings.ts';
import { inputColumns, type CatalogValues } from './input-columns.ts';
import { tlsColumns, tlsColumnsShared } from './tls-columns.ts';
import type { TlsEngine, TlsSharing } from './tls/index.ts';
import type { StarParams } from '../samples/index.ts';
import { buildSummary } from './summary/index.ts';

export type { LightCurveFile };
export { qualityMaskKey };
export { inputColumns, type CatalogValues };
export { APP_VERSION };


/** The searched light curve and what preparation did to it. */
export interface PreparedLightCurve {
  lc: LightCurve;
  /** Points removed as outliers after detrending. */
  nOutliers: number;
  /** The detrending window in days (the Savitzky–Golay window is converted at the light curve's cadence); NaN without detrending. */
  windowDays: number;
}

/** Reads and cleans each file (or takes its cached cleaned arrays), in the files' order. */
export function cleanFiles(files: LightCurveFile[], settings: SearchSettings): LightCurve[] {
  if (files.length === 0) throw new AppError('no-light-curve', 'no light-curve file to analyse');
  const mask = qualityMaskKey(settings.qualityMask);
  return files.map((f) =>
    f.cleaned && f.cleaned.mask === mask ? f.cleaned.lc : cleanLightCurve(readLightCurve(f.bytes, f.name), { qualityMask: settings.qualityMask }),
  );
}

/** Reads, cleans and stitches the files of one star. */
export function loadLightCurve(files: LightCurveFile[], settings: SearchSettings, parts = cleanFiles(files, settings)): LightCurve {
  return parts.length === 1 ? parts[0] : stitchLightCurves(parts);
}

/** Reads, cleans, stitches, detrends and removes outliers: the light curve as the search sees it. */
export function prepareLightCurve(files: LightCurveFile[], settings: SearchSettings, parts?: LightCurve[]): PreparedLightCurve {
  const s = withDefaults(settings);
  const loaded = loadLightCurve(files, s, parts ?? cleanFiles(files, s));
  const windowDays = s.detrend === 'biweight' ? biweightWindow(s) : s.detrend === 'savgol' ? s.savgolWindow * loaded.cadenceDays : Number.NaN;
  const flat = flattenLightCurve(loaded, { method: s.detrend, windowDays, savgolWindow: s.savgolWindow });
  const { lc, removed } = removeOutliers(flat, { upper: s.outlierSigmaUpper, lower: s.outlierSigmaLower });
  return { lc, nOutliers: removed, windowDays };
}

/**
 * The search grid for a light curve: lightkurve's data-derived period range (unless the settings fix
 * it), sampled by the chosen grid; refused before any work when it is over the settings' limit.
 */
export function searchPlan(lc: Pick<LightCurve, 'time'>, settings: SearchSettings): SearchPlan {
  const defaults = lightkurveDefaults(lc.time);
  const n = lc.time.length;
  const baseline = lc.time[n - 1] - lc.time[0];
  const minimumPeriod = settings.minimumPeriod ?? Math.max(defaults.minimumPeriod, 0);
  const maximumPeriod = settings.maximumPeriod ?? defaults.maximumPeriod;
  if (!(maximumPeriod > minimumPeriod)) {
    throw new AppError(
      'too-few-points',
      `the light curve spans ${baseline.toFixed(2)} d, too short for periods from ${minimumPeriod.toFixed(3)} d with three transits`,
    );
  }
  try {
    return planSearch(lc.time, {
      grid: settings.grid,
      periodMin: minimumPeriod,
      periodMax: maximumPeriod,
      oversample: settings.oversample,
      durations: settings.durations,
      frequencyFactor: settings.frequencyFactor,
      maxPeriods: settings.maxPeriods,
    });
  } catch (err) {
    if (err instanceof AppError && err.name === 'grid-too-large') {
      throw new AppError(
        'grid-too-large',
        `${err.message} (baseline ${baseline.toFixed(1)} d, periods ${minimumPeriod.toFixed(3)}–${maximumPeriod.toFixed(1)} d; the grid limit is in Settings)`,
        err.details,
      );
    }
    throw err;
  }
}

function search(engine: BlsEngine, input: BlsInput, plan: SearchPlan, settings: SearchSettings): BlsPeak {
  return bestPeak(engine.power(input, { ...planOptions(plan, settings.objective), memoryBudget: plan.memoryBytes }));
}

/** A search over an explicit period list with every duration (the catalogue window). */
function searchPeriods(engine: BlsEngine, input: BlsInput, periods: Float64Array, durations: number[], settings: SearchSettings): BlsPeak {
  const periodogram = engine.power(input, {
    periods,
    durations: Float64Array.from(durations),
    objective: settings.objective,
    oversample: settings.oversample,
  });
  return bestPeak(periodogram);
}

/** The `bls2_*`-style columns of one peak. */
function signalColumns(prefix: 'bls2' | 'bls3' | 'cat_bls', peak: BlsPeak): Features {
  if (peak.index < 0) return {};
  return {
    [`${prefix}_period`]: peak.period,
    [`${prefix}_t0`]: peak.transitTime,
    [`${prefix}_duration`]: peak.duration,
    [`${prefix}_depth`]: peak.depth,
    [`${prefix}_snr`]: finite(peak.depthSnr),
    [`${prefix}_power`]: peak.power,
  };
}

/** The input light curve without the points of `keep` = 0. */
function subset(input: BlsInput, keep: Uint8Array): BlsInput {
  const pick = (a: Float64Array) => a.filter((_, i) => keep[i] === 1);
  return { time: pick(input.time), flux: pick(input.flux), fluxErr: input.fluxErr ? pick(input.fluxErr) : null };
}

/**
 * Iterative multi-planet search (as TLS tutorial 03 and lightkurve's create_transit_mask): mask
 * |t − transit| < duration around every transit of the signals found so far, search the rest on
 * the same grid. Stops early when too few points remain.
 */
function furtherSignals(engine: BlsEngine, lc: LightCurve, first: BlsPeak, plan: SearchPlan, settings: SearchSettings): Features {
  const features: Features = {};
  let input: BlsInput = { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr };
  let previous = first;
  for (let k = 2; k <= settings.maxSignals && previous.index >= 0; k++) {
    const keep = outsideTransits({ ...lc, ...input }, previous.period, previous.transitTime, previous.duration);
    input = subset(input, keep);
    if (input.time.length < 100) break;
    previous = search(engine, input, plan, settings);
    Object.assign(features, signalColumns(k === 2 ? 'bls2' : 'bls3', previous));
  }
  return features;
}

/** The optional search within ±catalogWindow of the catalogue period (separate `cat_bls_*` columns). */
function catalogSearch(engine: BlsEngine, lc: LightCurve, period: number, settings: SearchSettings): Features {
  const minimumPeriod = period * (1 - settings.catalogWindow);
  const durations = settings.durations.filter((d) => d < minimumPeriod);
  if (durations.length === 0) return {};
  const n = lc.time.length;
  const periods = autoperiod({
    baseline: lc.time[n - 1] - lc.time[0],
    durations,
    minimumPeriod,
    maximumPeriod: period * (1 + settings.catalogWindow),
    frequencyFactor: settings.frequencyFactor,
  });
  return signalColumns('cat_bls', searchPeriods(engine, { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr }, periods, durations, settings));
}


/** `S1 S2` → sectors `1 2`; `Q3 Q4` → quarters; `C5` → campaigns: the numbers alone, per kind. */
export function segmentNumbers(segments: string[]): Features {
  const numbers = (prefix: string) =>
    segments
      .filter((s) => s.startsWith(prefix))
      .map((s) => s.slice(prefix.length))
      .join(' ') || undefined;
  return { sectors: numbers('S'), quarters: numbers('Q'), campaigns: numbers('C') };
}

/** The pipeline that made a file, from the archive's answer or else the file name's pattern. */
export function authorOf(file: LightCurveFile): string {
  if (file.author) return file.author;
  const name = file.name.toLowerCase();
  const hlsp = /^hlsp_([a-z0-9-]+)_/.exec(name);
  if (hlsp) return hlsp[1];
  if (/^tess\d{13}-s\d{4}-\d{16}-\d{4}-s_lc\.fits/.test(name)) return 'SPOC';
  if (/^kplr\d{9}-\d{13}_[ls]lc\.fits/.test(name)) return 'Kepler';
  if (/^ktwo\d{9}-c\d+_[ls]lc\.fits/.test(name)) return 'K2';
  return '';
}

/**
 * Parse, clean, detrend, search and measure one star. Pure: the engine is injected (WASM kernel or
 * TS reference). `catalog` fills the `input_*` columns and, only when `settings.catalogSearch` is on,
 * the separate `cat_bls_*` search; the blind search never sees it.
 */
/** What else the analysis may use: the TLS kernel (needed when `settings.runTls`) and the star's parameters. */
export interface AnalysisExtras {
  tls?: TlsEngine;
  star?: StarParams;
  /** Return the files' cleaned arrays (for the light-curve cache) with the result. */
  returnCleaned?: boolean;
  /** Idle workers to share the TLS period grid with (`analyzeFilesShared` only). */
  tlsSharing?: TlsSharing;
}

export function analyzeFiles(
  files: LightCurveFile[],
  settings: SearchSettings,
  engine: BlsEngine,
  catalog?: CatalogValues,
  extras: AnalysisExtras = {},
): TargetResult {
  const analysis = beginAnalysis(files, settings, engine, catalog, extras);
  const { lc, s } = analysis;
  return analysis.finish(s.runTls ? tlsColumns(lc, s, extras.tls, extras.star) : {});
}

/**
 * `analyzeFiles` with idle workers helping on the TLS period grid (see tls/split.ts): the same
 * result, bit for bit, with `tls_workers` saying how many workers computed it.
 */
export async function analyzeFilesShared(
  files: LightCurveFile[],
  settings: SearchSettings,
  engine: BlsEngine,
  catalog?: CatalogValues,
  extras: AnalysisExtras = {},
): Promise<TargetResult> {
  const analysis = beginAnalysis(files, settings, engine, catalog, extras);
  const { lc, s } = analysis;
  return analysis.finish(s.runTls ? await tlsColumnsShared(lc, s, extras.tls, extras.star, extras.tlsSharing) : {});
}

/** Everything but TLS; `finish` puts the TLS columns in their place and makes the result. */
function beginAnalysis(files: LightCurveFile[], settings: SearchSettings, engine: BlsEngine, catalog: CatalogValues | undefined, extras: AnalysisExtras) {
  const started = performance.now();
  const s = validateSearchSettings(withDefaults(settings));
  const parts = cleanFiles(files, s);
  const { lc, nOutliers, windowDays } = prepareLightCurve(files, s, parts);
  const plan = searchPlan(lc, s);
  const periodogram = engine.power({ time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr }, { ...planOptions(plan, s.objective), memoryBudget: plan.memoryBytes });
  const peak = bestPeak(periodogram);
  const n = lc.time.length;
  const found = peak.index >= 0;
  const outside = found ? outsideTransits(lc, peak.period, peak.transitTime, peak.duration) : new Uint8Array(n).fill(1);
  const flux = fluxFeatures(lc, outside);
  const searched: Features = {
    ...inputColumns(catalog),
    ...flux,
    bls_period: finite(peak.period),
    bls_t0: finite(peak.transitTime),
    bls_duration: finite(peak.duration),
    bls_depth: finite(peak.depth),
    bls_snr: finite(peak.depthSnr),
    bls_power: finite(peak.power),
    ...(found ? signalFeatures(lc, peak, flux.flux_std as number) : {}),
    bls_t0_bjd: finite(peak.transitTime + lc.bjdRef),
    bls_depth_err: finite(peak.depthErr),
    bls_log_likelihood: finite(peak.logLikelihood),
    n_periods: plan.periods.length,
    ...(s.maxSignals > 1 ? furtherSignals(engine, lc, peak, plan, s) : {}),
    ...(s.catalogSearch && catalog?.period !== undefined ? catalogSearch(engine, lc, catalog.period, s) : {}),
  };
  const provenance: Features = {
    grid: s.grid,
    detrend: s.detrend,
    window_days: finite(windowDays),
    n_outliers: nOutliers,
    mission: lc.mission,
    author: [...new Set(files.map(authorOf).filter(Boolean))].join(' '),
    segments: lc.segments.join(' '),
    ...segmentNumbers(lc.segments),
    n_files: files.length,
    files: files.map((f) => f.name).join(' '),
    n_points: n,
    baseline_days: lc.time[n - 1] - lc.time[0],
    cadence_minutes: lc.cadenceDays * 1440,
    app_version: APP_VERSION,
    kernel_version: engine.version,
  };
  const mask = qualityMaskKey(s.qualityMask);
  const cleaned = extras.returnCleaned
    ? files.flatMap((f, i) => (f.cacheKey && !(f.cleaned && f.cleaned.mask === mask) ? [{ cacheKey: f.cacheKey, part: { mask, lc: parts[i] } }] : []))
    : [];
  const finish = (tls: Features): TargetResult => ({
    status: 'ok',
    features: { ...searched, ...tls, ...provenance },
    kernelVersion: engine.version,
    // What the target view draws without searching again (src/lib/search/summary/).
    summary: buildSummary(lc, periodogram, peak),
    analysisMs: performance.now() - started,
    ...(cleaned.length > 0 ? { cleaned } : {}),
  });
  return { lc, s, finish };
}
