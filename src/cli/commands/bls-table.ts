import Papa from 'papaparse';
import { AppError } from '../../lib/errors.ts';
import { bestPeak, type BlsEngine, type BlsObjective } from '../../lib/search/bls-types.ts';
import { autoperiod } from '../../lib/search/grid.ts';

export interface TimeSeriesTable {
  time: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array | null;
}

/** Reads `time,flux[,flux_err]` (header required, other columns ignored) exactly as given. */
export function readTimeSeriesCsv(text: string, fileName: string): TimeSeriesTable {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy', comments: '#' });
  const fields = (parsed.meta.fields ?? []).map((f) => f.trim());
  for (const need of ['time', 'flux']) {
    if (!fields.includes(need)) throw new AppError('invalid-input', `${fileName}: no "${need}" column (found: ${fields.join(', ') || 'none'})`);
  }
  const hasErr = fields.includes('flux_err');
  const n = parsed.data.length;
  const time = new Float64Array(n);
  const flux = new Float64Array(n);
  const fluxErr = hasErr ? new Float64Array(n) : null;
  parsed.data.forEach((row, i) => {
    const read = (col: string) => {
      const v = Number(row[col]);
      if (row[col] === undefined || row[col].trim() === '' || !Number.isFinite(v)) {
        throw new AppError('invalid-input', `${fileName}: data row ${i + 1}, column "${col}": "${row[col] ?? ''}" is not a finite number`);
      }
      return v;
    };
    time[i] = read('time');
    flux[i] = read('flux');
    if (fluxErr) fluxErr[i] = read('flux_err');
  });
  return { time, flux, fluxErr };
}

export interface BlsCommandOptions {
  durations?: number[];
  objective?: BlsObjective;
  oversample?: number;
  frequencyFactor?: number;
  periodMin?: number;
  periodMax?: number;
}

/** astropy's `autopower` grid (frequency factor 1, minimum_n_transit 3); durations default to lightkurve's six. */
export function runBlsOnTable(table: TimeSeriesTable, engine: BlsEngine, opts: BlsCommandOptions) {
  const durations = opts.durations ?? [0.05, 0.1, 0.15, 0.2, 0.25, 0.33];
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const t of table.time) {
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  const periods = autoperiod({
    baseline: tMax - tMin,
    durations,
    minimumPeriod: opts.periodMin,
    maximumPeriod: opts.periodMax,
    frequencyFactor: opts.frequencyFactor ?? 1,
  });
  const periodogram = engine.power(table, {
    periods,
    durations: Float64Array.from(durations),
    objective: opts.objective ?? 'likelihood',
    oversample: opts.oversample ?? 10,
  });
  const peak = bestPeak(periodogram);
  return {
    period: peak.period,
    duration: peak.duration,
    transit_time: peak.transitTime,
    depth: peak.depth,
    depth_err: peak.depthErr,
    depth_snr: peak.depthSnr,
    log_likelihood: peak.logLikelihood,
    power: peak.power,
    n_periods: periods.length,
    objective: periodogram.objective,
    engine_version: engine.version,
  };
}
