/**
 * Red noise as the β factor of Pont, Zucker & Queloz (2006) and Winn et al. (2008, §3): the residual
 * flux is averaged in consecutive groups of N cadences spanning `timescaleDays`, and the scatter of
 * those means is compared with what white noise would give:
 *   β = σ_N / (σ_1 / √N)
 * with σ_1 the scatter of single points and σ_N that of the M group means, both with the unbiased
 * (n − 1) variance, so that white noise gives β = 1 on average (Winn et al. write the same with a
 * population σ_N and the factor √(M/(M − 1)) on the other side). β grows
 * with correlated noise on that timescale. Groups that straddle a gap (span > 1.5 × timescale) are skipped.
 */
import { mean } from './fold.ts';

/** The timescale the CSV's `red_noise` uses: 3 hours, a typical transit duration. */
export const RED_NOISE_TIMESCALE_DAYS = 3 / 24;

export function redNoiseBeta(time: Float64Array, residual: Float64Array, cadenceDays: number, timescaleDays = RED_NOISE_TIMESCALE_DAYS): number {
  const n = residual.length;
  const groupSize = Math.max(2, Math.round(timescaleDays / cadenceDays));
  const mu = mean(residual);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (residual[i] - mu) ** 2;
  const sigma1 = Math.sqrt(ss / (n - 1));
  const means: number[] = [];
  for (let start = 0; start + groupSize <= n; start += groupSize) {
    if (time[start + groupSize - 1] - time[start] > 1.5 * timescaleDays) continue;
    means.push(mean(residual.subarray(start, start + groupSize)));
  }
  const m = means.length;
  if (m < 3 || !(sigma1 > 0)) return Number.NaN;
  const muN = mean(means);
  const sigmaN = Math.sqrt(means.reduce((s, v) => s + (v - muN) ** 2, 0) / (m - 1));
  return sigmaN / (sigma1 / Math.sqrt(groupSize));
}
