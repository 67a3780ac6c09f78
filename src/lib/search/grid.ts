/**
 * Period grids: astropy's BoxLeastSquares.autoperiod (core.py), uniform in frequency, and
 * lightkurve's defaults for it (BoxLeastSquaresPeriodogram.from_lightcurve). Times in days.
 */
import { AppError } from '../errors.ts';
import { median } from './bls-prepare.ts';

export interface GridOptions {
  /** max(t) − min(t), days. */
  baseline: number;
  /** Trial durations, days; the smallest sets the frequency step. */
  durations: ArrayLike<number>;
  /** Default 2 · max(duration). */
  minimumPeriod?: number;
  /** Default baseline / (minimumNTransit − 1), as astropy's code (its docstring says / minimumNTransit). */
  maximumPeriod?: number;
  minimumNTransit?: number;
  /** Scales the frequency step; astropy's default 1, lightkurve's 10. */
  frequencyFactor?: number;
}

interface GridPlan {
  maximumFrequency: number;
  df: number;
  size: number;
}

function invalid(message: string, argument: string): AppError {
  return new AppError('invalid-input', message, { argument });
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function plan(options: GridOptions): GridPlan {
  const { baseline, durations, minimumNTransit = 3, frequencyFactor = 1 } = options;
  if (!(Number.isFinite(baseline) && baseline > 0)) throw invalid(`baseline must be a positive number of days, not ${baseline}`, 'baseline');
  if (durations.length === 0) throw invalid('durations must hold at least one duration', 'durations');
  let minDuration = Infinity;
  let maxDuration = -Infinity;
  for (let i = 0; i < durations.length; i++) {
    const d = durations[i];
    if (!(Number.isFinite(d) && d > 0)) throw invalid(`durations[${i}] is ${d}; durations must be positive numbers of days`, 'durations');
    minDuration = Math.min(minDuration, d);
    maxDuration = Math.max(maxDuration, d);
  }
  if (!(Number.isFinite(frequencyFactor) && frequencyFactor > 0)) {
    throw invalid(`frequencyFactor must be a positive number, not ${frequencyFactor}`, 'frequencyFactor');
  }
  const df = (frequencyFactor * minDuration) / (baseline * baseline);
  let minimumPeriod = options.minimumPeriod ?? 2 * maxDuration;
  let maximumPeriod = options.maximumPeriod;
  if (maximumPeriod === undefined) {
    if (!(minimumNTransit > 1)) throw invalid(`minimumNTransit must be greater than 1, not ${minimumNTransit}`, 'minimumNTransit');
    maximumPeriod = baseline / (minimumNTransit - 1);
  }
  if (maximumPeriod < minimumPeriod) [minimumPeriod, maximumPeriod] = [maximumPeriod, minimumPeriod];
  if (!(minimumPeriod > 0)) throw invalid(`minimumPeriod must be positive, not ${minimumPeriod}`, 'minimumPeriod');
  if (!Number.isFinite(maximumPeriod)) throw invalid(`maximumPeriod must be finite, not ${maximumPeriod}`, 'maximumPeriod');
  const minimumFrequency = 1 / maximumPeriod;
  const maximumFrequency = 1 / minimumPeriod;
  return { maximumFrequency, df, size: 1 + roundHalfEven((maximumFrequency - minimumFrequency) / df) };
}

/** Number of periods `autoperiod` would return, without building the grid. */
export function gridSize(options: GridOptions): number {
  return plan(options).size;
}

/**
 * astropy's autoperiod: P_k = 1 / (f_max − k·df), k = 0 … nf − 1, ascending in period from the
 * minimum period, with df = frequencyFactor · min(duration) / baseline² and
 * nf = 1 + round((f_max − f_min) / df).
 */
export function autoperiod(options: GridOptions): Float64Array {
  const { maximumFrequency, df, size } = plan(options);
  const periods = new Float64Array(size);
  for (let k = 0; k < size; k++) periods[k] = 1 / (maximumFrequency - df * k);
  return periods;
}

/** lightkurve's default trial durations, days. */
export const LIGHTKURVE_DURATIONS: readonly number[] = [0.05, 0.1, 0.15, 0.2, 0.25, 0.33];

export interface LightkurveGrid {
  baseline: number;
  durations: Float64Array;
  minimumPeriod: number;
  maximumPeriod: number;
  frequencyFactor: number;
}

/**
 * lightkurve's choices when no period grid is given: minimum period max(4·median Δt,
 * max(duration) + median Δt), maximum period baseline / 3, frequency factor 10.
 */
export function lightkurveDefaults(time: Float64Array): LightkurveGrid {
  if (time.length < 2) throw invalid(`time has ${time.length} points; at least 2 are needed for a period grid`, 'time');
  const steps = new Float64Array(time.length - 1);
  let min = time[0];
  let max = time[0];
  for (let i = 1; i < time.length; i++) {
    steps[i - 1] = time[i] - time[i - 1];
    min = Math.min(min, time[i]);
    max = Math.max(max, time[i]);
  }
  const dt = median(steps);
  const durations = Float64Array.from(LIGHTKURVE_DURATIONS);
  const maxDuration = Math.max(...LIGHTKURVE_DURATIONS);
  const baseline = max - min;
  return {
    baseline,
    durations,
    minimumPeriod: Math.max(4 * dt, maxDuration + dt),
    maximumPeriod: baseline / 3,
    frequencyFactor: 10,
  };
}
