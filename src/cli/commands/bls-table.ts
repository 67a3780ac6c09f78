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
  // The common case, comma-separated with no quotes anywhere, is read by scanning the text: a TESS
  // sector's 18,000 lines cost about 10 ms instead of papaparse's 80, most of a short `bls` call's
  // own overhead. Anything else (quotes, another delimiter) goes through papaparse.
  const plain = body.includes('"') ? null : scanPlainCsv(body);
  if (plain) return readColumns(plain.fields, plain.rows.length, (i, c) => plain.cell(i, c), fileName);
  const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: 'greedy', comments: '#' });
  const rows = parsed.data.slice(1);
  return readColumns((parsed.data[0] ?? []).map((f) => f.trim()), rows.length, (i, c) => rows[i][c], fileName);
}

/** Data lines (blank and `#` lines skipped) as [start, end) offsets, and a reader of one cell; null unless the header is comma-separated with time and flux. */
function scanPlainCsv(text: string): { fields: string[]; rows: number[]; cell(row: number, column: number): string | undefined } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const stop = end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (text.charCodeAt(at) !== 35 /* # */ && text.slice(at, stop).trim() !== '') {
      starts.push(at);
      ends.push(stop);
    }
    at = end + 1;
  }
  if (starts.length === 0) return null;
  const fields = text.slice(starts[0], ends[0]).split(',').map((f) => f.trim());
  if (!fields.includes('time') || !fields.includes('flux')) return null;
  return {
    fields,
    rows: starts.slice(1),
    cell(row, column) {
      let at = starts[row + 1];
      const end = ends[row + 1];
      for (let c = 0; c < column; c++) {
        const comma = text.indexOf(',', at);
        if (comma < 0 || comma >= end) return undefined;
        at = comma + 1;
      }
      const comma = text.indexOf(',', at);
      return text.slice(at, comma < 0 || comma > end ? end : comma);
    },
  };
}

function readColumns(fields: string[], n: number, cell: (row: number, column: number) => string | undefined, fileName: string): TimeSeriesTable {
  for (const need of ['time', 'flux']) {
    if (!fields.includes(need)) throw new AppError('invalid-input', `${fileName}: no "${need}" column (found: ${fields.join(', ') || 'none'})`);
  }
  const read = (out: Float64Array, name: string) => {
    const column = fields.indexOf(name);
    for (let i = 0; i < n; i++) {
      const text = cell(i, column);
      // Number('') and Number(' ') are 0: an empty cell must fail, not become a zero.
      const v = text === undefined || text.trim() === '' ? NaN : Number(text);
      if (!Number.isFinite(v)) throw new AppError('invalid-input', `${fileName}: data row ${i + 1}, column "${name}": "${text ?? ''}" is not a finite number`);
      out[i] = v;
    }
    return out;
  };
  const time = read(new Float64Array(n), 'time');
  const flux = read(new Float64Array(n), 'flux');
  const fluxErr = fields.includes('flux_err') ? read(new Float64Array(n), 'flux_err') : null;
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
