import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { blsMemoryBytes, estimateSeconds, planOptions, planSearch } from '../../src/lib/search/bls-plan.ts';
import { slowBlsEngine } from '../../src/lib/search/bls-slow.ts';
import type { BlsOptions, BlsPeriodogram } from '../../src/lib/search/bls-types.ts';
import { durationRanges, durationWindow, MAX_DUTY_CYCLE, ofirPeriodCount, ofirPeriods, t14 } from '../../src/lib/search/grid-optimal.ts';
import { synthetic } from './synthetic.ts';

const FIELDS = ['power', 'depth', 'depthErr', 'duration', 'transitTime', 'depthSnr', 'logLikelihood'] as const;
const release = await createBlsEngine(await loadKernelBytes('release'));
const debug = await createBlsEngine(await loadKernelBytes('debug'));

describe('Ofir period grid', () => {
  it('steps by a constant phase drift of q/oversampling across the baseline', () => {
    const baseline = 80;
    const periods = ofirPeriods({ baseline, periodMin: 0.5, periodMax: 30, oversampling: 3 });
    expect(periods.length).toBe(ofirPeriodCount({ baseline, periodMin: 0.5, periodMax: 30, oversampling: 3 }));
    expect(periods[0]).toBeCloseTo(0.5, 12);
    expect(periods[periods.length - 1]).toBeLessThanOrEqual(30);
    for (let k = 1; k < periods.length; k++) {
      const p = periods[k];
      expect(p).toBeGreaterThan(periods[k - 1]);
      // Drift of a transit over the baseline between neighbours, in units of the Sun's central-transit
      // duty cycle q = T14(1 R☉, 1 M☉, P, 0) / P, is 1/oversampling (to first order in the step).
      const drift = (baseline * (1 / periods[k - 1] - 1 / p)) / (t14(1, 1, p, 0) / p);
      expect(drift).toBeCloseTo(1 / 3, 2);
    }
  });

  it('a 4-year baseline over 0.5–500 d needs far fewer periods than astropy\'s autoperiod', () => {
    const ofir = ofirPeriodCount({ baseline: 1470, periodMin: 0.5, periodMax: 500, oversampling: 2 });
    // astropy: 1 + (1/0.5 − 1/500) / (0.04 / 1470²) with a 0.04-d shortest duration: 108 million.
    expect(ofir).toBeGreaterThan(100_000);
    expect(ofir).toBeLessThan(150_000);
  });
});

describe('Keplerian duration slices', () => {
  it('windows grow as P^(1/3) and stay within the duty-cycle cap', () => {
    const [a1, b1] = durationWindow(100);
    const [a8, b8] = durationWindow(800);
    expect(a8 / a1).toBeCloseTo(2, 10);
    expect(b8 / b1).toBeCloseTo(2, 10);
    expect(durationWindow(0.3)[1]).toBeCloseTo(0.3 * MAX_DUTY_CYCLE, 12);
    // A Sun-like central transit at 365 d (about 13 h) lies inside the window.
    const [lo, hi] = durationWindow(365.25);
    expect(lo).toBeLessThan(0.54);
    expect(hi).toBeGreaterThan(0.54);
  });

  it('each period\'s slice brackets its window', () => {
    const periods = ofirPeriods({ baseline: 60, periodMin: 0.4, periodMax: 30 });
    const { durations, first, count } = durationRanges(periods, { minimumDuration: 0.02 });
    for (let k = 1; k < durations.length; k++) expect(durations[k] / durations[k - 1]).toBeCloseTo(1.2, 12);
    periods.forEach((p, i) => {
      const [lo, hi] = durationWindow(p, { minimumDuration: 0.02 });
      expect(durations[first[i]]).toBeLessThanOrEqual(lo * (1 + 1e-9));
      const last = durations[first[i] + count[i] - 1];
      expect(last >= hi * (1 - 1e-9) || durations[first[i] + count[i]] > MAX_DUTY_CYCLE * p).toBe(true);
      expect(last).toBeLessThan(p);
    });
  });
});

function expectSame(a: BlsPeriodogram, b: BlsPeriodogram, tolerance = 0): void {
  for (const f of FIELDS) {
    if (tolerance === 0) expect(a[f], f).toEqual(b[f]);
    else for (let i = 0; i < a[f].length; i++) expect(Math.abs(a[f][i] - b[f][i]), `${f}[${i}]`).toBeLessThanOrEqual(tolerance * Math.abs(b[f][i]));
  }
}

describe('kernel with per-period duration slices', () => {
  // An irrational cadence: times commensurate with the trial periods would put points exactly on bin
  // edges, where the per-period-bin mode's reciprocal products may pick the neighbouring bin.
  const data = synthetic({ seed: 5, points: 1500, start: 3.0173, cadence: 0.02 * Math.SQRT1_2 * 1.41, noise: 0.001, withErrors: true,
    injection: { period: 2.3, transitTime: 4.1, depth: 0.003, duration: 0.12 } });
  const periods = Float64Array.from({ length: 60 }, (_, i) => 1.2 + i * 0.05);
  const durations = Float64Array.of(0.04, 0.06, 0.09, 0.13, 0.2);
  const first = Int32Array.from(periods, (_, i) => i % 3);
  const count = Int32Array.from(periods, (_, i) => 1 + (i % 3));
  const base: BlsOptions = { periods, durations, objective: 'likelihood', oversample: 6 };

  it('slices covering every duration with the global bin are astropy mode exactly', () => {
    const all = { first: new Int32Array(periods.length), count: new Int32Array(periods.length).fill(durations.length), periodBins: false };
    expectSame(release.power(data, { ...base, durationRanges: all }), release.power(data, base));
  });

  for (const periodBins of [false, true]) {
    it(`${periodBins ? 'per-period' : 'global'} bins: each period equals a one-period astropy-mode search of its slice`, () => {
      const ranged = release.power(data, { ...base, durationRanges: { first, count, periodBins } });
      const dbg = debug.power(data, { ...base, durationRanges: { first, count, periodBins } });
      periods.forEach((p, i) => {
        const slice = durations.subarray(first[i], first[i] + count[i]);
        // With the global bin, a lone slice not starting at the shortest duration would get a coarser
        // bin: compare only slices that start there.
        if (!periodBins && first[i] !== 0) return;
        const single = release.power(data, { ...base, periods: Float64Array.of(p), durations: slice });
        for (const f of FIELDS) expect(ranged[f][i], `${f}[${i}]`).toBe(single[f][0]);
      });
      expectSame(dbg, ranged);
    });
  }

  it('the brute-force reference agrees with per-period bins', () => {
    const options = { ...base, periods: periods.subarray(0, 12), durationRanges: { first: first.subarray(0, 12), count: count.subarray(0, 12), periodBins: true } };
    expectSame(release.power(data, options), slowBlsEngine.power(data, options), 1e-12);
  });

  it('refuses slices outside the list or over unsorted durations, naming the rule', () => {
    const bad = { first: new Int32Array(periods.length).fill(4), count: new Int32Array(periods.length).fill(2), periodBins: true };
    expect(() => release.power(data, { ...base, durationRanges: bad })).toThrow(/fall outside the 5 durations/);
    const unsorted = Float64Array.of(0.04, 0.2, 0.09);
    const ok = { first: new Int32Array(periods.length), count: new Int32Array(periods.length).fill(1), periodBins: true };
    expect(() => release.power(data, { ...base, durations: unsorted, durationRanges: ok })).toThrow(/strictly ascending/);
  });

  it('refuses a search over its memory budget with grid-too-large', () => {
    let error: unknown;
    try {
      release.power(data, { ...base, memoryBudget: 100_000 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).name).toBe('grid-too-large');
    expect((error as AppError).message).toMatch(/MiB of kernel memory .* budget/);
    expect(release.power(data, { ...base, memoryBudget: 10_000_000 }).power.length).toBe(periods.length);
  });
});

describe('planSearch', () => {
  const kepler = synthetic({ seed: 9, points: 70000, start: 130, cadence: 0.0204336, noise: 0.0003, withErrors: false, dropFraction: 0.08 });

  it('plans a 4-year Kepler search over 0.5–500 d with the optimal grid, and refuses astropy\'s', () => {
    const plan = planSearch(kepler.time, { grid: 'optimal', periodMin: 0.5, periodMax: 500, periodOversampling: 2 });
    expect(plan.periods.length).toBeGreaterThan(100_000);
    expect(plan.periods.length).toBeLessThan(150_000);
    expect(plan.durationRanges?.periodBins).toBe(true);
    expect(plan.memoryBytes).toBe(blsMemoryBytes(kepler.time.length, plan.periods.length, plan.durations.length, plan.bins));
    expect(plan.memoryBytes).toBeLessThan(64 * 2 ** 20);
    expect(plan.estimatedSeconds).toBeGreaterThan(5);
    expect(plan.estimatedSeconds).toBeLessThan(40);
    expect(() => planSearch(kepler.time, { grid: 'astropy', periodMin: 0.5, periodMax: 500, durations: [0.04, 0.5] })).toThrow(/million|periods, above the limit/);
  });

  it('caps time and memory with clear messages', () => {
    expect(() => planSearch(kepler.time, { grid: 'optimal', periodMin: 0.5, periodMax: 500, maxSeconds: 1 })).toThrow(/would take about \d+ s on one core/);
    expect(() => planSearch(kepler.time, { grid: 'optimal', periodMin: 0.5, periodMax: 500, memoryBudget: 2 ** 20 })).toThrow(/MiB of kernel memory/);
  });

  it('astropy grid: the autoperiod periods and the durations given, every duration at every period', () => {
    const tess = synthetic({ seed: 3, points: 2000, start: 1325, cadence: 0.01, noise: 0.001, withErrors: false });
    const plan = planSearch(tess.time, { grid: 'astropy', durations: [0.05, 0.1], frequencyFactor: 5 });
    expect(plan.durationRanges).toBeNull();
    expect(plan.periodMin).toBe(0.2);
    const options = planOptions(plan);
    expect(options.durations).toEqual(Float64Array.of(0.05, 0.1));
    const seconds = estimateSeconds(tess.time.length, plan.periods, plan.durations, 10);
    expect(plan.estimatedSeconds).toBe(seconds);
  });
});
