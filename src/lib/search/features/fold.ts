/** Phase folding shared by the feature modules. */

/** Time from the nearest mid-transit, days, in [−P/2, P/2): the folded light curve in phase order's abscissa. */
export function timeFromTransit(time: number, period: number, transitTime: number): number {
  const x = (time - transitTime) / period;
  return (x - Math.floor(x + 0.5)) * period;
}

/** Phase in [0, 1) with mid-transit at 0. */
export function phase(time: number, period: number, transitTime: number): number {
  const x = (time - transitTime) / period;
  return x - Math.floor(x);
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : Number.NaN;
}
