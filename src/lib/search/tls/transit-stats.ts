/**
 * What TLS 1.0.31 reports about the best signal once the period is known: the T0 fit, transit times,
 * the duration in days, per-transit depths and counts, odd/even depths, SNR and the pink-noise SNR.
 * Two package quirks are kept on purpose so that the numbers match it (docs/tls.md):
 * - the T0 fit weighs residuals by the phase-sorted flux shifted by 2·(⌊width/2⌋ + 1), not by dy;
 * - the out-of-transit set for SNR masks |phase| < duration with the *fractional* duration in days.
 */
import { SIGNAL_DEPTH } from './constants.ts';
import { linspace } from './template.ts';
import { mean, median, std } from './spectra.ts';

/** Stable ascending order of the values (ties keep their input order). */
function argsort(values: Float64Array): Int32Array {
  const idx = Int32Array.from(values, (_, i) => i);
  return idx.sort((a, b) => values[a] - values[b] || a - b);
}

function fold(t: number, period: number, t0: number): number {
  const x = (t - t0) / period;
  return x - Math.floor(x);
}

/**
 * Best mid-transit time on a grid of ⌊N / (margin · width)⌋ epochs (at most N) from min(t) to
 * min(t) + period. Folding at another epoch only rotates the phase order, so the order is sorted once
 * and each epoch costs one template width.
 */
export function fitT0(signal: Float64Array, depth: number, time: Float64Array, flux: Float64Array, period: number, t0FitMargin: number): number {
  const n = time.length;
  const dur = signal.length;
  const scale = SIGNAL_DEPTH / (1 - depth);
  const model = signal.map((s) => 1 - (1 - s) / scale);
  let points = t0FitMargin === 0 ? n : Math.trunc(n / (t0FitMargin * dur));
  points = Math.min(points, n);
  let tMin = Infinity;
  for (const t of time) tMin = Math.min(tMin, t);
  const epochs = linspace(tMin, tMin + period, points);
  const phase0 = time.map((t) => fold(t, period, tMin));
  const order = argsort(phase0);
  const sortedPhase = Float64Array.from(order, (i) => phase0[i]);
  const sorted = Float64Array.from(order, (i) => flux[i]);
  const roll = Math.trunc(dur / 2) + 1;
  const at = (k: number) => sorted[((k % n) + n) % n];
  // Σ over all points of (flux - 1)² / weight², weight = flux shifted by `roll` (rotation invariant)
  let base = 0;
  for (let k = 0; k < n; k++) base += (at(k) - 1) ** 2 / at(k - roll) ** 2;
  let best = Infinity;
  let t0 = 0;
  for (const epoch of epochs) {
    const shift = (epoch - tMin) / period;
    // first point whose phase at this epoch is smallest: phase0 ≥ shift (binary search)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sortedPhase[m] < shift) lo = m + 1;
      else hi = m;
    }
    const start = lo;
    let residual = base;
    for (let k = 0; k < dur; k++) {
      const f = at(start + k - roll);
      const w = at(start + k - 2 * roll) ** 2;
      residual += ((f - model[k]) ** 2 - (f - 1) ** 2) / w;
    }
    if (residual < best) {
      best = residual;
      t0 = epoch;
    }
  }
  return t0;
}

/** T0 (or T0 + P when T0 precedes the data), then every period while below max(t). */
export function transitTimes(t0: number, time: Float64Array, period: number): number[] {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const t of time) {
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
  }
  const times = [t0 < tMin ? t0 + period : t0];
  for (let next = times[0] + period; next < tMin + (tMax - tMin); next += period) times.push(next);
  return times;
}

/** Fraction of cadences present: (N - 1) / (span / median cadence). */
export function fillFactor(time: Float64Array): number {
  const diffs = new Float64Array(time.length - 1);
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let i = 0; i < time.length; i++) {
    if (i > 0) diffs[i - 1] = time[i] - time[i - 1];
    tMin = Math.min(tMin, time[i]);
    tMax = Math.max(tMax, time[i]);
  }
  return (time.length - 1) / ((tMax - tMin) / median(diffs));
}

/** Duration in days from the template's fractional duration, stretched by span / (P · transits), × fill factor. */
export function durationInDays(time: Float64Array, period: number, times: number[], fractionalDuration: number): number {
  return fractionalDuration * stretch(time, period, times) * period * fillFactor(time);
}

/** The template's stretch: the light curve's span over P · transits (the package's `stretch`). */
function stretch(time: Float64Array, period: number, times: number[]): number {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const t of time) {
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
  }
  return (tMax - tMin) / period / times.length;
}

/**
 * Width in days of the package's folded model (`model_folded_model`): the template's fractional
 * duration stretched by span / (P · transits) and by the half fill factor 1 − (1 − fill) / 2, which
 * is not quite the reported duration's full fill factor (a package quirk kept in the plot).
 */
export function modelDurationInDays(time: Float64Array, period: number, times: number[], fractionalDuration: number): number {
  const fillHalf = 1 - (1 - fillFactor(time)) * 0.5;
  return fractionalDuration * stretch(time, period, times) * fillHalf * period;
}

export interface InTransitStats {
  perTransitCount: number[];
  transitDepths: number[];
  transitDepthsUncertainties: number[];
  odd: number[];
  even: number[];
}

/** Points with T - d/2 < t < T + d/2 around each transit time; odd/even by transit index. */
export function inTransitStats(time: Float64Array, flux: Float64Array, times: number[], duration: number): InTransitStats {
  const out: InTransitStats = { perTransitCount: [], transitDepths: [], transitDepthsUncertainties: [], odd: [], even: [] };
  times.forEach((mid, i) => {
    const lo = mid - 0.5 * duration;
    const hi = mid + 0.5 * duration;
    const inside: number[] = [];
    for (let k = 0; k < time.length; k++) if (time[k] > lo && time[k] < hi) inside.push(flux[k]);
    out.perTransitCount.push(inside.length);
    out.transitDepths.push(inside.length > 0 ? mean(inside) : NaN);
    out.transitDepthsUncertainties.push(inside.length > 0 ? std(inside) / Math.sqrt(inside.length) : NaN);
    (i % 2 === 0 ? out.even : out.odd).push(...inside);
  });
  return out;
}

/** |((t - T0 + P/2) mod P) - P/2| < width / 2, with Python's floored modulo. */
export function transitMask(time: Float64Array, period: number, width: number, t0: number): Uint8Array {
  return Uint8Array.from(time, (t) => {
    const x = t - t0 + 0.5 * period;
    const m = x - Math.floor(x / period) * period;
    return Math.abs(m - 0.5 * period) < 0.5 * width ? 1 : 0;
  });
}

/** Mean over all windows of std(window) / √width (the package's pink-noise estimate). */
export function pinkNoise(data: number[], width: number): number {
  const windows = data.length - width + 1;
  if (!(width > 0) || windows <= 0) return NaN;
  let total = 0;
  for (let i = 0; i < windows; i++) total += std(data.slice(i, i + width)) / Math.sqrt(width);
  return total / windows;
}

export interface SnrStats {
  snrPerTransit: number[];
  snrPinkPerTransit: number[];
  /** Out-of-transit fluxes (the package's mask, see the header). */
  outOfTransit: number[];
}

export function snrStats(time: Float64Array, flux: Float64Array, period: number, fractionalDuration: number, t0: number, stats: InTransitStats): SnrStats {
  const mask = transitMask(time, period, 2 * fractionalDuration, t0);
  const outOfTransit: number[] = [];
  mask.forEach((m, k) => {
    if (!m) outOfTransit.push(flux[k]);
  });
  const pink = pinkNoise(outOfTransit, Math.trunc(mean(stats.perTransitCount)));
  const sigma = outOfTransit.length > 0 ? std(outOfTransit) : NaN;
  const snrPerTransit: number[] = [];
  const snrPinkPerTransit: number[] = [];
  stats.perTransitCount.forEach((count, i) => {
    const depth = 1 - stats.transitDepths[i];
    if (count > 0 && !Number.isNaN(sigma)) {
      snrPerTransit.push(depth / (sigma / Math.sqrt(count)));
      snrPinkPerTransit.push(depth / pink);
    } else {
      snrPerTransit.push(0);
      snrPinkPerTransit.push(0);
    }
  });
  return { snrPerTransit, snrPinkPerTransit, outOfTransit };
}

/** In-transit, before and after point counts over the transits whose [T - 1.5d, T + 1.5d] lies inside the data. */
export function countStats(time: Float64Array, times: number[], duration: number): { inTransit: number; before: number; after: number } {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const t of time) {
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
  }
  const c = { inTransit: 0, before: 0, after: 0 };
  for (const mid of times) {
    const t0 = mid - 1.5 * duration;
    const t1 = mid - 0.5 * duration;
    const t4 = mid + 0.5 * duration;
    const t5 = mid + 1.5 * duration;
    if (!(t0 > tMin && t5 < tMax)) continue;
    for (const t of time) {
      if (t > t1 && t < t4) c.inTransit++;
      else if (t > t0 && t < t1) c.before++;
      else if (t > t4 && t < t5) c.after++;
    }
  }
  return c;
}
