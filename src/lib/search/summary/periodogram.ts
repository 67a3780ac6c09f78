/**
 * A periodogram small enough to store with every result: the highest power in each of `buckets`
 * buckets of equal width in log period (every local maximum that is the highest of its bucket, so
 * every peak a plot of that width can show), plus every trial period near the best peak at full
 * resolution, so that the peak's shape survives.
 */

export interface PeriodogramSummary {
  /** Days, ascending. */
  period: Float32Array;
  power: Float32Array;
  /** Trial periods searched. */
  nPeriods: number;
}

/** Trial periods kept unbinned on each side of the best peak. */
const PEAK_NEIGHBOURS = 24;

export function summarizePeriodogram(period: ArrayLike<number>, power: ArrayLike<number>, buckets = 600): PeriodogramSummary {
  const n = Math.min(period.length, power.length);
  const keep = new Uint8Array(n);
  let best = -1;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = period[i];
    if (!(p > 0) || !Number.isFinite(power[i])) continue;
    if (best < 0 || power[i] > power[best]) best = i;
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  if (best < 0) return { period: new Float32Array(0), power: new Float32Array(0), nPeriods: n };
  // The highest finite power of each log-period bucket.
  const top = new Int32Array(buckets).fill(-1);
  const span = Math.log(hi / lo) || 1;
  for (let i = 0; i < n; i++) {
    if (!(period[i] > 0) || !Number.isFinite(power[i])) continue;
    const b = Math.min(buckets - 1, Math.floor((Math.log(period[i] / lo) / span) * buckets));
    if (top[b] < 0 || power[i] > power[top[b]]) top[b] = i;
  }
  for (const i of top) if (i >= 0) keep[i] = 1;
  for (let i = Math.max(0, best - PEAK_NEIGHBOURS); i <= Math.min(n - 1, best + PEAK_NEIGHBOURS); i++) {
    if (Number.isFinite(power[i])) keep[i] = 1;
  }
  // Grids may run either way in period: emit in ascending period.
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) kept.push(i);
  kept.sort((a, b) => period[a] - period[b]);
  return { period: Float32Array.from(kept, (i) => period[i]), power: Float32Array.from(kept, (i) => power[i]), nPeriods: n };
}
