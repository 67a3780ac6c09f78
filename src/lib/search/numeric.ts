/** Small numeric helpers shared by the measurement modules. */
import type { BlsInput } from './bls-types.ts';

/** Index of the first value ≥ `x` in an ascending array (its length when there is none). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Solves a·x = b (n×n) by Gaussian elimination with partial pivoting, as LAPACK's gesv orders it. */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/** The points of a light curve for which `keep(i)` holds. */
export function filterPoints(input: BlsInput, keep: (i: number) => boolean): BlsInput {
  const pick = (a: Float64Array) => a.filter((_, i) => keep(i));
  return { time: pick(input.time), flux: pick(input.flux), fluxErr: input.fluxErr ? pick(input.fluxErr) : null };
}
