/**
 * Outlier removal as lightkurve's `remove_outliers()` (astropy `sigma_clip`: centre = median,
 * spread = population std, up to 5 iterations until nothing changes; docs/mast-and-formats.md §4.6),
 * but one-sided by default: only points above the flux are outliers, so transits survive.
 */
import { median } from './arrays.ts';
import type { LightCurve } from './types.ts';

export interface OutlierOptions {
  /** Clip above median + upper·std; null keeps high points. */
  upper: number | null;
  /** Clip below median − lower·std; null keeps low points. */
  lower: number | null;
  maxIterations?: number;
}

/** 1 for kept points, 0 for outliers. */
export function outlierMask(flux: Float64Array, opts: OutlierOptions): Uint8Array {
  const n = flux.length;
  const keep = new Uint8Array(n).fill(1);
  if (opts.upper === null && opts.lower === null) return keep;
  for (let iteration = 0; iteration < (opts.maxIterations ?? 5); iteration++) {
    const kept = flux.filter((_, i) => keep[i] === 1);
    const centre = median(kept);
    let ss = 0;
    let s = 0;
    for (const v of kept) {
      s += v;
      ss += v * v;
    }
    const mean = s / kept.length;
    const spread = Math.sqrt(Math.max(0, ss / kept.length - mean * mean));
    const hi = opts.upper === null ? Infinity : centre + opts.upper * spread;
    const lo = opts.lower === null ? -Infinity : centre - opts.lower * spread;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      if (keep[i] && (flux[i] > hi || flux[i] < lo)) {
        keep[i] = 0;
        changed++;
      }
    }
    if (changed === 0) break;
  }
  return keep;
}

/** The light curve without the outliers of its flux; `removed` counts them. */
export function removeOutliers(lc: LightCurve, opts: OutlierOptions): { lc: LightCurve; removed: number } {
  const keep = outlierMask(lc.flux, opts);
  const removed = keep.length - keep.reduce((a, b) => a + b, 0);
  if (removed === 0) return { lc, removed };
  const pick = (a: Float64Array) => a.filter((_, i) => keep[i] === 1);
  return { lc: { ...lc, time: pick(lc.time), flux: pick(lc.flux), fluxErr: lc.fluxErr ? pick(lc.fluxErr) : null }, removed };
}
