/** Binning shared by the plot summaries: mean flux per bin of an abscissa, empty bins NaN. */

/** Bins of equal width over [lo, hi): mean flux, its standard error and the count per bin. */
export interface Bins {
  lo: number;
  hi: number;
  /** Mean flux per bin; NaN where the bin holds no point. */
  flux: Float32Array;
  /** Standard error of the mean (std / √n); NaN with fewer than two points. */
  err: Float32Array;
  /** Points per bin (capped at 65,535). */
  count: Uint16Array;
}

/** The abscissa of bin `i`'s centre. */
export function binCentre(bins: Pick<Bins, 'lo' | 'hi'> & { flux: ArrayLike<number> }, i: number): number {
  return bins.lo + ((i + 0.5) * (bins.hi - bins.lo)) / bins.flux.length;
}

/** Accumulates (x, y) pairs into `n` bins over [lo, hi); points outside are ignored. */
export class BinAccumulator {
  private readonly sum: Float64Array;
  private readonly sum2: Float64Array;
  private readonly count: Uint32Array;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly n: number,
  ) {
    this.sum = new Float64Array(n);
    this.sum2 = new Float64Array(n);
    this.count = new Uint32Array(n);
  }

  add(x: number, y: number): void {
    if (!(x >= this.lo && x < this.hi) || !Number.isFinite(y)) return;
    const i = Math.min(this.n - 1, Math.floor(((x - this.lo) / (this.hi - this.lo)) * this.n));
    this.sum[i] += y;
    this.sum2[i] += y * y;
    this.count[i]++;
  }

  get total(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.count[i];
    return s;
  }

  result(): Bins {
    const flux = new Float32Array(this.n);
    const err = new Float32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const c = this.count[i];
      const m = c > 0 ? this.sum[i] / c : Number.NaN;
      flux[i] = m;
      // Unbiased variance of the points, then the error of their mean.
      const v = c > 1 ? Math.max(0, (this.sum2[i] - c * m * m) / (c - 1)) : Number.NaN;
      err[i] = Math.sqrt(v / c);
    }
    return { lo: this.lo, hi: this.hi, flux, err, count: Uint16Array.from(this.count, (c) => Math.min(c, 65_535)) };
  }
}
