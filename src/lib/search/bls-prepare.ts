/**
 * Validation and preconditioning shared by every BLS engine, as astropy's BoxLeastSquares.power does
 * before it calls a method (core.py): times relative to t_ref = min(t), y = flux − median(flux),
 * ivar = 1/dy² (or 1 without uncertainties).
 */
import { AppError } from '../errors.ts';
import type { BlsInput, BlsObjective, BlsOptions, BlsPeriodogram, DurationSlices } from './bls-types.ts';

/** Ready-to-search arrays; `transitTime` results are relative to `tRef` until `addReferenceTime`. */
export interface PreparedBls {
  /** t − t_ref, days. */
  time: Float64Array;
  /** flux − median(flux). */
  y: Float64Array;
  /** 1/σ², or 1 for every point when the input has no uncertainties. */
  ivar: Float64Array;
  tRef: number;
  periods: Float64Array;
  durations: Float64Array;
  objective: BlsObjective;
  oversample: number;
  durationRanges: DurationSlices | null;
}

function invalid(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('invalid-input', message, details);
}

function checkFinite(name: string, a: Float64Array, positive: boolean): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v)) throw invalid(`${name}[${i}] is ${v}; every value must be finite`, { argument: name, index: i });
    if (positive && !(v > 0)) throw invalid(`${name}[${i}] is ${v}; every value must be > 0`, { argument: name, index: i });
  }
}

function extremes(a: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < min) min = a[i];
    if (a[i] > max) max = a[i];
  }
  return { min, max };
}

/** Throws AppError('invalid-input') naming the argument and the rule it breaks. */
export function validateBls(input: BlsInput, options: BlsOptions): void {
  const { time, flux, fluxErr } = input;
  if (!(time instanceof Float64Array)) throw invalid('time must be a Float64Array', { argument: 'time' });
  if (!(flux instanceof Float64Array)) throw invalid('flux must be a Float64Array', { argument: 'flux' });
  if (fluxErr !== null && !(fluxErr instanceof Float64Array)) throw invalid('fluxErr must be a Float64Array or null', { argument: 'fluxErr' });
  if (flux.length !== time.length) throw invalid(`flux has ${flux.length} values but time has ${time.length}; they must be the same length`, { argument: 'flux' });
  if (fluxErr && fluxErr.length !== time.length) {
    throw invalid(`fluxErr has ${fluxErr.length} values but time has ${time.length}; they must be the same length`, { argument: 'fluxErr' });
  }
  if (time.length < 2) throw invalid(`time has ${time.length} points; at least 2 are needed`, { argument: 'time' });
  checkFinite('time', time, false);
  checkFinite('flux', flux, false);
  if (fluxErr) checkFinite('fluxErr', fluxErr, true);

  const { periods, durations, objective, oversample } = options;
  if (!(periods instanceof Float64Array) || periods.length === 0) throw invalid('periods must be a non-empty Float64Array', { argument: 'periods' });
  if (!(durations instanceof Float64Array) || durations.length === 0) throw invalid('durations must be a non-empty Float64Array', { argument: 'durations' });
  checkFinite('periods', periods, true);
  checkFinite('durations', durations, true);
  if (options.durationRanges) validateRanges(periods, durations, options.durationRanges);
  else {
    const minPeriod = extremes(periods).min;
    const maxDuration = extremes(durations).max;
    // astropy core.py: "The maximum transit duration must be shorter than the minimum period".
    if (!(minPeriod > maxDuration)) {
      throw invalid(`the smallest of periods (${minPeriod} d) must exceed the maximum duration (${maxDuration} d)`, { argument: 'periods' });
    }
  }
  if (!Number.isInteger(oversample) || oversample < 1) throw invalid(`oversample must be an integer ≥ 1, not ${oversample}`, { argument: 'oversample' });
  if (objective !== 'likelihood' && objective !== 'snr') throw invalid(`objective must be "likelihood" or "snr", not "${String(objective)}"`, { argument: 'objective' });
}

/** Per-period duration slices: ascending durations, slices inside the list, each period longer than its durations. */
function validateRanges(periods: Float64Array, durations: Float64Array, ranges: DurationSlices): void {
  const { first, count } = ranges;
  if (!(first instanceof Int32Array && count instanceof Int32Array) || first.length !== periods.length || count.length !== periods.length) {
    throw invalid(`durationRanges.first and .count must be Int32Arrays with one entry per period (${periods.length})`, { argument: 'durationRanges' });
  }
  for (let k = 1; k < durations.length; k++) {
    if (!(durations[k] > durations[k - 1])) throw invalid('durations must be strictly ascending when durationRanges are given', { argument: 'durations', index: k });
  }
  for (let i = 0; i < periods.length; i++) {
    const a = first[i];
    const n = count[i];
    if (a < 0 || n < 1 || a + n > durations.length) {
      throw invalid(`durationRanges for period ${i} (first ${a}, count ${n}) fall outside the ${durations.length} durations`, { argument: 'durationRanges', index: i });
    }
    if (!(durations[a + n - 1] < periods[i])) {
      throw invalid(`period ${i} (${periods[i]} d) must exceed its longest duration (${durations[a + n - 1]} d)`, { argument: 'durationRanges', index: i });
    }
  }
}

/** numpy's median: the middle value, or the mean of the two middle values. */
export function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Validates, then builds astropy's preconditioned arrays (core.py `power`). */
export function prepareBls(input: BlsInput, options: BlsOptions): PreparedBls {
  validateBls(input, options);
  const { time, flux, fluxErr } = input;
  const n = time.length;
  const tRef = extremes(time).min;
  const m = median(flux);
  const t = new Float64Array(n);
  const y = new Float64Array(n);
  const ivar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = time[i] - tRef;
    y[i] = flux[i] - m;
    ivar[i] = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
  }
  return {
    time: t,
    y,
    ivar,
    tRef,
    periods: options.periods,
    durations: options.durations,
    objective: options.objective,
    oversample: options.oversample,
    durationRanges: options.durationRanges ?? null,
  };
}

/** An output record for `prepared.periods`, every field NaN until an engine fills it. */
export function emptyPeriodogram(prepared: PreparedBls): BlsPeriodogram {
  const n = prepared.periods.length;
  const field = () => new Float64Array(n).fill(NaN);
  return {
    period: Float64Array.from(prepared.periods),
    power: field(),
    depth: field(),
    depthErr: field(),
    duration: field(),
    transitTime: field(),
    depthSnr: field(),
    logLikelihood: field(),
    objective: prepared.objective,
  };
}

/** astropy `_format_results`: transit times come back relative to t_ref. */
export function addReferenceTime(p: BlsPeriodogram, tRef: number): BlsPeriodogram {
  for (let i = 0; i < p.transitTime.length; i++) p.transitTime[i] += tRef;
  return p;
}
