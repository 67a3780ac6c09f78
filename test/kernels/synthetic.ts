/** Seeded synthetic light curves with an optional injected box transit, for the BLS tests. */
import { gaussian, mulberry32 } from '../helpers/random.ts';

export interface Injection {
  period: number;
  /** Mid-transit time of one transit, days (same time system as `start`). */
  transitTime: number;
  depth: number;
  duration: number;
}

export interface SyntheticOptions {
  seed: number;
  points: number;
  /** Time of the first point, days. */
  start: number;
  cadence: number;
  noise: number;
  /** Per-point uncertainties (noise · U(0.8, 1.2)) or null. */
  withErrors: boolean;
  /** Drop this fraction of the points at random, to make gaps. */
  dropFraction?: number;
  injection?: Injection;
}

export interface Synthetic {
  time: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array | null;
}

export function inTransit(t: number, inj: Injection): boolean {
  const half = inj.period / 2;
  const phase = ((((t - inj.transitTime + half) % inj.period) + inj.period) % inj.period) - half;
  return Math.abs(phase) < inj.duration / 2;
}

export function synthetic(o: SyntheticOptions): Synthetic {
  const rand = mulberry32(o.seed);
  const normal = gaussian(rand);
  const time: number[] = [];
  const flux: number[] = [];
  const err: number[] = [];
  for (let i = 0; i < o.points; i++) {
    const t = o.start + i * o.cadence;
    const sigma = o.withErrors ? o.noise * (0.8 + 0.4 * rand()) : o.noise;
    const noise = sigma * normal();
    if (o.dropFraction && rand() < o.dropFraction) continue;
    const dip = o.injection && inTransit(t, o.injection) ? o.injection.depth : 0;
    time.push(t);
    flux.push(1 + noise - dip);
    err.push(sigma);
  }
  return {
    time: Float64Array.from(time),
    flux: Float64Array.from(flux),
    fluxErr: o.withErrors ? Float64Array.from(err) : null,
  };
}
