/**
 * Uncertainties of a box signal's period and transit time from its transits one by one: each
 * transit's mid-time is fitted with the signal's box (depth and duration fixed, the centre scanned),
 * its 1σ interval is where χ² stays within 1 of its minimum, and a weighted straight line through
 * the mid-times, T_n = T_0 + n·P, gives the errors of P and T_0 from its covariance, scaled by
 * √(χ²/dof) when the times scatter more than their errors say (red noise, TTVs).
 *
 * Why this and not TLS's half width at half maximum of the periodogram peak: the peak's width is the
 * grid's resolution (duration / baseline), the same for a transit at SNR 8 or 800, while the spread
 * of the transit times shrinks with the SNR and grows with noise the errors do not describe.
 */
import type { BlsInput } from './bls-types.ts';
import { lowerBound } from './numeric.ts';
import { measureTransits } from './transits.ts';

export interface TransitTiming {
  epoch: number;
  /** Fitted mid-transit time, days. */
  time: number;
  /** 1σ, days. */
  err: number;
}

export interface LinearEphemeris {
  period: number;
  periodErr: number;
  /** Mid-transit time of epoch 0 (the signal's transitTime) and its 1σ. */
  transitTime: number;
  transitTimeErr: number;
  /** χ²/dof of the fit (NaN with two transits). */
  reducedChi2: number;
  nTransits: number;
}


/**
 * Mid-times of each transit with data. Times must be ascending. The centre is scanned over ±duration/2
 * around the linear ephemeris in steps of min(cadence, duration)/20; a 1σ interval that reaches the
 * end of the scan gives an error of duration/2 (the transit's time is not constrained by its data).
 */
export function transitTimings(input: BlsInput, period: number, transitTime: number, duration: number, cadence: number): TransitTiming[] {
  const { time, flux } = input;
  const set = measureTransits(input, period, transitTime, duration);
  const outLevel = set.outLevel;
  const inLevel = outLevel - set.depth;
  if (!(set.depth > 0)) return [];
  const half = duration / 2;
  const step = Math.min(cadence, duration) / 20;
  const scanSteps = Math.max(2, Math.round(duration / step));
  const timings: TransitTiming[] = [];
  for (const transit of set.transits) {
    const mid = transit.time;
    // χ²(τ) − χ²(no box) = Σ over the points in the box of w·[(y − y_in)² − (y − y_out)²]: prefix sums.
    const first = lowerBound(time, mid - duration);
    const last = lowerBound(time, mid + duration);
    const c = new Float64Array(last - first + 1);
    for (let i = first; i < last; i++) {
      const w = input.fluxErr ? 1 / (input.fluxErr[i] * input.fluxErr[i]) : 1;
      const a = flux[i] - inLevel;
      const b = flux[i] - outLevel;
      c[i - first + 1] = c[i - first] + w * (a * a - b * b);
    }
    const chi2 = new Float64Array(scanSteps + 1);
    for (let k = 0; k <= scanSteps; k++) {
      const tau = mid - half + (duration * k) / scanSteps;
      chi2[k] = c[lowerBound(time, tau + half) - first] - c[lowerBound(time, tau - half) - first];
    }
    // The box's likelihood exp(−χ²/2) over the scan, with a flat prior: its mean and standard deviation.
    let best = 0;
    for (let k = 1; k <= scanSteps; k++) if (chi2[k] < chi2[best]) best = k;
    let sw = 0;
    let swt = 0;
    let swtt = 0;
    for (let k = 0; k <= scanSteps; k++) {
      const w = Math.exp(-0.5 * (chi2[k] - chi2[best]));
      const x = (duration * k) / scanSteps - half;
      sw += w;
      swt += w * x;
      swtt += w * x * x;
    }
    const offset = swt / sw;
    timings.push({ epoch: transit.epoch, time: mid + offset, err: Math.max(Math.sqrt(Math.max(0, swtt / sw - offset * offset)), step / 2) });
  }
  return timings;
}

/** Weighted least-squares line through the transit times; NaN fields with fewer than two. */
export function fitEphemeris(timings: TransitTiming[]): LinearEphemeris {
  const n = timings.length;
  if (n < 2) return { period: NaN, periodErr: NaN, transitTime: NaN, transitTimeErr: NaN, reducedChi2: NaN, nTransits: n };
  let s = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const { epoch: x, time: y, err } of timings) {
    const w = 1 / (err * err);
    s += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
  }
  const det = s * sxx - sx * sx;
  if (!(det > 0)) return { period: NaN, periodErr: NaN, transitTime: NaN, transitTimeErr: NaN, reducedChi2: NaN, nTransits: n };
  const period = (s * sxy - sx * sy) / det;
  const transitTime = (sxx * sy - sx * sxy) / det;
  let chi2 = 0;
  for (const { epoch, time, err } of timings) chi2 += ((time - transitTime - period * epoch) / err) ** 2;
  const reducedChi2 = n > 2 ? chi2 / (n - 2) : Number.NaN;
  const scale = n > 2 ? Math.sqrt(Math.max(1, reducedChi2)) : 1;
  return {
    period,
    periodErr: Math.sqrt(s / det) * scale,
    transitTime,
    transitTimeErr: Math.sqrt(sxx / det) * scale,
    reducedChi2,
    nTransits: n,
  };
}
