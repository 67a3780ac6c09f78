/**
 * Detrenders: divide the flux by a smooth trend so that stellar variability does not reach the
 * search, while transits (shorter than the window) survive. Two methods, both pure TypeScript:
 *
 * - `biweightTrend`: wotan's default (Hippke et al. 2019, AJ 158, 143, §2.2): at every cadence the
 *   trend is Tukey's biweight location of the fluxes within ±window/2 days, tuning constant c = 5,
 *   started from the median and iterated until it moves less than 1e-6 (relative); light curves are
 *   split at gaps longer than 0.5 d (wotan's `break_tolerance`).
 * - `savgolTrend`: lightkurve's `LightCurve.flatten()` defaults (docs/mast-and-formats.md §4.5):
 *   Savitzky–Golay filter over a window in cadences, polyorder 2, edges from the window polynomial
 *   (scipy `mode='interp'`), segments split at gaps > 5 × median Δt, three passes of 3σ clipping,
 *   the trend of the kept points linearly interpolated onto every cadence.
 */
import { median } from './arrays.ts';
import type { LightCurve } from './types.ts';

/** Median of a[0..n) by quickselect (Hoare); reorders a[0..n). */
export function quickMedian(a: Float64Array, n: number): number {
  if (n === 0) return Number.NaN;
  const select = (k: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const pivot = a[(lo + hi) >> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) {
          const t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return a[k];
    }
    return a[k];
  };
  const upper = select(n >> 1);
  if (n % 2) return upper;
  // The lower middle is the largest value left of n/2 after the selection.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lower) lower = a[i];
  return 0.5 * (lower + upper);
}

/** Index ranges [start, end) between gaps longer than `maxGap`. */
export function segmentsByGap(time: ArrayLike<number>, maxGap: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i < time.length; i++) {
    if (time[i] - time[i - 1] > maxGap) {
      out.push([start, i]);
      start = i;
    }
  }
  if (time.length > 0) out.push([start, time.length]);
  return out;
}

const BIWEIGHT_C = 5;
const BIWEIGHT_TOLERANCE = 1e-6;
const BIWEIGHT_MAX_ITERATIONS = 20;
/** wotan's `break_tolerance` default, days. */
export const BIWEIGHT_BREAK_DAYS = 0.5;

/** Tukey's biweight location of `values[0..n)`; `scratch` (length ≥ n) is overwritten. */
export function biweightLocation(values: Float64Array, n: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = values[i];
  let location = quickMedian(scratch, n);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(values[i] - location);
  const mad = quickMedian(scratch, n);
  if (!(mad > 0)) return location;
  const scale = BIWEIGHT_C * mad;
  for (let iteration = 0; iteration < BIWEIGHT_MAX_ITERATIONS; iteration++) {
    let sw = 0;
    let swx = 0;
    for (let i = 0; i < n; i++) {
      const u = (values[i] - location) / scale;
      if (u * u < 1) {
        const w = (1 - u * u) * (1 - u * u);
        sw += w;
        swx += w * values[i];
      }
    }
    const next = swx / sw;
    const moved = Math.abs(next - location);
    location = next;
    if (moved <= BIWEIGHT_TOLERANCE * Math.abs(location)) break;
  }
  return location;
}

/** wotan `flatten(method='biweight', window_length=windowDays)` trend. */
export function biweightTrend(time: Float64Array, flux: Float64Array, windowDays: number): Float64Array {
  const n = time.length;
  const trend = new Float64Array(n);
  const half = windowDays / 2;
  const window = new Float64Array(n);
  const scratch = new Float64Array(n);
  for (const [start, end] of segmentsByGap(time, BIWEIGHT_BREAK_DAYS)) {
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      while (time[lo] < time[i] - half) lo++;
      while (hi < end && time[hi] <= time[i] + half) hi++;
      const m = hi - lo;
      for (let k = 0; k < m; k++) window[k] = flux[lo + k];
      trend[i] = biweightLocation(window, m, scratch);
    }
  }
  return trend;
}

/** Solves the (p+1)×(p+1) normal equations of a polynomial least-squares fit; returns the coefficients. */
function polyfit(x: ArrayLike<number>, y: ArrayLike<number>, order: number): Float64Array {
  const m = order + 1;
  const a = Array.from({ length: m }, () => new Float64Array(m + 1));
  for (let k = 0; k < x.length; k++) {
    const powers = new Float64Array(2 * m);
    powers[0] = 1;
    for (let j = 1; j < 2 * m; j++) powers[j] = powers[j - 1] * x[k];
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) a[r][c] += powers[r + c];
      a[r][m] += powers[r] * y[k];
    }
  }
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = c + 1; r < m; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= m; k++) a[r][k] -= f * a[c][k];
    }
  }
  const coef = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r][m];
    for (let k = r + 1; k < m; k++) s -= a[r][k] * coef[k];
    coef[r] = s / a[r][r];
  }
  return coef;
}

function polyval(coef: Float64Array, x: number): number {
  let v = 0;
  for (let k = coef.length - 1; k >= 0; k--) v = v * x + coef[k];
  return v;
}

/**
 * scipy.signal.savgol_filter(y, window, polyorder, mode='interp'): the centre value of the
 * least-squares polynomial over each window (Savitzky & Golay 1964); the first and last half
 * windows take the polynomial fitted to the first and last full window.
 */
export function savgolFilter(y: Float64Array, window: number, polyorder: number): Float64Array {
  const n = y.length;
  const half = (window - 1) >> 1;
  const offsets = Float64Array.from({ length: window }, (_, k) => k - half);
  // Convolution weights: the fit's value at 0 is linear in y, so fit each unit vector once.
  const weights = new Float64Array(window);
  const unit = new Float64Array(window);
  for (let k = 0; k < window; k++) {
    unit.fill(0);
    unit[k] = 1;
    weights[k] = polyval(polyfit(offsets, unit, polyorder), 0);
  }
  const out = new Float64Array(n);
  for (let i = half; i < n - half; i++) {
    let s = 0;
    for (let k = 0; k < window; k++) s += weights[k] * y[i - half + k];
    out[i] = s;
  }
  const first = polyfit(offsets, y.subarray(0, window), polyorder);
  for (let i = 0; i < half; i++) out[i] = polyval(first, i - half);
  const last = polyfit(offsets, y.subarray(n - window, n), polyorder);
  for (let i = n - half; i < n; i++) out[i] = polyval(last, i - (n - 1 - half));
  return out;
}

export interface SavgolOptions {
  /** Cadences, odd (lightkurve default 101). */
  window?: number;
  polyorder?: number;
  /** Gaps above breakTolerance × median Δt split the light curve (lightkurve default 5). */
  breakTolerance?: number;
  niters?: number;
  sigma?: number;
}

/** lightkurve `flatten()` trend with its defaults (see the header). */
export function savgolTrend(time: Float64Array, flux: Float64Array, opts: SavgolOptions = {}): Float64Array {
  const window = opts.window ?? 101;
  const polyorder = Math.min(opts.polyorder ?? 2, window - 1);
  const breakTolerance = opts.breakTolerance ?? 5;
  const sigma = opts.sigma ?? 3;
  const n = time.length;
  const level = median(flux);
  let used: number[] = [];
  const spread = std(flux, Array.from(flux.keys()), () => level);
  for (let i = 0; i < n; i++) if (Math.abs(flux[i] - level) < sigma * spread) used.push(i);
  let trend: Float64Array = new Float64Array(n).fill(level);
  for (let iteration = 0; iteration < (opts.niters ?? 3) && used.length > polyorder + 1; iteration++) {
    const t = Float64Array.from(used, (i) => time[i]);
    const f = Float64Array.from(used, (i) => flux[i]);
    const gaps = new Float64Array(t.length - 1);
    for (let k = 1; k < t.length; k++) gaps[k - 1] = t[k] - t[k - 1];
    const usedTrend = new Float64Array(t.length);
    for (const [start, end] of segmentsByGap(t, breakTolerance * median(gaps))) {
      const segment = f.subarray(start, end);
      if (end - start < window || end - start < breakTolerance) usedTrend.fill(median(segment), start, end);
      else usedTrend.set(savgolFilter(segment, window, polyorder), start);
    }
    const residualStd = std(f, Array.from(f.keys()), (k) => usedTrend[k]);
    const kept: number[] = [];
    for (let k = 0; k < used.length; k++) if (Math.abs(f[k] - usedTrend[k]) < sigma * residualStd + 1e-14) kept.push(k);
    if (kept.length < 2) break;
    trend = interpolate(
      time,
      Float64Array.from(kept, (k) => t[k]),
      Float64Array.from(kept, (k) => usedTrend[k]),
    );
    used = kept.map((k) => used[k]);
  }
  return trend;
}

function std(values: Float64Array, indices: number[], centre: (i: number) => number): number {
  let s = 0;
  let ss = 0;
  for (const i of indices) {
    const r = values[i] - centre(i);
    s += r;
    ss += r * r;
  }
  const mean = s / indices.length;
  return Math.sqrt(Math.max(0, ss / indices.length - mean * mean));
}

/** Linear interpolation of (xs, ys) at `at`, extrapolating the end segments linearly (scipy interp1d fill_value='extrapolate'). */
export function interpolate(at: Float64Array, xs: Float64Array, ys: Float64Array): Float64Array {
  const out = new Float64Array(at.length);
  let k = 0;
  for (let i = 0; i < at.length; i++) {
    while (k < xs.length - 2 && xs[k + 1] < at[i]) k++;
    const span = xs[k + 1] - xs[k];
    out[i] = span > 0 ? ys[k] + ((ys[k + 1] - ys[k]) * (at[i] - xs[k])) / span : ys[k];
  }
  return out;
}

export type FlattenMethod = 'biweight' | 'savgol' | 'none';

export interface FlattenOptions {
  method: FlattenMethod;
  /** Biweight window, days. */
  windowDays: number;
  /** Savitzky–Golay window, cadences. */
  savgolWindow: number;
}

/** The light curve divided by its trend (flux and flux errors), as lightkurve and wotan return it. */
export function flattenLightCurve(lc: LightCurve, opts: FlattenOptions): LightCurve {
  if (opts.method === 'none') return lc;
  const trend = opts.method === 'biweight' ? biweightTrend(lc.time, lc.flux, opts.windowDays) : savgolTrend(lc.time, lc.flux, { window: opts.savgolWindow });
  const flux = lc.flux.map((f, i) => f / trend[i]);
  const fluxErr = lc.fluxErr ? lc.fluxErr.map((e, i) => e / trend[i]) : null;
  return { ...lc, flux, fluxErr };
}
