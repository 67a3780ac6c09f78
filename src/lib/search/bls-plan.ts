/**
 * Plans a BLS search before it runs: the period and duration grids (astropy's autoperiod, or the
 * scalable Ofir + Keplerian grids of grid-optimal.ts), the kernel's memory and the expected time, with
 * clear refusals (AppError 'grid-too-large') when a cap is exceeded. Pure: runs anywhere.
 */
import { AppError } from '../errors.ts';
import { median } from './bls-prepare.ts';
import type { BlsObjective, BlsOptions, DurationSlices } from './bls-types.ts';
import { autoperiod, gridSize, LIGHTKURVE_DURATIONS } from './grid.ts';
import { durationRanges, ofirPeriodCount, ofirPeriods } from './grid-optimal.ts';

export type GridKind = 'astropy' | 'optimal';

export interface SearchPlanOptions {
  /** 'astropy': autoperiod, every duration at every period. 'optimal': Ofir periods, Keplerian durations. */
  grid: GridKind;
  /** Days. Default: astropy 2·max(duration); optimal max(0.5 d, 4·median cadence). */
  periodMin?: number;
  /** Days. Default baseline / (minimumNTransit − 1), as astropy's autoperiod. */
  periodMax?: number;
  /** Default 3, as astropy. */
  minimumNTransit?: number;
  /** Phase bins per shortest duration (astropy's oversample, default 10). */
  oversample?: number;
  /** astropy grid: trial durations, days (default lightkurve's six). */
  durations?: readonly number[];
  /** astropy grid: frequency step factor (astropy's default 1, lightkurve's 10). */
  frequencyFactor?: number;
  /** optimal grid: periods per duty cycle of phase drift over the baseline (Ofir's oversampling, default 2, as TLS's period_grid). */
  periodOversampling?: number;
  /** optimal grid: the star that sets the period spacing, solar units (default the Sun). */
  stellarRadius?: number;
  stellarMass?: number;
  /** optimal grid: ratio of successive durations (default 1.2). */
  durationStep?: number;
  /** optimal grid: shortest box, days (default 2 · median cadence). */
  minimumDuration?: number;
  /** Refuse grids with more periods (default 2,000,000). */
  maxPeriods?: number;
  /** Refuse grids whose kernel memory exceeds this many bytes (default 1 GiB). */
  memoryBudget?: number;
  /** Refuse grids whose estimated time exceeds this many seconds (default: no cap). */
  maxSeconds?: number;
}

export interface SearchPlan {
  grid: GridKind;
  baseline: number;
  periodMin: number;
  periodMax: number;
  periods: Float64Array;
  durations: Float64Array;
  /** Per-period duration slices for the optimal grid; null for astropy's. */
  durationRanges: DurationSlices | null;
  oversample: number;
  /** Largest number of phase bins at any period. */
  bins: number;
  memoryBytes: number;
  /** From the cost model (`estimateSeconds`) on a 2-core development machine, one thread. */
  estimatedSeconds: number;
}

export const DEFAULT_MAX_PERIODS = 2_000_000;
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

/**
 * Cost model of the release kernel, seconds per unit of work, measured with bench/bls-recovery.bench.ts
 * (fit over TESS and Kepler cases, one thread): binning one point at one period, clearing and
 * accumulating one phase bin, scanning one start bin for one duration.
 */
export const COST_PER_POINT = 2.5e-9;
export const COST_PER_BIN = 4e-9;
export const COST_PER_START = 0.9e-9;

function tooLarge(message: string, details: Record<string, unknown>): AppError {
  return new AppError('grid-too-large', message, details);
}

/** Bins at one period, as assembly/bls.ts: ceil(P / bin) + oversample. */
function binsAt(period: number, bin: number, oversample: number): number {
  return Math.ceil(period / bin) + oversample;
}

/** The kernel's largest bin count over the periods (mirrors `run` in assembly/bls.ts). */
export function maxBinCount(periods: Float64Array, durations: Float64Array, oversample: number, ranges: DurationSlices | null = null): number {
  let minDuration = Infinity;
  for (const d of durations) minDuration = Math.min(minDuration, d);
  let bins = 0;
  for (let p = 0; p < periods.length; p++) {
    const bin = (ranges?.periodBins ? durations[ranges.first[p]] : minDuration) / oversample;
    bins = Math.max(bins, binsAt(periods[p], bin, oversample));
  }
  return bins;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * Bytes of kernel memory for one search (mirrors assembly/memory.ts): per point time, y, ivar, x and
 * the (y·ivar, ivar) pair; per period the period, seven outputs and the two range entries; the
 * durations; four per-bin work arrays of 16 bytes per bin (bins, two cumulative sums, the scan bound's
 * numerator); plus 64 KiB of static data.
 */
export function blsMemoryBytes(points: number, periods: number, durations: number, bins: number): number {
  const slots = 4 * align16(points * 8) + align16(points * 16) + 10 * align16(periods * 8) + align16(durations * 8);
  return 65536 + slots + 4 * align16((bins + 2) * 16);
}

/** Expected seconds for one search with the cost model above. */
export function estimateSeconds(points: number, periods: Float64Array, durations: Float64Array, oversample: number, ranges: DurationSlices | null = null): number {
  let minDuration = Infinity;
  for (const d of durations) minDuration = Math.min(minDuration, d);
  let seconds = 0;
  for (let p = 0; p < periods.length; p++) {
    const bin = (ranges?.periodBins ? durations[ranges.first[p]] : minDuration) / oversample;
    const bins = binsAt(periods[p], bin, oversample);
    const count = ranges ? ranges.count[p] : durations.length;
    seconds += points * COST_PER_POINT + bins * (COST_PER_BIN + count * COST_PER_START);
  }
  return seconds;
}

function timeSpan(time: Float64Array): { baseline: number; cadence: number } {
  if (time.length < 2) throw new AppError('too-few-points', `a search needs at least 2 points, not ${time.length}`, { points: time.length });
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of time) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const steps = new Float64Array(time.length - 1);
  for (let i = 1; i < time.length; i++) steps[i - 1] = Math.abs(time[i] - time[i - 1]);
  return { baseline: hi - lo, cadence: median(steps) };
}

/**
 * Plans a search of a light curve with times `time` (days): grids, memory, expected time. Throws
 * AppError 'grid-too-large' (before building anything large) when the grid exceeds `maxPeriods`, the
 * memory exceeds `memoryBudget` or the estimate exceeds `maxSeconds`; 'invalid-settings' or
 * 'invalid-input' for bad options.
 */
export function planSearch(time: Float64Array, options: SearchPlanOptions): SearchPlan {
  const { baseline, cadence } = timeSpan(time);
  const oversample = options.oversample ?? 10;
  const maxPeriods = options.maxPeriods ?? DEFAULT_MAX_PERIODS;
  const nTransit = options.minimumNTransit ?? 3;
  if (!(nTransit > 1)) throw new AppError('invalid-settings', `minimumNTransit must exceed 1, not ${nTransit}`, { argument: 'minimumNTransit' });
  const periodMax = options.periodMax ?? baseline / (nTransit - 1);

  let periods: Float64Array;
  let durations: Float64Array;
  let ranges: DurationSlices | null = null;
  let periodMin: number;
  if (options.grid === 'astropy') {
    durations = Float64Array.from(options.durations ?? LIGHTKURVE_DURATIONS);
    periodMin = options.periodMin ?? 2 * Math.max(...durations);
    const gridOptions = { baseline, durations, minimumPeriod: periodMin, maximumPeriod: periodMax, frequencyFactor: options.frequencyFactor ?? 1 };
    const size = gridSize(gridOptions);
    if (size > maxPeriods) {
      throw tooLarge(
        `astropy's autoperiod grid would have ${size.toLocaleString('en')} periods, above the limit of ${maxPeriods.toLocaleString('en')}: use the optimal grid, raise the frequency factor or narrow the period range`,
        { periods: size, maxPeriods },
      );
    }
    periods = autoperiod(gridOptions);
  } else if (options.grid === 'optimal') {
    periodMin = options.periodMin ?? Math.max(0.5, 4 * cadence);
    const ofir = { baseline, periodMin, periodMax, oversampling: options.periodOversampling ?? 2, stellarRadius: options.stellarRadius, stellarMass: options.stellarMass };
    const size = ofirPeriodCount(ofir);
    if (size > maxPeriods) {
      throw tooLarge(
        `the optimal grid would have ${size.toLocaleString('en')} periods, above the limit of ${maxPeriods.toLocaleString('en')}: lower the period oversampling or narrow the period range`,
        { periods: size, maxPeriods },
      );
    }
    periods = ofirPeriods(ofir);
    const slices = durationRanges(periods, { durationStep: options.durationStep, minimumDuration: options.minimumDuration ?? 2 * cadence });
    durations = slices.durations;
    ranges = { first: slices.first, count: slices.count, periodBins: true };
  } else {
    throw new AppError('invalid-settings', `grid must be "astropy" or "optimal", not "${String(options.grid)}"`, { argument: 'grid' });
  }

  const bins = maxBinCount(periods, durations, oversample, ranges);
  const memoryBytes = blsMemoryBytes(time.length, periods.length, durations.length, bins);
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  if (memoryBytes > budget) {
    throw tooLarge(
      `the search would need ${(memoryBytes / 2 ** 20).toFixed(1)} MiB of kernel memory (${periods.length} periods, up to ${bins} phase bins), above the budget of ${(budget / 2 ** 20).toFixed(1)} MiB`,
      { memoryBytes, budget, bins },
    );
  }
  const estimatedSeconds = estimateSeconds(time.length, periods, durations, oversample, ranges);
  if (options.maxSeconds !== undefined && estimatedSeconds > options.maxSeconds) {
    throw tooLarge(
      `the search would take about ${estimatedSeconds.toFixed(0)} s on one core (${periods.length} periods), above the cap of ${options.maxSeconds} s: use the optimal grid or narrow the period range`,
      { estimatedSeconds, maxSeconds: options.maxSeconds },
    );
  }
  return { grid: options.grid, baseline, periodMin, periodMax, periods, durations, durationRanges: ranges, oversample, bins, memoryBytes, estimatedSeconds };
}

/** The engine options that run a plan (pass the plan's memory as the budget). */
export function planOptions(plan: SearchPlan, objective: BlsObjective = 'likelihood'): BlsOptions {
  return {
    periods: plan.periods,
    durations: plan.durations,
    objective,
    oversample: plan.oversample,
    durationRanges: plan.durationRanges ?? undefined,
  };
}
