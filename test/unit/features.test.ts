import { describe, expect, it } from 'vitest';
import type { LightCurve } from '../../src/lib/lightcurve/index.ts';
import type { BlsPeak } from '../../src/lib/search/bls-types.ts';
import {
  fluxFeatures,
  fluxStatistics,
  outsideTransits,
  periodicityStrength,
  phaseCoverage,
  redNoiseBeta,
  signalFeatures,
  transitShape,
} from '../../src/lib/search/features/index.ts';
import { gaussian, mulberry32 } from '../helpers/random.ts';

const CADENCE = 10 / 1440;

/** A light curve on a regular 10-minute grid over `days`, flux from `model(t)`. */
function lightCurve(days: number, model: (t: number) => number, noise = 0, seed = 1): LightCurve {
  const rand = gaussian(mulberry32(seed));
  const time = Float64Array.from({ length: Math.round(days / CADENCE) }, (_, i) => i * CADENCE);
  const flux = time.map((t) => model(t) + noise * rand());
  return {
    time,
    flux,
    fluxErr: noise > 0 ? new Float64Array(time.length).fill(noise) : null,
    bjdRef: 2457000,
    mission: 'TESS',
    targetId: 1,
    segments: ['S1'],
    cadenceDays: CADENCE,
    nRaw: time.length,
    cleaning: { qualityBitmask: 0, dropped: { time: 0, quality: 0, flux: 0 }, fluxErrFilled: 0 },
  };
}

function peak(period: number, transitTime: number, duration: number): BlsPeak {
  return { index: 0, period, transitTime, duration, power: 1, depth: NaN, depthErr: NaN, depthSnr: NaN, logLikelihood: NaN };
}

/** Days from the nearest transit at t0 + kP. */
const fromTransit = (t: number, period: number, t0: number) => t - t0 - Math.round((t - t0) / period) * period;

describe('a box transit of known depth', () => {
  const P = 2;
  const T0 = 0.5;
  const D = 0.2;
  const DEPTH = 0.004;
  const lc = lightCurve(20, (t) => (Math.abs(fromTransit(t, P, T0)) < D / 2 ? 1 - DEPTH : 1), 2e-4, 7);
  const f = signalFeatures(lc, peak(P, T0, D), fluxStatistics(lc.flux).std);

  it('measures odd and even depths alike, at the injected depth, within their errors', () => {
    // 10 transits of 29 points each, σ = 2e-4 per point: each parity's depth error is 2e-4/√145 ≈ 1.7e-5.
    expect(f.depth_odd as number).toBeCloseTo(DEPTH, 4);
    expect(f.depth_even as number).toBeCloseTo(DEPTH, 4);
    expect(f.depth_odd_err as number).toBeCloseTo(2e-4 * Math.sqrt(1 / 145 + 1 / (2880 - 290)), 6);
    expect(f.odd_even_sigma as number).toBeLessThan(3);
    expect(f.odd_even_depth_diff as number).toBeLessThan(3 * Math.hypot(f.depth_odd_err as number, f.depth_even_err as number));
  });

  it('counts transits and in-transit points exactly', () => {
    expect(f.n_transits).toBe(10);
    expect(f.n_points_in_transit).toBe(lc.time.filter((t) => Math.abs(fromTransit(t, P, T0)) < D / 2).length);
    expect(f.per_transit_count).toBe(Array(10).fill(29).join(' '));
    expect((f.transit_times_bjd as string).split(' ').map(Number)).toEqual(Array.from({ length: 10 }, (_, k) => 2457000.5 + 2 * k));
  });

  it('finds no secondary eclipse, a symmetric shape and equal ingress and egress', () => {
    expect(Math.abs(f.secondary_depth as number)).toBeLessThan(3 * (f.secondary_depth_err as number));
    expect(f.transit_symmetry as number).toBeGreaterThan(0.97);
    expect(f.ingress_egress_ratio as number).toBeCloseTo(1, 1);
    expect(f.duration_over_period).toBe(0.1);
    expect(f.harmonic_delta_log_likelihood as number).toBeLessThan(0);
  });

  it('covers every phase bin and is folded on the transit time', () => {
    expect(f.phase_coverage).toBe(1);
    // Half the data: phases 0 to 0.5 only.
    const half = lightCurve(20, () => 1).time.filter((t) => (t / P) % 1 < 0.5);
    expect(phaseCoverage(half, P, 0)).toBe(0.5);
  });
});

describe('an eclipsing binary: unequal odd and even eclipses and a secondary eclipse', () => {
  // At the BLS period P = half the orbit: eclipses at T0 + (2k+1)P ("odd", astropy) are 1.2% deep,
  // those at T0 + 2kP ("even") 0.6%; a 0.3% secondary eclipse sits at phase 0.5 of P.
  const P = 1.5;
  const T0 = 0.3;
  const D = 0.15;
  const model = (t: number) => {
    const x = fromTransit(t, P, T0);
    const n = Math.round((t - T0) / P);
    if (Math.abs(x) < D / 2) return n % 2 === 0 ? 0.994 : 0.988;
    if (Math.abs(fromTransit(t, P, T0 + P / 2)) < D / 2) return 0.997;
    return 1;
  };
  const lc = lightCurve(24, model, 1e-4, 3);
  const f = signalFeatures(lc, peak(P, T0, D), fluxStatistics(lc.flux).std);

  it('tells odd from even, in depth and in sigma', () => {
    // Out-of-transit level: the secondary eclipses are 1/9 of the out-of-primary points, 0.3% deep,
    // so the common level is 1 − 0.003/9 and both depths are 3.3e-4 smaller than injected.
    const level = 1 - 0.003 / 9;
    expect(f.depth_odd as number).toBeCloseTo(level - 0.988, 4);
    expect(f.depth_even as number).toBeCloseTo(level - 0.994, 4);
    expect(f.odd_even_depth_diff as number).toBeCloseTo(0.006, 4);
    expect(f.odd_even_sigma as number).toBeGreaterThan(50);
  });

  it('measures the secondary eclipse against the local level at phase 0.5', () => {
    expect(f.secondary_depth as number).toBeCloseTo(0.003, 4);
    expect((f.secondary_depth as number) / (f.secondary_depth_err as number)).toBeGreaterThan(20);
    expect(f.depth_phased as number).toBeCloseTo(0.003, 4);
  });
});

describe('the shape of the folded transit, in phase order', () => {
  it('gives 0.5 symmetry and a 1/7 ingress/egress ratio for a linear ramp from ingress to egress', () => {
    const P = 3;
    const D = 0.3;
    const DEPTH = 0.01;
    // Deficit rising linearly from 0 at x = −D/2 to DEPTH at x = +D/2, then back to 1 at once;
    // 1-minute cadence so that bin means equal the ramp at bin centres.
    const time = Float64Array.from({ length: 30 * 1440 }, (_, i) => i / 1440);
    const flux = time.map((t) => {
      const x = fromTransit(t, P, 1);
      return Math.abs(x) < D / 2 ? 1 - DEPTH * (x / D + 0.5) : 1;
    });
    const shape = transitShape(time, flux, P, 1, D);
    expect(shape.symmetry).toBeCloseTo(0.5, 2);
    expect(shape.ingressEgressRatio).toBeCloseTo(1 / 7, 2);
    // A box is symmetric.
    const box = transitShape(time, time.map((t) => (Math.abs(fromTransit(t, P, 1)) < D / 2 ? 0.99 : 1)), P, 1, D);
    expect(box.symmetry).toBeCloseTo(1, 5);
    expect(box.ingressEgressRatio).toBeCloseTo(1, 5);
  });
});

describe('flux statistics', () => {
  it('match the analytic values of a two-valued flux 1 ± a', () => {
    const a = 1e-3;
    const flux = Float64Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 + a : 1 - a));
    const s = fluxStatistics(flux);
    expect(s.std).toBeCloseTo(a, 12);
    expect(s.mad).toBeCloseTo(a, 12);
    expect(s.skewness).toBeCloseTo(0, 9);
    expect(s.kurtosis).toBeCloseTo(-2, 9);
  });

  it('periodicity strength is ~1 for a sinusoid folded at its period and small for noise', () => {
    const sine = lightCurve(20, (t) => 1 + 0.01 * Math.sin((2 * Math.PI * t) / 2.5));
    // Twenty phase bins: the binned sinusoid keeps sinc(π/20) = 0.996 of its amplitude.
    expect(periodicityStrength(sine.time, sine.flux, 2.5, 0, fluxStatistics(sine.flux).std)).toBeCloseTo(0.996, 2);
    const noise = lightCurve(20, () => 1, 1e-3, 4);
    // 144 points per bin: bin medians scatter by ≈ 1.25σ/√144 ≈ 0.1σ.
    expect(periodicityStrength(noise.time, noise.flux, 2.5, 0, fluxStatistics(noise.flux).std)).toBeLessThan(0.2);
  });
});

describe('red noise (β of Pont et al. 2006 at 3 hours)', () => {
  const N = Math.round(3 / 24 / CADENCE); // 18 cadences per 3-hour group

  it('is 1 for white noise', () => {
    const lc = lightCurve(400, () => 1, 1e-3, 21);
    const beta = redNoiseBeta(lc.time, lc.flux.map((f) => f - 1), CADENCE);
    // 3200 groups: β scatters by about 1/√(2·3200) ≈ 1.3%.
    expect(beta).toBeGreaterThan(0.95);
    expect(beta).toBeLessThan(1.05);
  });

  it('matches the analytic excess of AR(1) noise', () => {
    const phi = 0.8;
    const rand = gaussian(mulberry32(22));
    const lc = lightCurve(400, () => 1);
    const residual = new Float64Array(lc.time.length);
    for (let i = 1; i < residual.length; i++) residual[i] = phi * residual[i - 1] + rand();
    // Variance of the mean of N AR(1) points = σ²/N · [1 + 2 Σ_{k<N} (1 − k/N) φ^k].
    let factor = 1;
    for (let k = 1; k < N; k++) factor += 2 * (1 - k / N) * phi ** k;
    const beta = redNoiseBeta(lc.time, residual, CADENCE);
    expect(beta).toBeGreaterThan(Math.sqrt(factor) * 0.93);
    expect(beta).toBeLessThan(Math.sqrt(factor) * 1.07);
  });

  it('is computed out of transit in the pipeline, so a deep transit does not count as red noise', () => {
    const P = 2;
    const lc = lightCurve(60, (t) => (Math.abs(fromTransit(t, P, 0.5)) < 0.1 ? 0.99 : 1), 1e-3, 23);
    const f = fluxFeatures(lc, outsideTransits(lc, P, 0.5, 0.2));
    expect(f.red_noise as number).toBeGreaterThan(0.9);
    expect(f.red_noise as number).toBeLessThan(1.1);
  });
});
