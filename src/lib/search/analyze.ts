/**
 * The analysis of one star: prepare the light curve, search it, measure the signals, run the
 * optional TLS step, add provenance. Pure apart from the injected engines: the WASM kernel or the
 * TypeScript reference for BLS, and TLS as a step (run in-process, or shared with idle workers).
 */
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { LightCurve } from '../lightcurve/index.ts';
import type { StarParams } from '../samples/index.ts';
import type { BlsEngine } from './bls-types.ts';
import type { SearchPlan } from './bls-plan.ts';
import { fluxFeatures, outsideTransits } from './features/index.ts';
import { candidateColumns, candidateInput, type CatalogCandidate } from './catalog-features.ts';
import { inputColumns, type CatalogValues } from './input-columns.ts';
import { filterPoints } from './numeric.ts';
import { cleanFiles, newlyCleaned, prepareLightCurve } from './prepare.ts';
import { provenanceColumns } from './provenance.ts';
import type { Features, TargetResult } from './result.ts';
import { searchPlan } from './search-plan.ts';
import { validateSearchSettings, withDefaults, type SearchSettings } from './settings.ts';
import { findSignal, type Signal } from './signal.ts';
import { bestSignalColumns, furtherSignalColumns, singleEventColumns } from './signal-columns.ts';
import type { SingleEvent } from './single-event.ts';
import { TLS_NOT_LOADED, type TlsOutcome } from './tls-columns.ts';
import { buildSummary } from './summary/index.ts';

/** The TLS columns (and plot input) of a prepared light curve (tls-columns.ts makes the steps: in-process or shared). */
export type TlsStep = (lc: LightCurve, settings: SearchSettings, star: StarParams | undefined) => TlsOutcome | Promise<TlsOutcome>;

/** What the analysis of a star may use besides its files and settings. */
export interface AnalysisOptions {
  /** The sample list's values for the star (its first row): the `input_*` columns. Never steers the blind search. */
  catalog?: CatalogValues;
  /** Every row of the star with its catalogue values: each gets its own `cat_*` columns in `candidates`. */
  candidates?: CatalogCandidate[];
  /** The star's parameters (TLS's stellar priors). */
  star?: StarParams;
  /** Run when `settings.runTls`; without it the TLS columns say the kernel is not loaded. */
  tls?: TlsStep;
  /** Return the files' cleaned arrays (for the light-curve cache) with the result. */
  returnCleaned?: boolean;
}

/**
 * Iterative multi-planet search (as TLS tutorial 03 and lightkurve's create_transit_mask): mask
 * |t − transit| < duration around every transit of the signals found so far, search the rest on
 * the same grid. Single events set aside stay masked.
 */
function furtherSignals(engine: BlsEngine, lc: LightCurve, first: Signal, plan: SearchPlan, settings: SearchSettings): { columns: Features; events: SingleEvent[] } {
  const columns: Features = {};
  const events: SingleEvent[] = [];
  let previous = first;
  for (let k = 2; k <= settings.maxSignals && previous.peak; k++) {
    const { period, transitTime, duration } = previous.peak;
    const keep = outsideTransits({ ...lc, ...previous.input }, period, transitTime, duration);
    const input = filterPoints(previous.input, (i) => keep[i] === 1);
    previous = findSignal(engine, input, plan, settings, lc.cadenceDays);
    events.push(...previous.events);
    Object.assign(columns, furtherSignalColumns(k === 2 ? 'bls2' : 'bls3', previous));
  }
  return { columns, events };
}

/**
 * The `cat_*` columns of each catalogue candidate, compared with the best blind signal: per row when
 * the rows are given, else (one star, one catalogue: the CLI, older stored targets) in the features.
 */
function catalogColumns(engine: BlsEngine, lc: LightCurve, plan: SearchPlan, signal: Signal, options: AnalysisOptions, s: SearchSettings) {
  if (!s.catalogSearch) return { features: {}, candidates: undefined };
  const blind = signal.peak ? { period: signal.peak.period, periodErr: signal.periodErr, duration: signal.peak.duration } : null;
  const all: CatalogCandidate[] = options.candidates ?? (options.catalog ? [{ row: -1, catalog: options.catalog }] : []);
  const full = { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr };
  const columns = ({ row, catalog }: CatalogCandidate) => {
    const others = all.filter((c) => c.row !== row).map((c) => c.catalog);
    const input = candidateInput(full, catalog, others, signal.events, lc.bjdRef);
    return candidateColumns(engine, lc, input, plan, blind, catalog, s);
  };
  if (options.candidates) {
    const candidates: Record<number, Features> = {};
    for (const c of options.candidates) if (c.catalog.period !== undefined) candidates[c.row] = columns(c);
    return { features: {}, candidates };
  }
  return { features: all.length > 0 ? columns(all[0]) : {}, candidates: undefined };
}

/**
 * Parse, clean, detrend, search and measure one star. `options.catalog` fills the `input_*` columns;
 * with `settings.catalogSearch` (default on) each catalogue candidate is measured at its own
 * ephemeris (`cat_*`). The blind search never sees the catalogue. TLS runs as the injected step when
 * `settings.runTls`.
 */
export async function analyzeFiles(files: LightCurveFile[], settings: SearchSettings, engine: BlsEngine, options: AnalysisOptions = {}): Promise<TargetResult> {
  const started = performance.now();
  const s = validateSearchSettings(withDefaults(settings));
  const { catalog } = options;
  const parts = cleanFiles(files, s);
  const prepared = prepareLightCurve(files, s, parts);
  const { lc } = prepared;
  const plan = searchPlan(lc, s);
  const signal = findSignal(engine, { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr }, plan, s, lc.cadenceDays);
  const { peak } = signal;
  const outside = peak ? outsideTransits(lc, peak.period, peak.transitTime, peak.duration) : new Uint8Array(lc.time.length).fill(1);
  const flux = fluxFeatures(lc, outside);
  const best = bestSignalColumns(lc, signal, flux.flux_std as number);
  const further = s.maxSignals > 1 ? furtherSignals(engine, lc, signal, plan, s) : { columns: {}, events: [] };
  const searched: Features = {
    ...inputColumns(catalog),
    ...flux,
    ...best,
    n_periods: plan.periods.length,
    ...singleEventColumns([...signal.events, ...further.events]),
    ...further.columns,
  };
  const catalogs = catalogColumns(engine, lc, plan, signal, options, s);
  const tls: TlsOutcome = s.runTls ? (options.tls ? await options.tls(lc, s, options.star) : { features: TLS_NOT_LOADED }) : { features: {} };
  const cleaned = options.returnCleaned ? newlyCleaned(files, parts, s) : [];
  return {
    status: 'ok',
    features: { ...searched, ...catalogs.features, ...tls.features, ...provenanceColumns(files, lc, s, prepared, engine.version) },
    ...(catalogs.candidates ? { candidates: catalogs.candidates } : {}),
    kernelVersion: engine.version,
    // What the target view draws without searching again (src/lib/search/summary/).
    summary: buildSummary(lc, signal.periodogram, signal.peak, tls.plot),
    analysisMs: performance.now() - started,
    ...(cleaned.length > 0 ? { cleaned } : {}),
  };
}
