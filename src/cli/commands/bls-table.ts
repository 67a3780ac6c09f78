import Papa from 'papaparse';
import { AppError } from '../../lib/errors.ts';
import { planOptions, planSearch, type SearchPlanOptions } from '../../lib/search/bls-plan.ts';
import { computeStats, type BlsStats } from '../../lib/search/bls-stats.ts';
import { bestPeak, type BlsEngine, type BlsObjective, type BlsOptions, type BlsPeak, type BlsPeriodogram } from '../../lib/search/bls-types.ts';
import { refinePeak } from '../../lib/search/refine.ts';
import { durationLimits } from '../../lib/search/signal.ts';

export interface TimeSeriesTable {
  time: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array | null;
}

/** Reads `time,flux[,flux_err]` (header required, other columns ignored) exactly as given. */
export function readTimeSeriesCsv(text: string, fileName: string): TimeSeriesTable {
  const body = text.replace(/^\uFEFF/, '');
  let fields: string[];
  let rows: Array<ArrayLike<string | undefined>>;
  // The common case without papaparse: comma-separated, no quotes anywhere. A TESS sector's 18,000
  // lines then cost a few milliseconds instead of about 80 ms, most of a short `bls` call's
  // overhead. Anything else (quotes, another delimiter) goes through papaparse.
  const lines = body.includes('"') ? null : body.split(/\r?\n/).filter((l) => l.trim() !== '' && l[0] !== '#');
  const head = lines?.[0]?.split(',').map((f) => f.trim());
  if (lines && head && head.includes('time') && head.includes('flux')) {
    fields = head;
    rows = lines.slice(1).map((l) => l.split(','));
  } else {
    const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: 'greedy', comments: '#' });
    fields = (parsed.data[0] ?? []).map((f) => f.trim());
    rows = parsed.data.slice(1);
  }
  for (const need of ['time', 'flux']) {
    if (!fields.includes(need)) throw new AppError('invalid-input', `${fileName}: no "${need}" column (found: ${fields.join(', ') || 'none'})`);
  }
  const columns = { time: fields.indexOf('time'), flux: fields.indexOf('flux'), flux_err: fields.indexOf('flux_err') };
  const n = rows.length;
  const time = new Float64Array(n);
  const flux = new Float64Array(n);
  const fluxErr = columns.flux_err >= 0 ? new Float64Array(n) : null;
  const fail = (i: number, col: keyof typeof columns): never => {
    const cell = rows[i][columns[col]];
    throw new AppError('invalid-input', `${fileName}: data row ${i + 1}, column "${col}": "${cell ?? ''}" is not a finite number`);
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    // Number('') and Number(' ') are 0: an empty cell must fail, not become a zero.
    const t = row[columns.time];
    time[i] = t === undefined || t.trim() === '' ? fail(i, 'time') : Number(t);
    const f = row[columns.flux];
    flux[i] = f === undefined || f.trim() === '' ? fail(i, 'flux') : Number(f);
    if (!Number.isFinite(time[i])) fail(i, 'time');
    if (!Number.isFinite(flux[i])) fail(i, 'flux');
    if (fluxErr) {
      const e = row[columns.flux_err];
      fluxErr[i] = e === undefined || e.trim() === '' ? fail(i, 'flux_err') : Number(e);
      if (!Number.isFinite(fluxErr[i])) fail(i, 'flux_err');
    }
  }
  return { time, flux, fluxErr };
}

/** The plan's options (grid defaults: astropy's autopower), plus the objective and --stats. */
export type BlsCommandOptions = Partial<SearchPlanOptions> & {
  objective?: BlsObjective;
  /** Add astropy's compute_stats at the peak. */
  stats?: boolean;
  /** Search again around the peak on a fine grid (the app's refinement) and report that peak. */
  refine?: boolean;
};

/** The median time step: the cadence, for timing the transits. */
function medianStep(time: Float64Array): number {
  const steps = Float64Array.from({ length: time.length - 1 }, (_, i) => Math.abs(time[i + 1] - time[i])).sort();
  return steps[steps.length >> 1];
}

/** A peak with astropy's names. */
function peakJson(peak: BlsPeak) {
  return {
    period: peak.period,
    duration: peak.duration,
    transit_time: peak.transitTime,
    depth: peak.depth,
    depth_err: peak.depthErr,
    depth_snr: peak.depthSnr,
    log_likelihood: peak.logLikelihood,
    power: peak.power,
  };
}

/** astropy's compute_stats, with astropy's key names. */
function statsJson(s: BlsStats) {
  return {
    depth: s.depth,
    depth_odd: s.depthOdd,
    depth_even: s.depthEven,
    depth_half: s.depthHalf,
    depth_phased: s.depthPhased,
    harmonic_amplitude: s.harmonicAmplitude,
    harmonic_delta_log_likelihood: s.harmonicDeltaLogLikelihood,
    transit_times: s.transitTimes,
    per_transit_count: s.perTransitCount,
    per_transit_log_likelihood: s.perTransitLogLikelihood,
  };
}

/**
 * Plans and runs a search on the table. The default grid is astropy's `autopower` (frequency factor 1,
 * minimum_n_transit 3, lightkurve's six durations); `grid: 'optimal'` uses the Ofir/Keplerian grids.
 * Returns the peak as JSON (astropy's names) and the full periodogram.
 */
export function runBlsOnTable(table: TimeSeriesTable, engine: BlsEngine, opts: BlsCommandOptions) {
  const planned = planBlsOnTable(table, opts);
  return blsOnTableResult(table, engine, opts, planned, engine.power(table, planned.options));
}

/** The search's plan and kernel options for `opts` (the first half of runBlsOnTable). */
export function planBlsOnTable(table: TimeSeriesTable, opts: BlsCommandOptions) {
  const { objective, stats: _stats, refine: _refine, ...planning } = opts;
  const plan = planSearch(table.time, { ...planning, grid: opts.grid ?? 'astropy', frequencyFactor: opts.frequencyFactor ?? 1 });
  const options: BlsOptions = { ...planOptions(plan, objective ?? 'likelihood'), memoryBudget: opts.memoryBudget };
  return { plan, options };
}

/** The answer from a periodogram computed for `planned.options`, however (the second half of runBlsOnTable). */
export function blsOnTableResult(table: TimeSeriesTable, engine: BlsEngine, opts: BlsCommandOptions, planned: ReturnType<typeof planBlsOnTable>, periodogram: BlsPeriodogram) {
  const { plan } = planned;
  const { stats, refine } = opts;
  const found = bestPeak(periodogram);
  // astropy's answer unless asked to refine; then the refined peak, with the search's as `search_peak`.
  const scope = found.index >= 0 ? { periods: plan.periods, durationLimits: durationLimits(plan, found.index), baseline: plan.baseline, objective: periodogram.objective } : null;
  const measured = refine && scope ? refinePeak(engine, table, scope, found, medianStep(table.time)) : null;
  const peak = measured?.peak ?? found;
  const result = {
    ...peakJson(peak),
    index: found.index,
    ...(measured ? { period_uncertainty: measured.periodErr, transit_time_uncertainty: measured.transitTimeErr, search_peak: peakJson(found) } : {}),
    n_periods: plan.periods.length,
    n_durations: plan.durations.length,
    grid: plan.grid,
    estimated_seconds: plan.estimatedSeconds,
    objective: periodogram.objective,
    engine_version: engine.version,
    ...(stats && peak.index >= 0 ? { stats: statsJson(computeStats(table, peak.period, peak.duration, peak.transitTime)) } : {}),
  };
  return { result, periodogram };
}

const PERIODOGRAM_COLUMNS = ['period', 'power', 'depth', 'depth_err', 'duration', 'transit_time', 'depth_snr', 'log_likelihood'] as const;

/** The full arrays as CSV, astropy's column names, every value with round-trip precision. */
export function periodogramCsv(p: BlsPeriodogram): string {
  const fields = [p.period, p.power, p.depth, p.depthErr, p.duration, p.transitTime, p.depthSnr, p.logLikelihood];
  const lines = [PERIODOGRAM_COLUMNS.join(',')];
  for (let i = 0; i < p.period.length; i++) lines.push(fields.map((f) => String(f[i])).join(','));
  return `${lines.join('\n')}\n`;
}
