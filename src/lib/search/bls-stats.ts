/**
 * Vetting statistics of one box model, as astropy's BoxLeastSquares.compute_stats (core.py,
 * astropy 5.2): the same masks, the same weighted means, the same sinusoid fit. Like astropy it works
 * on the input as given (times not shifted, flux not median-subtracted); sums are numpy's pairwise
 * summation (`numpySum`) so that the values agree with astropy to rounding.
 */
import type { BlsInput } from './bls-types.ts';
import { solveLinear } from './numeric.ts';

export interface BlsStats {
  /** (value, uncertainty), astropy compute_stats 'depth'. */
  depth: [number, number];
  depthOdd: [number, number];
  depthEven: [number, number];
  depthHalf: [number, number];
  depthPhased: [number, number];
  harmonicAmplitude: number;
  harmonicDeltaLogLikelihood: number;
  /** Same time system as input.time. */
  transitTimes: number[];
  perTransitCount: number[];
  perTransitLogLikelihood: number[];
}

/**
 * np.sum of a float64 array: the reduction runs over buffers of 8192 elements, each summed pairwise
 * (`pairwise_sum` in numpy's umath loops: blocks of 128, eight accumulators). Checked bit-exact
 * against numpy 1.24 on random arrays of 5 to 12,345 values.
 */
export function numpySum(a: ArrayLike<number>): number {
  let s = 0;
  for (let at = 0; at < a.length; at += 8192) s += pairwiseSum(a, at, Math.min(8192, a.length - at));
  return s;
}

function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let s = -0;
    for (let i = 0; i < n; i++) s += a[start + i];
    return s;
  }
  if (n <= 128) {
    const r = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[start + i + k];
    let s = (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) s += a[start + i];
    return s;
  }
  let n2 = n >> 1;
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** numpy's float remainder (`npy_divmod`): fmod, then moved into the divisor's sign. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return r < 0 !== b < 0 ? r + b : r;
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Mask = Uint8Array;

/** Weighted mean and its variance over a mask, as `_compute_depth(m)`: (0, ∞) for an empty mask. */
function weightedMean(y: Float64Array, ivar: Float64Array, m: Mask): [number, number] {
  const w: number[] = [];
  const wy: number[] = [];
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    w.push(ivar[i]);
    wy.push(y[i] * ivar[i]);
  }
  if (w.length === 0) return [0, Infinity];
  const variance = 1 / numpySum(w);
  return [numpySum(wy) * variance, variance];
}

/** `_compute_depth(m, y_out, var_out)`: depth against a given out-of-transit level. */
function depthAgainst(y: Float64Array, ivar: Float64Array, m: Mask, out: [number, number]): [number, number] {
  if (!Number.isFinite(out[1]) || !m.some((v) => v !== 0)) return [0, Infinity];
  const [mean, variance] = weightedMean(y, ivar, m);
  return [out[0] - mean, Math.sqrt(variance + out[1])];
}

function maskWhere(n: number, test: (i: number) => boolean): Mask {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = test(i) ? 1 : 0;
  return m;
}


/** Weighted least-squares fit of a·sin(2πt/P) + b·cos(2πt/P) + c; returns [a, b, c] and −½χ². */
function sinusoidFit(t: Float64Array, y: Float64Array, ivar: Float64Array, period: number): { w: number[]; logLikelihood: number } {
  const n = t.length;
  const s = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const arg = (2 * Math.PI * t[i]) / period;
    s[i] = Math.sin(arg);
    c[i] = Math.cos(arg);
  }
  const cols = [s, c, new Float64Array(n).fill(1)];
  const products = (f: (i: number) => number) => numpySum(Float64Array.from({ length: n }, (_, i) => f(i)));
  const ata = cols.map((ci) => cols.map((cj) => products((i) => ci[i] * cj[i] * ivar[i])));
  const aty = cols.map((ci) => products((i) => ci[i] * y[i] * ivar[i]));
  const w = solveLinear(ata, aty);
  const logLikelihood = -0.5 * products((i) => {
    const r = y[i] - (w[0] * s[i] + w[1] * c[i] + w[2]);
    return r * r * ivar[i];
  });
  return { w, logLikelihood };
}

/** Transit numbers, counts and per-transit log likelihoods over the in-transit points. */
function perTransit(t: Float64Array, y: Float64Array, ivar: Float64Array, mIn: Mask, period: number, transitTime: number, yIn: number, yOut: number) {
  const ids: number[] = [];
  const ll: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (!mIn[i]) continue;
    ids.push(roundHalfEven((t[i] - transitTime) / period));
    const a = y[i] - yIn;
    const b = y[i] - yOut;
    ll.push(-0.5 * ivar[i] * (a * a - b * b));
  }
  // astropy raises on an empty in-transit mask (min of an empty array); we report no transits.
  if (ids.length === 0) return { transitTimes: [], perTransitCount: [], perTransitLogLikelihood: [] };
  const first = Math.min(...ids);
  const count = Math.max(...ids) - first + 1;
  const groups: number[][] = Array.from({ length: count }, () => []);
  ids.forEach((id, k) => groups[id - first].push(ll[k]));
  return {
    transitTimes: groups.map((_, k) => period * (first + k) + transitTime),
    perTransitCount: groups.map((g) => g.length),
    perTransitLogLikelihood: groups.map((g) => (g.length === 0 ? 0 : numpySum(g))),
  };
}

/** astropy's `compute_stats(period, duration, transit_time)` on `input` (times in input's system). */
export function computeStats(input: BlsInput, period: number, duration: number, transitTime: number): BlsStats {
  const { time: t, flux: y, fluxErr } = input;
  const n = t.length;
  const ivar = new Float64Array(n);
  for (let i = 0; i < n; i++) ivar[i] = fluxErr ? 1 / fluxErr[i] ** 2 : 1;

  const hp = 0.5 * period;
  const half = 0.5 * duration;
  const mIn = maskWhere(n, (i) => Math.abs(pyMod(t[i] - transitTime + hp, period) - hp) < half);
  const mOut = mIn.map((v) => 1 - v);
  const mOdd = maskWhere(n, (i) => Math.abs(pyMod(t[i] - transitTime, 2 * period) - period) < half);
  const mEven = maskWhere(n, (i) => Math.abs(pyMod(t[i] - transitTime + period, 2 * period) - period) < half);

  const out = weightedMean(y, ivar, mOut);
  const depth = depthAgainst(y, ivar, mIn, out);
  const depthOdd = depthAgainst(y, ivar, mOdd, out);
  const depthEven = depthAgainst(y, ivar, mEven, out);
  const yOut = out[0];
  const yIn = yOut - depth[0];

  // Secondary eclipse: a box at phase 0.5, against the points outside both boxes.
  const mPhase = maskWhere(n, (i) => Math.abs(pyMod(t[i] - transitTime, period) - hp) < half);
  const depthPhased = depthAgainst(y, ivar, mPhase, weightedMean(y, ivar, mPhase.map((v, i) => (v === 0 && mOut[i] ? 1 : 0))));
  // Half the period, with its own in/out split.
  const mHalf = maskWhere(n, (i) => Math.abs(pyMod(t[i] - transitTime + 0.25 * period, 0.5 * period) - 0.25 * period) < half);
  const depthHalf = depthAgainst(y, ivar, mHalf, weightedMean(y, ivar, mHalf.map((v) => 1 - v)));

  const transits = perTransit(t, y, ivar, mIn, period, transitTime, yIn, yOut);
  const residuals = (m: Mask, level: number) => {
    const r: number[] = [];
    for (let i = 0; i < n; i++) if (m[i]) r.push(ivar[i] * (y[i] - level) ** 2);
    return r;
  };
  let boxLogLikelihood = -0.5 * numpySum(residuals(mIn, yIn));
  boxLogLikelihood -= 0.5 * numpySum(residuals(mOut, yOut));
  const sine = sinusoidFit(t, y, ivar, period);

  return {
    depth,
    depthOdd,
    depthEven,
    depthHalf,
    depthPhased,
    harmonicAmplitude: Math.sqrt(sine.w[0] ** 2 + sine.w[1] ** 2),
    harmonicDeltaLogLikelihood: sine.logLikelihood - boxLogLikelihood,
    ...transits,
  };
}
