/**
 * Types of a Box Least Squares search, following astropy's BoxLeastSquares API
 * (astropy/timeseries/periodograms/bls/core.py): one value per trial period for every result field.
 */

/** What is maximised over phase and duration at each period (astropy's `objective`). */
export type BlsObjective = 'likelihood' | 'snr';

/** A light curve; times in days. `fluxErr` null means unit weights (astropy's dy=None). */
export interface BlsInput {
  time: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array | null;
}

export interface BlsOptions {
  /** Trial periods, days. */
  periods: Float64Array;
  /** Trial durations, days. */
  durations: Float64Array;
  objective: BlsObjective;
  /** Phase bins per minimum duration (astropy's `oversample`, default 10). */
  oversample: number;
  /**
   * Search only a slice of `durations` at each period (the Keplerian grid of grid-optimal.ts); absent,
   * every duration at every period, as astropy.
   */
  durationRanges?: DurationSlices;
  /** Refuse, with AppError 'grid-too-large', a search whose kernel memory would exceed this (bytes). */
  memoryBudget?: number;
}

/** Per-period slices of an ascending `durations` list. */
export interface DurationSlices {
  /** Per period: first index into `durations`. */
  first: Int32Array;
  /** Per period: number of durations, ≥ 1. */
  count: Int32Array;
  /**
   * Bin width per period = its shortest duration / oversample, instead of astropy's global
   * min(durations) / oversample (far fewer bins at long periods; not astropy's numbers).
   */
  periodBins: boolean;
}

/**
 * astropy's BoxLeastSquaresResults. At a period where no box qualified (no point in or out of transit,
 * or no dip), power is -Infinity and the other fields are NaN.
 */
export interface BlsPeriodogram {
  period: Float64Array;
  power: Float64Array;
  depth: Float64Array;
  depthErr: Float64Array;
  /** Snapped to the phase-bin grid (k · bin), days. */
  duration: Float64Array;
  /** Mid-transit time in the input's time system, days. */
  transitTime: Float64Array;
  depthSnr: Float64Array;
  logLikelihood: Float64Array;
  objective: BlsObjective;
}

export interface BlsPeak {
  index: number;
  period: number;
  power: number;
  depth: number;
  depthErr: number;
  duration: number;
  transitTime: number;
  depthSnr: number;
  logLikelihood: number;
}

/** A way of computing the periodogram: the WASM kernel or the brute-force TypeScript reference. */
export interface BlsEngine {
  /** Identifies the code that computed a result (the WASM hash for the kernel). */
  readonly version: string;
  power(input: BlsInput, options: BlsOptions): BlsPeriodogram;
}

/**
 * The period of maximum power: the first index of the largest finite power (argmax, ignoring
 * -Infinity and NaN, as lightkurve's `period_at_max_power`). Index -1 and NaN fields when no
 * period has a finite power.
 */
export function bestPeak(p: BlsPeriodogram): BlsPeak {
  let index = -1;
  for (let i = 0; i < p.power.length; i++) {
    const v = p.power[i];
    if (Number.isFinite(v) && (index < 0 || v > p.power[index])) index = i;
  }
  const at = (a: Float64Array) => (index < 0 ? NaN : a[index]);
  return {
    index,
    period: at(p.period),
    power: at(p.power),
    depth: at(p.depth),
    depthErr: at(p.depthErr),
    duration: at(p.duration),
    transitTime: at(p.transitTime),
    depthSnr: at(p.depthSnr),
    logLikelihood: at(p.logLikelihood),
  };
}
