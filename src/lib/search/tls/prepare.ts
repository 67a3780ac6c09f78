/**
 * Everything the TLS kernel needs, built in TypeScript the way `transitleastsquares` 1.0.31 builds it:
 * input cleaning and dy normalisation, period and duration grids, the template cache, the template
 * widths allowed per period; plus the size and time estimate and the caps checked before a search.
 */
import { AppError } from '../../errors.ts';
import { BOX_TEMPLATE, DEFAULT_TEMPLATE, type TemplateShape } from './constants.ts';
import { durationGrid, periodGrid, t14 } from './grid.ts';
import { templateCache, type TemplateRow } from './template.ts';
import type { TlsKernelInput, TlsLightCurve, TlsOptions, TlsPlan } from './types.ts';

/** Options with the package's defaults filled in. */
export type ResolvedTlsOptions = Required<Omit<TlsOptions, 'onProgress' | 'signal' | 'template'>> & { template: TemplateShape };

export const TLS_DEFAULTS = {
  rStar: 1,
  mStar: 1,
  rStarMin: 0.13,
  rStarMax: 3.5,
  mStarMin: 0.1,
  mStarMax: 1,
  periodMin: 0,
  periodMax: Infinity,
  nTransitsMin: 2,
  oversamplingFactor: 3,
  durationGridStep: 1.1,
  t0FitMargin: 0.01,
  transitDepthMin: 10 * 10 ** -6,
  maxPeriods: 200_000,
  maxSeconds: 3600,
  maxMemoryBytes: 1024 * 1024 * 1024,
  chunkPeriods: 64,
} as const;

/** Measured cost of the release kernel on one core of the development machine (bench/tls.bench.ts). */
const SECONDS_PER_OPERATION = 0.12e-9;
const SECONDS_PER_SORTED_POINT = 2e-9;

export function resolveTlsOptions(o: TlsOptions): ResolvedTlsOptions {
  const template = o.template === undefined || o.template === 'default' ? DEFAULT_TEMPLATE : o.template === 'box' ? BOX_TEMPLATE : o.template;
  // callbacks stay out: a prepared search is plain data that can be posted to workers
  const { onProgress: _progress, signal: _signal, ...rest } = o;
  const r = { ...TLS_DEFAULTS, ...stripUndefined(rest), template } as ResolvedTlsOptions;
  const positive: (keyof ResolvedTlsOptions)[] = ['rStar', 'mStar', 'rStarMin', 'rStarMax', 'mStarMin', 'mStarMax', 'oversamplingFactor', 'nTransitsMin'];
  for (const key of positive) {
    const v = r[key] as number;
    if (!(Number.isFinite(v) && v > 0)) throw new AppError('invalid-settings', `TLS option ${key} must be a positive number, not ${v}`);
  }
  if (!(r.durationGridStep > 1)) throw new AppError('invalid-settings', `TLS durationGridStep must exceed 1, not ${r.durationGridStep}`);
  if (!(r.t0FitMargin >= 0 && r.t0FitMargin < 1)) throw new AppError('invalid-settings', `TLS t0FitMargin must lie in [0, 1), not ${r.t0FitMargin}`);
  if (!(r.periodMax > r.periodMin && r.periodMin >= 0)) {
    throw new AppError('invalid-settings', `TLS period range ${r.periodMin}–${r.periodMax} d is empty`);
  }
  if (!(r.template.rp > 0 && r.template.rp < 1)) throw new AppError('invalid-settings', `TLS template radius ratio must lie in (0, 1), not ${r.template.rp}`);
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface CleanLightCurve {
  time: Float64Array;
  flux: Float64Array;
  /** dy / mean(dy) (ones without errors). */
  dy: Float64Array;
}

/** The package's input cleaning: drops rows where t, y or dy is NaN, infinite or ≤ 0; dy /= mean(dy). */
export function cleanTlsInput(lc: TlsLightCurve): CleanLightCurve {
  const n = lc.time.length;
  if (lc.flux.length !== n || (lc.fluxErr && lc.fluxErr.length !== n)) {
    throw new AppError('invalid-input', `time, flux and flux_err differ in length (${n}, ${lc.flux.length}, ${lc.fluxErr?.length})`);
  }
  const valid = (v: number) => v > 0 && v < Infinity;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (valid(lc.time[i]) && valid(lc.flux[i]) && (!lc.fluxErr || valid(lc.fluxErr[i]))) keep.push(i);
  }
  if (keep.length < 10) throw new AppError('too-few-points', `TLS needs at least 10 valid points (time, flux, flux_err > 0 and finite); found ${keep.length}`);
  const time = Float64Array.from(keep, (i) => lc.time[i]);
  const flux = Float64Array.from(keep, (i) => lc.flux[i]);
  const dy = Float64Array.from(keep, (i) => (lc.fluxErr ? lc.fluxErr[i] : 1));
  let sum = 0;
  for (const v of dy) sum += v;
  const mean = sum / dy.length;
  for (let i = 0; i < dy.length; i++) dy[i] /= mean;
  return { time, flux, dy };
}

export interface PreparedTls {
  clean: CleanLightCurve;
  options: ResolvedTlsOptions;
  /** Template rows as the package caches them (one per duration). */
  rows: TemplateRow[];
  /** For each kernel row (distinct width), the first cache row with that width. */
  kernelRowToCacheRow: number[];
  kernel: TlsKernelInput;
  plan: TlsPlan;
}

export function prepareTls(lc: TlsLightCurve, opts: TlsOptions): PreparedTls {
  const options = resolveTlsOptions(opts);
  const clean = cleanTlsInput(lc);
  const { time } = clean;
  const n = time.length;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const t of time) {
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
  }
  const span = tMax - tMin;
  if (!(span > 0)) throw new AppError('too-few-points', 'TLS needs a light curve that spans some time');
  const descending = periodGrid({
    rStar: options.rStar,
    mStar: options.mStar,
    timeSpan: span,
    periodMin: options.periodMin,
    periodMax: options.periodMax,
    oversamplingFactor: options.oversamplingFactor,
    nTransitsMin: options.nTransitsMin,
  });
  if (descending.length > options.maxPeriods) {
    throw new AppError(
      'grid-too-large',
      `the TLS period grid would have ${descending.length.toLocaleString('en-US')} periods (time span ${span.toFixed(1)} d), above the limit of ` +
        `${options.maxPeriods.toLocaleString('en-US')}; narrow the period range, lower the oversampling, or raise the limit`,
      { size: descending.length, limit: options.maxPeriods },
    );
  }
  const periods = descending.slice().reverse();
  const durations = durationGrid(periods, options.durationGridStep);
  const cache = templateCache(durations, n, options.template);
  const rows = cache.rows;
  // distinct widths, ascending, each with its first cache row (the package's row lookup)
  const kernelRowToCacheRow: number[] = [];
  const seen = new Set<number>();
  rows.forEach((row, index) => {
    if (!seen.has(row.widthInSamples) && row.widthInSamples > 0) {
      seen.add(row.widthInSamples);
      kernelRowToCacheRow.push(index);
    }
  });
  kernelRowToCacheRow.sort((a, b) => rows[a].widthInSamples - rows[b].widthInSamples);
  let maxWidth = Math.max(...kernelRowToCacheRow.map((r) => rows[r].widthInSamples));
  if (maxWidth % 2 !== 0) maxWidth += 1;
  const nRows = kernelRowToCacheRow.length;
  const signal = new Float64Array(nRows * maxWidth).fill(1);
  kernelRowToCacheRow.forEach((cacheRow, k) => {
    // a template shorter than its width is padded with 1 (out of transit); a longer one is cut
    const s = rows[cacheRow].signal;
    signal.set(s.subarray(0, Math.min(s.length, rows[cacheRow].widthInSamples)), k * maxWidth);
  });
  const widthMin = new Int32Array(periods.length);
  const widthMax = new Int32Array(periods.length);
  periods.forEach((period, i) => {
    const bounds = widthBounds(period, span, n, options);
    widthMin[i] = bounds.min;
    widthMax[i] = bounds.max;
  });
  const kernel: TlsKernelInput = {
    time: clean.time,
    flux: clean.flux,
    dy: clean.dy,
    periods,
    widthMin,
    widthMax,
    rowWidth: Int32Array.from(kernelRowToCacheRow, (r) => rows[r].widthInSamples),
    rowOvershoot: Float64Array.from(kernelRowToCacheRow, (r) => rows[r].overshoot),
    signal,
    maxWidth,
    transitDepthMin: options.transitDepthMin,
    inverseMargin: options.t0FitMargin > 0 ? 1 / options.t0FitMargin : 0,
  };
  const plan = planTls(kernel, durations.length);
  if (plan.estimatedSeconds > options.maxSeconds) {
    throw new AppError(
      'grid-too-large',
      `TLS would take about ${Math.round(plan.estimatedSeconds)} s on one core (${plan.nPeriods.toLocaleString('en-US')} periods × ` +
        `${plan.nDurations} durations on ${n.toLocaleString('en-US')} points), above the limit of ${options.maxSeconds} s; ` +
        'bin the light curve, narrow the period range, or raise the limit',
      { ...plan, limit: options.maxSeconds },
    );
  }
  if (plan.memoryBytes > options.maxMemoryBytes) {
    throw new AppError(
      'grid-too-large',
      `TLS would need ${(plan.memoryBytes / 2 ** 20).toFixed(0)} MiB, above the limit of ${(options.maxMemoryBytes / 2 ** 20).toFixed(0)} MiB`,
      { ...plan, limit: options.maxMemoryBytes },
    );
  }
  return { clean, options, rows, kernelRowToCacheRow, kernel, plan };
}

/**
 * Template widths (samples) searched at one period: from the shortest transit (point planet, smallest
 * star) to the longest (two Jupiter radii, largest star) stretched by (transits + 1) / transits.
 */
export function widthBounds(period: number, span: number, n: number, o: ResolvedTlsOptions): { min: number; max: number } {
  const durationMax = t14(o.rStarMax, o.mStarMax, period, false);
  const durationMin = t14(o.rStarMin, o.mStarMin, period, true);
  const naive = span / period;
  const correction = (naive + 1) / naive;
  return { min: Math.floor(durationMin * n), max: Math.ceil(durationMax * n * correction) };
}

/** Multiply-adds of the template fits at trial period `p`: every allowed width at every position. */
export function periodOperations(k: TlsKernelInput, p: number): number {
  const patched = k.time.length + k.maxWidth;
  let operations = 0;
  for (let r = 0; r < k.rowWidth.length; r++) {
    const w = k.rowWidth[r];
    if (w < k.widthMin[p] || w > k.widthMax[p]) continue;
    const xth = k.inverseMargin > 0 ? Math.max(1, Math.trunc(w / k.inverseMargin)) : 1;
    operations += Math.ceil((patched - w + 1) / xth) * w;
  }
  return operations;
}

/** The estimated one-core seconds of trial period `p` (its share of `plan.estimatedSeconds`). */
export function periodSeconds(k: TlsKernelInput, p: number): number {
  const n = k.time.length;
  return periodOperations(k, p) * SECONDS_PER_OPERATION + (n + k.maxWidth) * Math.log2(n) * SECONDS_PER_SORTED_POINT;
}

/** Grid sizes, multiply-adds of the template fits, the time estimate and the kernel's memory. */
export function planTls(k: TlsKernelInput, nDurations: number): TlsPlan {
  const n = k.time.length;
  const patched = n + k.maxWidth;
  let operations = 0;
  for (let p = 0; p < k.periods.length; p++) operations += periodOperations(k, p);
  const sortCost = k.periods.length * patched * Math.log2(n);
  const rowsBytes = k.rowWidth.length * k.maxWidth * 8 * 3;
  const memoryBytes = n * (3 * 8 + 2 * 8 + 2 * 4) + patched * 8 * 4 + k.periods.length * (8 * 3 + 4 * 3) + rowsBytes;
  return {
    nPoints: n,
    nPeriods: k.periods.length,
    nDurations,
    periodMin: k.periods[0],
    periodMax: k.periods[k.periods.length - 1],
    operations,
    estimatedSeconds: operations * SECONDS_PER_OPERATION + sortCost * SECONDS_PER_SORTED_POINT,
    memoryBytes,
  };
}
