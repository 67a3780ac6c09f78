/**
 * The TLS period grid (Ofir 2014 optimal frequency sampling with the physical limits from stellar
 * mass and radius) and its duration grid, as `transitleastsquares` 1.0.31 builds them.
 */
import { FRACTIONAL_TRANSIT_DURATION_MAX, G, M_SUN, MINIMUM_PERIOD_GRID_SIZE, R_JUP, R_SUN, SECONDS_PER_DAY } from './constants.ts';

/**
 * Longest transit duration as a fraction of the period, for a star of radius `rStar` and mass `mStar`
 * (solar units) and a planet of two Jupiter radii (or a point planet when `small`), capped at 0.12.
 */
export function t14(rStar: number, mStar: number, period: number, small = false): number {
  const p = period * SECONDS_PER_DAY;
  const r = R_SUN * rStar;
  const m = M_SUN * mStar;
  const reach = ((4 * p) / (Math.PI * G * m)) ** (1 / 3);
  const t14max = small ? r * reach : (r + 2 * R_JUP) * reach;
  return Math.min(t14max / p, FRACTIONAL_TRANSIT_DURATION_MAX);
}

export interface PeriodGridOptions {
  rStar: number;
  mStar: number;
  /** max(t) - min(t), days. */
  timeSpan: number;
  periodMin: number;
  periodMax: number;
  oversamplingFactor: number;
  nTransitsMin: number;
}

/**
 * Trial periods in days, in the package's order (descending). Where the stellar density gives fewer
 * than 100 periods, the package's fallback: R = M = 1, oversampling 2, span at least 5 d, no limits.
 * Deliberate deviation: the package clamps a mass outside [0.01, 1000] by overwriting the *radius*
 * (a bug); here the mass is clamped.
 */
export function periodGrid(o: PeriodGridOptions): Float64Array {
  const rStar = Math.min(Math.max(o.rStar, 0.1), 10000) * R_SUN;
  const mStar = Math.min(Math.max(o.mStar, 0.01), 1000) * M_SUN;
  const span = o.timeSpan * SECONDS_PER_DAY;
  const fMin = o.nTransitsMin / span;
  const fMax = (1.0 / (2 * Math.PI)) * Math.sqrt((G * mStar) / (3 * rStar) ** 3);
  const A = ((((2 * Math.PI) ** (2.0 / 3)) / Math.PI) * rStar) / (G * mStar) ** (1.0 / 3) / (span * o.oversamplingFactor);
  const C = fMin ** (1.0 / 3) - A / 3.0;
  const nOpt = ((fMax ** (1.0 / 3) - fMin ** (1.0 / 3) + A / 3) * 3) / A;
  const count = Math.max(0, Math.ceil(nOpt));
  const out: number[] = [];
  for (let x = 1; x <= count; x++) {
    const f = (A / 3) * x + C;
    const period = 1 / f ** 3 / SECONDS_PER_DAY;
    if (period > o.periodMin && period <= o.periodMax) out.push(period);
  }
  if (out.length < MINIMUM_PERIOD_GRID_SIZE) {
    return periodGrid({
      rStar: 1,
      mStar: 1,
      timeSpan: Math.max(o.timeSpan, 5),
      periodMin: 0,
      periodMax: Infinity,
      oversamplingFactor: 2,
      nTransitsMin: 2,
    });
  }
  return Float64Array.from(out);
}

/**
 * Durations as fractions of the period: from the shortest plausible (a point planet around the smallest
 * star) at the longest period, in steps of ×logStep, to the longest at the shortest period.
 */
export function durationGrid(periods: ArrayLike<number>, logStep: number): number[] {
  let pMin = Infinity;
  let pMax = -Infinity;
  for (let i = 0; i < periods.length; i++) {
    pMin = Math.min(pMin, periods[i]);
    pMax = Math.max(pMax, periods[i]);
  }
  const durationMax = t14(3.5, 1.0, pMin);
  const durationMin = t14(0.13, 0.1, pMax, true);
  const durations = [durationMin];
  let current = durationMin;
  while (current * logStep < durationMax) {
    current *= logStep;
    durations.push(current);
  }
  durations.push(durationMax);
  return durations;
}
