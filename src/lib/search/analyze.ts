/**
 * The analysis of one star: prepare the light curve, search it, measure the signals, run the
 * optional TLS step, add provenance. Pure apart from the injected engines: the WASM kernel or the
 * TypeScript reference for BLS, and TLS as a step (run in-process, or shared with idle workers).
 */
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { LightCurve } from '../lightcurve/index.ts';
import type { StarParams } from '../samples/index.ts';
import { bestPeak, type BlsEngine, type BlsInput, type BlsPeak } from './bls-types.ts';
import { planOptions, type SearchPlan } from './bls-plan.ts';
import { finite, fluxFeatures, outsideTransits, signalFeatures } from './features/index.ts';
import { autoperiod } from './grid.ts';
import { inputColumns, type CatalogValues } from './input-columns.ts';
import { cleanFiles, newlyCleaned, prepareLightCurve } from './prepare.ts';
import { provenanceColumns } from './provenance.ts';
import type { Features, TargetResult } from './result.ts';
import { searchPlan } from './search-plan.ts';
import { validateSearchSettings, withDefaults, type SearchSettings } from './settings.ts';
import { TLS_NOT_LOADED } from './tls-columns.ts';

/** The TLS columns of a prepared light curve (tls-columns.ts makes the steps: in-process or shared). */
export type TlsStep = (lc: LightCurve, settings: SearchSettings, star: StarParams | undefined) => Features | Promise<Features>;

/** What the analysis of a star may use besides its files and settings. */
export interface AnalysisOptions {
  /** The sample list's values for the star (its first row): the `input_*` columns. Never steers the blind search. */
  catalog?: CatalogValues;
  /** The star's parameters (TLS's stellar priors). */
  star?: StarParams;
  /** Run when `settings.runTls`; without it the TLS columns say the kernel is not loaded. */
  tls?: TlsStep;
  /** Return the files' cleaned arrays (for the light-curve cache) with the result. */
  returnCleaned?: boolean;
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

/**
 * Parse, clean, detrend, search and measure one star. `options.catalog` fills the `input_*` columns
 * and, only when `settings.catalogSearch` is on, the separate `cat_bls_*` search; the blind search
 * never sees it. TLS runs as the injected step when `settings.runTls`.
 */
export async function analyzeFiles(files: LightCurveFile[], settings: SearchSettings, engine: BlsEngine, options: AnalysisOptions = {}): Promise<TargetResult> {
  const started = performance.now();
  const s = validateSearchSettings(withDefaults(settings));
  const { catalog } = options;
  const parts = cleanFiles(files, s);
  const prepared = prepareLightCurve(files, s, parts);
  const { lc } = prepared;
  const plan = searchPlan(lc, s);
  const peak = search(engine, { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr }, plan, s);
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
  const tls = s.runTls ? (options.tls ? await options.tls(lc, s, options.star) : TLS_NOT_LOADED) : {};
  const cleaned = options.returnCleaned ? newlyCleaned(files, parts, s) : [];
  return {
    status: 'ok',
    features: { ...searched, ...tls, ...provenanceColumns(files, lc, s, prepared, engine.version) },
    kernelVersion: engine.version,
    analysisMs: performance.now() - started,
    ...(cleaned.length > 0 ? { cleaned } : {}),
  };
}
