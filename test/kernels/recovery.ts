/**
 * Injection-recovery on real light-curve noise (shared by grid-recovery.test.ts and
 * bench/bls-recovery.bench.ts): box transits injected into a real, transit-free light curve, then
 * searched with a given plan; a transit is recovered when the peak's period is within 1 % of the
 * injected one and its transit time within one injected duration.
 */
import type { SearchPlan } from '../../src/lib/search/bls-plan.ts';
import type { BlsEngine, BlsInput, BlsOptions } from '../../src/lib/search/bls-types.ts';
import { bestPeak } from '../../src/lib/search/bls-types.ts';
import { t14 } from '../../src/lib/search/grid-optimal.ts';
import type { SearchSettings } from '../../src/lib/search/settings.ts';
import { findSignal } from '../../src/lib/search/signal.ts';
import { gaussian, mulberry32 } from '../helpers/random.ts';
import { blockBootstrap } from './null-lightcurves.ts';
import { inTransit, type Injection } from './synthetic.ts';

export interface InjectionSet {
  seed: number;
  count: number;
  periodMin: number;
  periodMax: number;
  /** Injected depth = snr · rms / sqrt(points in transit), snr drawn uniformly from this range. */
  snr: [number, number];
}

function rms(flux: Float64Array): number {
  let m = 0;
  for (const f of flux) m += f;
  m /= flux.length;
  let s = 0;
  for (const f of flux) s += (f - m) ** 2;
  return Math.sqrt(s / flux.length);
}

/**
 * Seeded injections: period log-uniform, duration a central-to-grazing transit of a Sun-like to
 * M-dwarf star (0.35–1 × the Sun's central T14, times (ρ/ρ☉)^(−1/3) for ρ in 1–8 ρ☉), random phase.
 */
export function makeInjections(noise: BlsInput, set: InjectionSet): Injection[] {
  const rand = mulberry32(set.seed);
  gaussian(rand);
  const sigma = rms(noise.flux);
  const t0 = noise.time[0];
  const cadence = (noise.time[noise.time.length - 1] - t0) / noise.time.length;
  return Array.from({ length: set.count }, () => {
    const period = set.periodMin * (set.periodMax / set.periodMin) ** rand();
    const duration = t14(1, 1, period, 0) * (0.35 + 0.65 * rand()) / Math.cbrt(1 + 7 * rand());
    const transitTime = t0 + period * rand();
    const snr = set.snr[0] + (set.snr[1] - set.snr[0]) * rand();
    let inside = 0;
    for (const t of noise.time) if (inTransit(t, { period, transitTime, depth: 0, duration })) inside++;
    const depth = (snr * sigma) / Math.sqrt(Math.max(inside, duration / cadence));
    return { period, transitTime, depth, duration };
  });
}

export function inject(noise: BlsInput, inj: Injection): BlsInput {
  const flux = noise.flux.map((f, i) => (inTransit(noise.time[i], inj) ? f * (1 - inj.depth) : f));
  return { time: noise.time, flux, fluxErr: noise.fluxErr };
}

export function recovered(found: { period: number; transitTime: number }, inj: Injection): boolean {
  if (!(Math.abs(found.period / inj.period - 1) < 0.01)) return false;
  const d = (((found.transitTime - inj.transitTime) % inj.period) + inj.period) % inj.period;
  return Math.min(d, inj.period - d) < inj.duration;
}

export interface RecoveryResult {
  recovered: boolean[];
  seconds: number;
}

/** Searches every injection with `options` (one thread) and says which were recovered. */
export function runRecovery(engine: BlsEngine, noise: BlsInput, injections: Injection[], options: BlsOptions): RecoveryResult {
  const start = performance.now();
  const result = injections.map((inj) => recovered(bestPeak(engine.power(inject(noise, inj), options)), inj));
  return { recovered: result, seconds: (performance.now() - start) / 1000 };
}

/** Relative period error of each recovered injection on the search grid and after refinement, and the SDE of each search. */
export interface RefinementRecovery {
  /** |P/P_injected − 1| of the recovered injections, on the search grid. */
  before: number[];
  /** The same injections after refinement. */
  after: number[];
  /** SDE of the reported peak of every injected light curve that reported one. */
  sdeInjected: number[];
  recovered: number;
  seconds: number;
}

/**
 * The app's signal search (two-transit rule, SDE, refinement: src/lib/search/signal.ts) on each
 * injection; an injection is recovered when the search-grid peak is (`recovered` above).
 */
export function runRefinementRecovery(engine: BlsEngine, noise: BlsInput, injections: Injection[], plan: SearchPlan, settings: SearchSettings, cadence: number): RefinementRecovery {
  const start = performance.now();
  const out: RefinementRecovery = { before: [], after: [], sdeInjected: [], recovered: 0, seconds: 0 };
  for (const inj of injections) {
    const signal = findSignal(engine, inject(noise, inj), plan, { ...settings, refine: true }, cadence);
    if (!signal.peak || !signal.coarse) continue;
    out.sdeInjected.push(signal.sde);
    if (!recovered(signal.coarse, inj)) continue;
    out.recovered++;
    out.before.push(Math.abs(signal.coarse.period / inj.period - 1));
    out.after.push(Math.abs(signal.peak.period / inj.period - 1));
  }
  out.seconds = (performance.now() - start) / 1000;
  return out;
}

/** SDE of the reported peak of `count` block-bootstrapped copies of the noise (light curves without transits). */
export function emptySde(engine: BlsEngine, noise: BlsInput, count: number, seed: number, plan: SearchPlan, settings: SearchSettings, cadence: number): number[] {
  const rand = mulberry32(seed);
  const values: number[] = [];
  for (let k = 0; k < count; k++) {
    const signal = findSignal(engine, blockBootstrap(noise, cadence, 1, rand), plan, { ...settings, refine: false }, cadence);
    values.push(signal.peak ? signal.sde : Number.NEGATIVE_INFINITY);
  }
  return values;
}

/** The p-quantile (0–1) of the values, by the nearest rank below. */
export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
