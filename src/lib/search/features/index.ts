/**
 * The per-signal and per-light-curve feature columns (docs/features.md), computed on the light curve
 * exactly as it was searched (cleaned, detrended, outliers removed).
 */
import type { LightCurve } from '../../lightcurve/index.ts';
import { computeStats } from '../bls-stats.ts';
import type { BlsPeak } from '../bls-types.ts';
import type { Features } from '../result.ts';
import { timeFromTransit } from './fold.ts';
import { fluxStatistics } from './flux-stats.ts';
import { periodicityStrength, phaseCoverage } from './periodicity.ts';
import { redNoiseBeta } from './red-noise.ts';
import { secondaryEclipse, transitShape } from './transit-shape.ts';

export { fluxStatistics } from './flux-stats.ts';
export { transitShape, secondaryEclipse } from './transit-shape.ts';
export { periodicityStrength, phaseCoverage } from './periodicity.ts';
export { redNoiseBeta, RED_NOISE_TIMESCALE_DAYS } from './red-noise.ts';

/** A value for the CSV: non-finite numbers become empty cells, never placeholders. */
export function finite(v: number): number | undefined {
  return Number.isFinite(v) ? v : undefined;
}

/** Points of the light curve outside |x| < duration around every transit of the signal (a mask twice the box). */
export function outsideTransits(lc: LightCurve, period: number, transitTime: number, duration: number): Uint8Array {
  return Uint8Array.from(lc.time, (t) => (Math.abs(timeFromTransit(t, period, transitTime)) < duration ? 0 : 1));
}

export function fluxFeatures(lc: LightCurve, outOfTransit: Uint8Array): Features {
  const stats = fluxStatistics(lc.flux);
  const time = lc.time.filter((_, i) => outOfTransit[i] === 1);
  const residual = lc.flux.filter((_, i) => outOfTransit[i] === 1).map((f) => f - 1);
  return {
    flux_std: finite(stats.std),
    flux_mad: finite(stats.mad),
    flux_skewness: finite(stats.skewness),
    flux_kurtosis: finite(stats.kurtosis),
    red_noise: finite(redNoiseBeta(time, residual, lc.cadenceDays)),
  };
}

const list = (values: number[], digits: number) => values.map((v) => (Number.isFinite(v) ? v.toFixed(digits) : '')).join(' ');
const listPrecise = (values: number[]) => values.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : '')).join(' ');

/** The vetting columns of the best peak: astropy compute_stats plus the shape and fold summaries. */
export function signalFeatures(lc: LightCurve, peak: BlsPeak, fluxStd: number): Features {
  const { period, duration, transitTime } = peak;
  const stats = computeStats({ time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr }, period, duration, transitTime);
  const shape = transitShape(lc.time, lc.flux, period, transitTime, duration);
  const secondary = secondaryEclipse(lc.time, lc.flux, period, transitTime, duration);
  const [odd, oddErr] = stats.depthOdd;
  const [even, evenErr] = stats.depthEven;
  const oddEvenErr = Math.hypot(oddErr, evenErr);
  const withData = stats.perTransitCount.filter((c) => c > 0);
  return {
    duration_over_period: duration / period,
    odd_even_depth_diff: Number.isFinite(oddEvenErr) ? Math.abs(odd - even) : undefined,
    odd_even_sigma: Number.isFinite(oddEvenErr) && oddEvenErr > 0 ? Math.abs(odd - even) / oddEvenErr : undefined,
    transit_symmetry: finite(shape.symmetry),
    ingress_egress_ratio: finite(shape.ingressEgressRatio),
    secondary_depth: finite(secondary.depth),
    secondary_depth_err: finite(secondary.depthErr),
    periodicity_strength: finite(periodicityStrength(lc.time, lc.flux, period, transitTime, fluxStd)),
    phase_coverage: phaseCoverage(lc.time, period, transitTime),
    depth_odd: Number.isFinite(oddErr) ? odd : undefined,
    depth_odd_err: finite(oddErr),
    depth_even: Number.isFinite(evenErr) ? even : undefined,
    depth_even_err: finite(evenErr),
    depth_half: Number.isFinite(stats.depthHalf[1]) ? stats.depthHalf[0] : undefined,
    depth_half_err: finite(stats.depthHalf[1]),
    depth_phased: Number.isFinite(stats.depthPhased[1]) ? stats.depthPhased[0] : undefined,
    depth_phased_err: finite(stats.depthPhased[1]),
    harmonic_amplitude: finite(stats.harmonicAmplitude),
    harmonic_delta_log_likelihood: finite(stats.harmonicDeltaLogLikelihood),
    n_transits: withData.length,
    n_points_in_transit: withData.reduce((a, b) => a + b, 0),
    transit_times_bjd: list(stats.transitTimes.map((t) => t + lc.bjdRef), 6),
    per_transit_count: stats.perTransitCount.join(' '),
    per_transit_log_likelihood: listPrecise(stats.perTransitLogLikelihood),
  };
}
