import { beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import type { BlsEngine } from '../../src/lib/search/bls-types.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { binCentre, buildSummary, summarizeFold, summarizePeriodogram, summaryBytes } from '../../src/lib/search/summary/index.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';
import { gaussian, mulberry32 } from '../helpers/random.ts';
import { worstCaseSearch } from '../helpers/worst-summary.ts';

describe('the periodogram summary', () => {
  it('keeps the highest power of every log-period bucket and the best peak with its neighbours, in ascending period', () => {
    const rand = gaussian(mulberry32(7));
    const n = 50_000;
    // A grid running down in period, as frequency grids do.
    const period = Float64Array.from({ length: n }, (_, i) => 20 / (1 + i * 0.001));
    const power = Float64Array.from({ length: n }, () => Math.abs(rand()));
    power[31_234] = 40;
    power[100] = -Infinity;
    const s = summarizePeriodogram(period, power, 500);
    expect(s.nPeriods).toBe(n);
    expect(s.period.length).toBeLessThanOrEqual(500 + 49);
    for (let i = 1; i < s.period.length; i++) expect(s.period[i]).toBeGreaterThanOrEqual(s.period[i - 1]);
    expect(Math.max(...s.power)).toBeCloseTo(40, 5);
    expect([...s.period]).toContain(Math.fround(period[31_234]));
    expect([...s.period]).toContain(Math.fround(period[31_234 - 24]));
    // Every bucket's maximum, checked by brute force.
    const lo = Math.min(...period);
    const span = Math.log(Math.max(...period) / lo);
    const best = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(power[i])) continue;
      const b = Math.min(499, Math.floor((Math.log(period[i] / lo) / span) * 500));
      if (!best.has(b) || power[i] > power[best.get(b)!]) best.set(b, i);
    }
    const kept = new Set(s.period);
    for (const i of best.values()) expect(kept.has(Math.fround(period[i]))).toBe(true);
    expect(s.power.every(Number.isFinite)).toBe(true);
  });

  it('is empty, not invented, when no period has a finite power', () => {
    const s = summarizePeriodogram([1, 2, 3], [-Infinity, NaN, -Infinity]);
    expect(s.period.length).toBe(0);
    expect(s.nPeriods).toBe(3);
  });
});

describe('the fold summary', () => {
  it('bins a seeded box transit: deep in the middle, flat outside, odd and even apart, and one panel per transit', () => {
    const rand = gaussian(mulberry32(11));
    const period = 3;
    const transitTime = 1.2;
    const duration = 0.12;
    const time = Float64Array.from({ length: 20_000 }, (_, i) => i * 0.0014);
    const flux = Float64Array.from(time, (t) => {
      const x = ((((t - transitTime) / period + 0.5) % 1) + 1) % 1 - 0.5;
      const epoch = Math.round((t - transitTime) / period);
      const depth = epoch % 2 === 0 ? 0.01 : 0.006;
      return 1 + 1e-4 * rand() - (Math.abs(x * period) < duration / 2 ? depth : 0);
    });
    const f = summarizeFold(time, flux, { period, transitTime, duration });
    expect(f.windowHours).toBeCloseTo(2.5 * 0.12 * 24, 9);
    const centre = f.transit.flux[f.transit.flux.length / 2];
    expect(centre).toBeLessThan(0.995);
    expect(f.transit.flux[0]).toBeCloseTo(1, 3);
    expect(f.even.flux[f.even.flux.length / 2]).toBeCloseTo(0.99, 3);
    expect(f.odd.flux[f.odd.flux.length / 2]).toBeCloseTo(0.994, 3);
    expect(binCentre(f.transit, 0)).toBeCloseTo(-7.2 + 14.4 / 120 / 2, 6);
    // Secondary window at phase 0.5: nothing there.
    expect(Math.abs(f.secondary.flux[30] - 1)).toBeLessThan(1e-3);
    // Transits at 1.2, 4.2, ... 25.2 days (the data end at 28 d): 9 with data.
    expect(f.nTransits).toBe(9);
    // A panel for every transit window holding data (the tenth's window starts before the data end).
    expect(f.panels.map((p) => p.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(f.panels[1].time).toBeCloseTo(4.2, 9);
    expect(f.panels.slice(0, 9).every((p) => p.n > 300)).toBe(true);
    // Phase fold: minimum at phase 0.
    const minBin = f.phase.flux.indexOf(Math.min(...f.phase.flux.filter(Number.isFinite)));
    expect(Math.abs(binCentre(f.phase, minBin))).toBeLessThan(0.01);
  });
});

describe('the summary stored with each result', () => {
  it('stays under 16 kB in the worst case: 65,000 points, 100,000 periods, a transit every day', () => {
    const { time, flux, period, power } = worstCaseSearch();
    const periodogram = { period, power, depth: power, depthErr: power, duration: power, transitTime: power, depthSnr: power, logLikelihood: power, objective: 'likelihood' as const };
    const peak = { index: 10, period: 1.05, power: 5, depth: 1e-3, depthErr: 1e-4, duration: 0.1, transitTime: 0.3, depthSnr: 10, logLikelihood: 5 };
    const s = buildSummary({ time, flux, bjdRef: 2454833 }, periodogram, peak);
    expect(s.fold!.panels.length).toBe(30);
    const bytes = summaryBytes(s);
    console.info(`plot summary, worst case: ${bytes} bytes`);
    expect(bytes).toBeLessThan(16_000);
  });

  let engine: BlsEngine;
  beforeAll(async () => {
    engine = await createBlsEngine(await loadKernelBytes('release'));
  });

  it.each([
    ['TESS sector 1, WASP-126', ['tess2018206045859-s0001-0000000025155310-0120-s_lc.fits']],
    ['Kepler-90, three quarters', ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits']],
  ])('%s: built by the analysis, its peak is the CSV period, under 16 kB', async (_name, names) => {
    const result = await analyzeFiles(names.map(lightCurveFile), DEFAULT_SEARCH_SETTINGS, engine);
    const s = result.summary!;
    expect(s).toBeDefined();
    const f = result.features;
    expect(f.files).toBe(names.join(' '));
    // The highest points are at the CSV's period, to within the refinement of the grid's peak (a
    // single transit ties many periods, one of them the reported one).
    const top = Math.max(...s.periodogram.power);
    const p = s.periodogram;
    expect([...p.period].some((v, i) => p.power[i] === top && Math.abs(v / (f.bls_period as number) - 1) < 2e-3)).toBe(true);
    expect(s.signal.period).toBe(f.bls_period);
    expect(s.periodogram.nPeriods).toBe(f.n_periods);
    expect(s.fold!.nTransits).toBe(f.n_transits);
    const bytes = summaryBytes(s);
    console.info(`plot summary of ${_name}: ${bytes} bytes (${s.periodogram.period.length} periodogram points, ${s.fold!.panels.length} transit panels)`);
    expect(bytes).toBeLessThan(16_000);
    // The transit is in the fold: its centre is below the edges by about the depth.
    const t = s.fold!.transit.flux;
    expect(1 - t[t.length / 2]).toBeGreaterThan(0.5 * (f.bls_depth as number));
  });
});
