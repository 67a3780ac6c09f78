/**
 * The measurement layer after the astropy-exact search, on seeded synthetic light curves with known
 * answers: refinement, the two-transit rule and single events, transit-time uncertainties, TLS's SDE,
 * the calibrated FAP, the variability test, and the catalogue comparison.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runBlsOnTable } from '../../src/cli/commands/bls-table.ts';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { planOptions, planSearch } from '../../src/lib/search/bls-plan.ts';
import { bestPeak, type BlsEngine, type BlsInput, type BlsPeriodogram } from '../../src/lib/search/bls-types.ts';
import { catalogRatio, candidateInput } from '../../src/lib/search/catalog-features.ts';
import { fitEphemeris, transitTimings } from '../../src/lib/search/ephemeris.ts';
import { refinePeak } from '../../src/lib/search/refine.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { falseAlarmProbability, FAP_TRIALS, sdeSpectrum } from '../../src/lib/search/significance.ts';
import { durationLimits, findSignal } from '../../src/lib/search/signal.ts';
import { fitSingleEvent } from '../../src/lib/search/single-event.ts';
import { judgePeak } from '../../src/lib/search/transits.ts';
import { twoHarmonicDeltaLogLikelihood } from '../../src/lib/search/variability.ts';
import calibration from '../../src/lib/search/fap-calibration.json';
import { gaussian, mulberry32 } from '../helpers/random.ts';
import { astropyCases } from '../kernels/astropy-vectors.ts';
import { referenceResult, referenceSpectrum } from '../kernels/tls-reference.ts';
import { inTransit, synthetic, type Injection } from '../kernels/synthetic.ts';

/** A light curve with white noise and any number of box dips. */
function lightCurve(seed: number, points: number, cadence: number, noise: number, dips: Array<(t: number) => number>): BlsInput {
  const normal = gaussian(mulberry32(seed));
  const time = Float64Array.from({ length: points }, (_, i) => 100 + i * cadence);
  const flux = time.map((t) => 1 + noise * normal() - dips.reduce((s, d) => s + d(t), 0));
  return { time, flux, fluxErr: new Float64Array(points).fill(noise) };
}
const periodic = (inj: Injection) => (t: number) => (inTransit(t, inj) ? inj.depth : 0);
const single = (time: number, duration: number, depth: number) => (t: number) => (Math.abs(t - time) < duration / 2 ? depth : 0);

let engine: BlsEngine;
beforeAll(async () => {
  engine = await createBlsEngine(await loadKernelBytes('release'));
});

describe('refinement after the search', () => {
  it('measures the period of a TESS-like transit closer than the search grid, with the same kernel, within its uncertainty', () => {
    const truth = { period: 3.29, transitTime: 1327.52, depth: 0.004, duration: 0.14 };
    const lc = synthetic({ seed: 7, points: 18000, start: 1325.3, cadence: 2 / 1440, noise: 0.001, withErrors: true, injection: truth });
    const plan = planSearch(lc.time, { grid: 'optimal', periodMin: 0.5, periodMax: 9 });
    const coarse = bestPeak(engine.power(lc, planOptions(plan)));
    const scope = { periods: plan.periods, durationLimits: durationLimits(plan, coarse.index), baseline: plan.baseline, objective: 'likelihood' as const };
    const { peak: refined, periodErr } = refinePeak(engine, lc, scope, coarse, 2 / 1440);
    const error = (p: number) => Math.abs(p / truth.period - 1);
    // Measured: search grid 2.8e-4, refined 1.1e-4 (1.3σ; the 30 light curves below measure the gain).
    expect(error(coarse.period)).toBeGreaterThan(1e-4);
    expect(error(refined.period)).toBeLessThan(error(coarse.period));
    expect(Math.abs(refined.period - truth.period)).toBeLessThan(3 * periodErr);
    expect(refined.power).toBeGreaterThanOrEqual(coarse.power);
    expect(refined.duration).toBeGreaterThanOrEqual(scope.durationLimits[0]);
    expect(refined.duration).toBeLessThanOrEqual(scope.durationLimits[1]);
    expect(Math.abs(refined.duration - truth.duration)).toBeLessThan(0.01);
  });
});

describe('cli bls', () => {
  it('keeps astropy\'s answer unless asked to refine; refined, it reports the fine peak and astropy\'s as search_peak', () => {
    const c = astropyCases().find((k) => k.name === 'synthetic-1-dy-likelihood-os10')!;
    const a = c.autoperiod;
    const options = { durations: c.durations, objective: c.objective, oversample: c.oversample, periodMin: a.minimum_period, periodMax: a.maximum_period, frequencyFactor: a.frequency_factor };
    const plain = runBlsOnTable(c.input, engine, options).result;
    expect(plain.period).toBe(c.result.period[c.best_index]);
    expect(plain.power).toBe(c.result.power[c.best_index]);
    expect('search_peak' in plain).toBe(false);
    const refined = runBlsOnTable(c.input, engine, { ...options, refine: true }).result as typeof plain & { period_uncertainty: number; search_peak: { period: number; power: number } };
    expect(refined.search_peak.period).toBe(c.result.period[c.best_index]);
    expect(refined.search_peak.power).toBe(c.result.power[c.best_index]);
    expect(refined.power).toBeGreaterThanOrEqual(refined.search_peak.power);
    expect(refined.period_uncertainty).toBeGreaterThan(0);
    // make_vectors.py injected P = 3.17 d (its `source` says so).
    expect(c.source).toContain('"period": 3.17');
    expect(Math.abs(refined.period - 3.17)).toBeLessThan(3 * refined.period_uncertainty);
    expect(refined.index).toBe(c.best_index);
  });
});

describe('the two-transit rule', () => {
  const cadence = 0.0204;
  it('accepts equal transits, refuses one transit with data and one deep event among flat epochs', () => {
    const inj = { period: 10, transitTime: 105, depth: 0.002, duration: 0.2 };
    const lc = lightCurve(1, 4000, cadence, 0.0005, [periodic(inj)]);
    expect(judgePeak(lc, inj.period, inj.transitTime, inj.duration, 2)).toMatchObject({ ok: true, nTransits: 8 });
    expect(judgePeak(lc, inj.period, inj.transitTime, inj.duration, 3).ok).toBe(true);
    // At a period longer than the data, one transit holds data.
    expect(judgePeak(lc, 200, inj.transitTime, inj.duration, 2)).toMatchObject({ ok: false, reason: 'too-few-transits', nTransits: 1 });
    const event = lightCurve(2, 4000, cadence, 0.0005, [single(150, 0.3, 0.01)]);
    const verdict = judgePeak(event, 30, 150, 0.3, 2);
    expect(verdict).toMatchObject({ ok: false, reason: 'one-transit-dominates', nTransits: 3 });
    expect(verdict.strongest?.time).toBe(150);
  });

  it('does not take the deepest of many weak transits for a single event', () => {
    const inj = { period: 0.9, transitTime: 100.3, depth: 0.0004, duration: 0.08 };
    const lc = lightCurve(3, 4000, cadence, 0.001, [periodic(inj)]);
    expect(judgePeak(lc, inj.period, inj.transitTime, inj.duration, 2)).toMatchObject({ ok: true, nTransits: 91 });
  });

  it('sets a deep single event aside and finds the shallow periodic transit behind it', () => {
    const inj = { period: 7.3, transitTime: 102.1, depth: 0.0012, duration: 0.15 };
    const lc = lightCurve(4, 4000, cadence, 0.0005, [periodic(inj), single(140.37, 0.3, 0.01)]);
    const plan = planSearch(lc.time, { grid: 'optimal', periodMin: 0.5, periodMax: 27 });
    // The plain search's best box holds the event.
    const plain = bestPeak(engine.power(lc, planOptions(plan)));
    expect(Math.abs(plain.period / inj.period - 1)).toBeGreaterThan(0.01);
    const signal = findSignal(engine, lc, plan, DEFAULT_SEARCH_SETTINGS, cadence);
    expect(Math.abs(signal.peak!.period / inj.period - 1)).toBeLessThan(1e-3);
    expect(signal.events).toHaveLength(1);
    const [event] = signal.events;
    expect(Math.abs(event.time - 140.37)).toBeLessThan(0.02);
    expect(event.depth).toBeGreaterThan(0.009);
    expect(event.depth).toBeLessThan(0.011);
    expect(Math.abs(event.duration / 0.3 - 1)).toBeLessThan(0.2);
    expect(event.snr).toBeGreaterThan(50);
    // The event's points are not in the light curve the signal was measured on.
    expect(signal.input.time.some((t) => Math.abs(t - 140.37) < 0.1)).toBe(false);
    expect(Number.isFinite(signal.sde)).toBe(true);
  });

  it('fits a single event: centre, duration and depth', () => {
    const lc = lightCurve(5, 4000, cadence, 0.0005, [single(150.2, 0.4, 0.003)]);
    const event = fitSingleEvent(lc, 150.15, 0.3, cadence)!;
    expect(Math.abs(event.time - 150.2)).toBeLessThan(0.02);
    expect(Math.abs(event.duration / 0.4 - 1)).toBeLessThan(0.15);
    expect(Math.abs(event.depth / 0.003 - 1)).toBeLessThan(0.1);
  });
});

describe('uncertainties of period and transit time', () => {
  it('fits a line through transit times, with the covariance of its errors and √χ²_red when they scatter more', () => {
    const exact = [0, 1, 2, 3].map((epoch) => ({ epoch, time: 10 + 2.5 * epoch, err: 0.001 }));
    const fit = fitEphemeris(exact);
    expect(fit.period).toBeCloseTo(2.5, 12);
    expect(fit.transitTime).toBeCloseTo(10, 12);
    // σ_P = σ / sqrt(Σ(n − n̄)²) = 0.001 / sqrt(5); σ_T0 = σ · sqrt(Σn² / (N Σ(n − n̄)²)).
    expect(fit.periodErr).toBeCloseTo(0.001 / Math.sqrt(5), 12);
    expect(fit.transitTimeErr).toBeCloseTo(0.001 * Math.sqrt(14 / 20), 12);
    const scattered = exact.map((t, i) => ({ ...t, time: t.time + (i % 2 ? 0.01 : -0.01) }));
    expect(fitEphemeris(scattered).periodErr).toBeGreaterThan(5 * fit.periodErr);
    const two = fitEphemeris(exact.slice(0, 2));
    expect(two.periodErr).toBeCloseTo(0.001 * Math.SQRT2, 12);
    expect(fitEphemeris(exact.slice(0, 1)).periodErr).toBeNaN();
  });

  it('times each transit: a transit 15 minutes late is measured late', () => {
    const inj = { period: 5, transitTime: 102, depth: 0.003, duration: 0.2 };
    const late = (t: number) => (Math.abs(t - (inj.transitTime + 2 * inj.period + 0.0104)) < inj.duration / 2 ? inj.depth : 0);
    const onTime = (t: number) => (inTransit(t, inj) && Math.abs(t - (inj.transitTime + 2 * inj.period)) > 1 ? inj.depth : 0);
    const lc = lightCurve(6, 2000, 0.0139, 0.0003, [onTime, late]);
    const timings = transitTimings(lc, inj.period, inj.transitTime, inj.duration, 0.0139);
    expect(timings.map((t) => t.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Math.abs(timings[2].time - (inj.transitTime + 10.0104))).toBeLessThan(0.004);
    for (const t of timings.filter((x) => x.epoch !== 2)) expect(Math.abs(t.time - (inj.transitTime + t.epoch * inj.period))).toBeLessThan(0.004);
    for (const t of timings) expect(t.err).toBeLessThan(0.01);
  });

  it('refines periods several times closer than the search grid, with errors that match the stated uncertainty (30 seeded light curves)', () => {
    const pulls: number[] = [];
    const coarseErrors: number[] = [];
    const refinedErrors: number[] = [];
    for (let seed = 0; seed < 30; seed++) {
      const truth = { period: 2.7 + 0.01 * seed, transitTime: 101 + 0.05 * seed, depth: 0.0025, duration: 0.12 };
      const lc = synthetic({ seed: 100 + seed, points: 6000, start: 100, cadence: 0.00463, noise: 0.001, withErrors: true, injection: truth });
      const plan = planSearch(lc.time, { grid: 'optimal', periodMin: 1, periodMax: 9 });
      const signal = findSignal(engine, lc, plan, DEFAULT_SEARCH_SETTINGS, 0.00463);
      const peak = signal.peak!;
      pulls.push((peak.period - truth.period) / signal.periodErr);
      coarseErrors.push(Math.abs(signal.coarse!.period / truth.period - 1));
      refinedErrors.push(Math.abs(peak.period / truth.period - 1));
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    // Measured: median 4.7e-4 on the search grid, 4.1e-5 refined.
    expect(median(refinedErrors)).toBeLessThan(median(coarseErrors) / 3);
    const rms = Math.sqrt(pulls.reduce((s, p) => s + p * p, 0) / pulls.length);
    // Measured: 0.90 (1.04 over 60). An uncertainty that is a grid resolution (TLS's half width) would give ≪ 1.
    expect(rms).toBeGreaterThan(0.5);
    expect(rms).toBeLessThan(2);
    expect(Math.max(...pulls.map(Math.abs))).toBeLessThan(5);
  });
});

describe('significance', () => {
  it('is TLS\'s SDE: the same spectrum transform reproduces transitleastsquares\' SDE from its χ²', () => {
    for (const name of ['synthetic-tess-box', 'wasp126-s1'] as const) {
      const { chi2 } = referenceSpectrum(name);
      const top = Math.max(...chi2);
      const n = chi2.length;
      // A periodogram whose χ² (constant-model χ² − 2 log L) is the package's.
      const periodogram = { logLikelihood: Float64Array.from(chi2, (c) => (top - c) / 2) } as BlsPeriodogram;
      const sde = sdeSpectrum(periodogram, top, 3);
      expect(sde.length).toBe(n);
      expect(Math.max(...sde)).toBeCloseTo(referenceResult(name).SDE as number, 9);
    }
  });

  it('reads the FAP from the committed calibration: (k + 1) / (N + 1), never 0, falling with SDE', () => {
    const values = (calibration as { sde: number[] }).sde;
    expect(FAP_TRIALS).toBeGreaterThanOrEqual(1000);
    expect(values.every((v, i) => i === 0 || v >= values[i - 1])).toBe(true);
    expect(falseAlarmProbability(0)).toBeCloseTo((values.length + 1) / (FAP_TRIALS + 1), 12);
    expect(falseAlarmProbability(1e6)).toBeCloseTo(1 / (FAP_TRIALS + 1), 12);
    const median = values[Math.floor(values.length / 2)];
    expect(falseAlarmProbability(median)).toBeGreaterThan(0.3);
    let last = 1;
    for (let sde = 0; sde < 30; sde += 0.25) {
      const fap = falseAlarmProbability(sde);
      expect(fap).toBeLessThanOrEqual(last);
      last = fap;
    }
    expect(falseAlarmProbability(Number.NaN)).toBeNaN();
  });

  it('tells a variable (a sinusoid at half the box period) from a transit', () => {
    const time = Float64Array.from({ length: 3000 }, (_, i) => 100 + i * 0.0204);
    const variable = { time, flux: time.map((t) => 1 + 0.01 * Math.sin((2 * Math.PI * t) / 0.25)), fluxErr: new Float64Array(3000).fill(0.001) };
    // BLS finds such a star at twice its period, a box on every other trough.
    expect(twoHarmonicDeltaLogLikelihood(variable, 0.5, 0.06, 100.1875)).toBeGreaterThan(0);
    const inj = { period: 3.1, transitTime: 101, depth: 0.003, duration: 0.12 };
    const transit = lightCurve(7, 3000, 0.0204, 0.001, [periodic(inj)]);
    expect(twoHarmonicDeltaLogLikelihood(transit, inj.period, inj.duration, inj.transitTime)).toBeLessThan(0);
  });
});

describe('catalogue candidates', () => {
  it('matches the blind period to the catalogue period, a harmonic or a subharmonic, within 3σ', () => {
    const blind = { period: 3.2885, periodErr: 0.0002, duration: 0.13 };
    expect(catalogRatio(blind, 3.2888, 27)).toBe(1);
    expect(catalogRatio(blind, 3.2888 / 2, 27)).toBe(2);
    expect(catalogRatio(blind, 3.2888 * 2, 27)).toBe(0.5);
    expect(catalogRatio(blind, 3.2888 * 1.001, 27)).toBeNull();
    expect(catalogRatio(blind, 3.2885 * 3 / 7, 27)).toBeNull();
  });

  it('measures a candidate without the other candidates\' transits and without foreign single events', () => {
    const time = Float64Array.from({ length: 1000 }, (_, i) => i * 0.1);
    const lc = { time, flux: new Float64Array(1000).fill(1), fluxErr: null };
    const own = { period: 10, epochBjd: 2457005, durationHours: 12 };
    const other = { period: 7, epochBjd: 2457003, durationHours: 24 };
    const events = [{ time: 35, duration: 0.2 }, { time: 50.5, duration: 0.2 }];
    const input = candidateInput(lc, own, [other, { period: 10.001 }], events, 2457000);
    const kept = (t: number) => input.time.some((x) => Math.abs(x - t) < 1e-9);
    // The other candidate's transits (3 + 7n d, 24 h) go with ±1 d; the row repeating our period is not another candidate.
    expect(kept(3)).toBe(false);
    expect(kept(10.5)).toBe(false);
    // The event at 35 d falls on our own transit (5 + 10n d) and stays; the one at 50.5 d goes.
    expect(kept(35)).toBe(true);
    expect(kept(50.5)).toBe(false);
    expect(kept(50.4)).toBe(false);
    expect(kept(50.2)).toBe(true);
    expect(kept(5)).toBe(true);
    expect(kept(15)).toBe(true);
  });
});
