/** Types of the TLS search: options, the kernel boundary, and the result. */
import type { TemplateShape } from './constants.ts';

export interface TlsLightCurve {
  time: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array | null;
}

export interface TlsOptions {
  /** Stellar radius and mass (solar units) for the period grid; default 1 and 1. */
  rStar?: number;
  mStar?: number;
  /** Stellar radius and mass ranges that bound the template widths searched per period. */
  rStarMin?: number;
  rStarMax?: number;
  mStarMin?: number;
  mStarMax?: number;
  /** Period range, days; default 0 and ∞ (the grid then spans to time span / nTransitsMin). */
  periodMin?: number;
  periodMax?: number;
  nTransitsMin?: number;
  oversamplingFactor?: number;
  durationGridStep?: number;
  /** Fractional step of template positions (and of the T0 fit) in template widths; default 0.01. */
  t0FitMargin?: number;
  /** Minimum window depth for a template position to be tried; default 10 ppm. */
  transitDepthMin?: number;
  /** 'default' (limb-darkened Earth-like), 'box', or a custom shape (e.g. the star's limb darkening). */
  template?: 'default' | 'box' | TemplateShape;
  /** Caps: refuse grids above these before starting (AppError 'grid-too-large'). */
  maxPeriods?: number;
  maxSeconds?: number;
  maxMemoryBytes?: number;
  /** Periods searched per kernel call between progress reports and abort checks. */
  chunkPeriods?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** What the kernel needs for one search: data, grid, deduplicated template rows, width bounds. */
export interface TlsKernelInput {
  time: Float64Array;
  flux: Float64Array;
  /** dy / mean(dy). */
  dy: Float64Array;
  /** Ascending trial periods. */
  periods: Float64Array;
  widthMin: Int32Array;
  widthMax: Int32Array;
  /** Distinct template widths, ascending, and their overshoot. */
  rowWidth: Int32Array;
  rowOvershoot: Float64Array;
  /** Row-major (rows × maxWidth) template flux, padded with 1. */
  signal: Float64Array;
  /** Even, ≥ every row width. */
  maxWidth: number;
  transitDepthMin: number;
  /** 1 / t0FitMargin, 0 when the margin is 0. */
  inverseMargin: number;
}

/** Per period: lowest chi2, row of rowWidth used, and the fitted transit-bottom flux (1 - depth). */
export interface TlsKernelOutput {
  chi2: Float64Array;
  row: Int32Array;
  depth: Float64Array;
}

export interface TlsEngine {
  /** Version of the kernel (hash of its WASM bytes), stored with results. */
  readonly version: string;
  /** Searches periods [first, first + count) of a search laid out by `begin`. */
  begin(input: TlsKernelInput): void;
  run(first: number, count: number): void;
  finish(): TlsKernelOutput;
}

/** Grid sizes and a time estimate, known before the search starts. */
export interface TlsPlan {
  nPoints: number;
  nPeriods: number;
  nDurations: number;
  periodMin: number;
  periodMax: number;
  /** Multiply-adds of the template fits. */
  operations: number;
  estimatedSeconds: number;
  memoryBytes: number;
}

/** The package's result fields (names in camelCase); NaN where it gives NaN. */
export interface TlsResult {
  period: number;
  periodUncertainty: number;
  T0: number;
  /** Days. */
  duration: number;
  /** Transit-bottom flux of the best template (the package's `depth`, e.g. 0.9985). */
  depth: number;
  depthMean: [number, number];
  depthMeanEven: [number, number];
  depthMeanOdd: [number, number];
  snr: number;
  SDE: number;
  SDERaw: number;
  FAP: number;
  rpRs: number;
  oddEvenMismatch: number;
  transitCount: number;
  distinctTransitCount: number;
  emptyTransitCount: number;
  chi2Min: number;
  chi2redMin: number;
  beforeTransitCount: number;
  inTransitCount: number;
  afterTransitCount: number;
  transitTimes: number[];
  perTransitCount: number[];
  snrPerTransit: number[];
  snrPinkPerTransit: number[];
  transitDepths: number[];
  transitDepthsUncertainties: number[];
  /** Spectrum, ascending period. */
  periods: Float64Array;
  power: Float64Array;
  powerRaw: Float64Array;
  SR: Float64Array;
  chi2: Float64Array;
  chi2red: Float64Array;
  plan: TlsPlan;
  kernelVersion: string;
  /**
   * The folded model's transit, as the package draws `model_folded_model`: its width in days (the
   * best template's duration stretched like `duration`, but by the half fill factor) and the
   * template shape it scales to `depth`. NaN when no transit was fitted. For plots only.
   */
  modelDuration: number;
  template: TemplateShape;
}
