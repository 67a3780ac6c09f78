import { beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { analyzeFiles, type AnalysisOptions } from '../../src/lib/search/analyze.ts';
import type { BlsEngine } from '../../src/lib/search/bls-types.ts';
import type { CatalogValues } from '../../src/lib/search/input-columns.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';
import { FILES, KEPLER90_KOIS, TOI101, TOI106, TOI110, TOI216, WASP126 } from '../helpers/known-planets.ts';

/** The sector-1 light curves of known planets (fixtures README) and their TOI values. */

const file = lightCurveFile;

const SECTOR1_PLANETS: Array<[string, string, CatalogValues]> = [
  ['WASP-126 b (TOI-114.01)', FILES.wasp126, WASP126],
  ['TOI-106.01', FILES.toi106, TOI106],
  ['TOI-101.01', FILES.toi101, TOI101],
  ['TOI-110.01', FILES.toi110, TOI110],
  ['WASP-126 b in the older tess-data-alerts release', FILES.wasp126Alerts, WASP126],
];
const KEPLER90 = [...FILES.kepler90];

describe('the whole analysis of real light curves (release kernel)', () => {
  let engine: BlsEngine;
  const cache = new Map<string, Promise<TargetResult>>();
  /** Each light curve is analysed once with the default settings (and its catalogue rows) and shared by the tests. */
  const analysed = (names: string[], options: AnalysisOptions = {}) => {
    const key = JSON.stringify([names, options]);
    if (!cache.has(key)) cache.set(key, analyzeFiles(names.map(file), DEFAULT_SEARCH_SETTINGS, engine, options));
    return cache.get(key)!;
  };
  beforeAll(async () => {
    engine = await createBlsEngine(await loadKernelBytes('release'));
  });

  it.each(SECTOR1_PLANETS)('finds %s blind, measured precisely, significant, a planet, matching its TOI', async (_name, fileName, catalog) => {
    const result = await analysed([fileName], { catalog, candidates: [{ row: 0, catalog }] });
    expect(result.status).toBe('ok');
    const f = result.features;
    const period = catalog.period!;
    // Refined: within 3e-4 of the catalogue period (measured 2e-5 to 1.1e-4; 5e-4 to 1.5e-3 on the search grid alone).
    expect(Math.abs((f.bls_period as number) / period - 1)).toBeLessThanOrEqual(3e-4);
    const sigma = f.bls_period_uncertainty as number;
    expect(sigma).toBeGreaterThan(1e-6 * period);
    expect(sigma).toBeLessThan(3e-4 * period);
    expect(Math.abs((f.bls_period as number) - period)).toBeLessThan(4 * sigma);
    expect(f.bls_t0_uncertainty as number).toBeGreaterThan(0);
    expect(f.bls_t0_uncertainty as number).toBeLessThan(0.01);
    expect(f.bls_snr as number).toBeGreaterThan(20);
    // Significant (the null light curves' SDE stays below 13) and not variability.
    expect(f.bls_sde as number).toBeGreaterThan(15);
    expect(f.bls_fap as number).toBeLessThan(0.01);
    expect(f).toMatchObject({ bls_significant: 1, variability: 0, n_single_events: 0 });
    expect(f.single_event_time).toBeUndefined();
    // A planet: odd and even transits agree within 3σ, no secondary eclipse, a box fits better than sinusoids.
    expect(f.odd_even_sigma as number).toBeLessThan(3);
    expect(Math.abs(f.secondary_depth as number)).toBeLessThan(3 * (f.secondary_depth_err as number));
    expect(f.harmonic_delta_log_likelihood as number).toBeLessThan(0);
    expect(f.harmonic2_delta_log_likelihood as number).toBeLessThan(0);
    // Eight or more transits in a 27-day sector at P ≤ 3.3 d, each with data.
    expect(f.n_transits as number).toBeGreaterThanOrEqual(7);
    expect((f.per_transit_count as string).split(' ').length).toBe((f.transit_times_bjd as string).split(' ').length);
    expect(f.bls_t0_bjd as number).toBeCloseTo((f.bls_t0 as number) + 2457000, 9);
    // The row's own candidate, measured at the TOI's ephemeris.
    const c = result.candidates![0];
    expect(c).toMatchObject({ cat_period_searchable: 1, bls_matches_catalog: 1, bls_catalog_ratio: 1 });
    expect(Math.abs((c.cat_bls_period as number) / period - 1)).toBeLessThan(3e-4);
    expect(c.cat_snr as number).toBeGreaterThan(50);
    expect(c.cat_depth as number).toBeGreaterThan(0.004);
    expect(c.cat_n_transits as number).toBeGreaterThanOrEqual(7);
    expect(c.cat_odd_even_sigma as number).toBeLessThan(3);
    expect(Math.abs(c.cat_secondary_depth as number)).toBeLessThan(3 * (c.cat_secondary_depth_err as number));
    // No candidate column leaks into the star's features.
    expect(f.cat_depth).toBeUndefined();
    expect([f.input_period, f.input_epoch]).toEqual([period, catalog.epochBjd]);
    expect(f.mission).toBe('TESS');
    expect(f.segments).toBe('S1');
    expect(f.detrend).toBe('biweight');
    expect(f.cadence_minutes as number).toBeCloseTo(2, 3);
    for (const tls of ['tls_period', 'tls_depth', 'tls_snr', 'tls_sde', 'tls_odd_even'] as const) expect(f[tls]).toBeUndefined();
  });

  it('writes the provenance of a SPOC sector', async () => {
    const result = await analysed([SECTOR1_PLANETS[0][1]], { catalog: WASP126, candidates: [{ row: 0, catalog: WASP126 }] });
    const f = result.features;
    expect([f.sectors, f.quarters, f.campaigns]).toEqual(['1', undefined, undefined]);
    expect(result.kernelVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(f.kernel_version).toBe(result.kernelVersion);
    expect(f.app_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(f.author).toBe('SPOC');
    expect(f.window_days).toBeCloseTo(0.99, 12);
  });

  it('takes the input_* columns from the catalogue in the seed units, and never lets them steer the blind search', async () => {
    const catalog = { ...WASP126, depthPpm: 7006 };
    const blind = (await analysed([SECTOR1_PLANETS[0][1]], { catalog: WASP126, candidates: [{ row: 0, catalog: WASP126 }] })).features;
    const f = (await analyzeFiles([file(SECTOR1_PLANETS[0][1])], DEFAULT_SEARCH_SETTINGS, engine, { catalog })).features;
    expect([f.input_period, f.input_depth, f.input_duration, f.input_epoch]).toEqual([3.2887898, 0.007006, 3.44 / 24, 2458327.519958]);
    for (const column of ['bls_period', 'bls_snr', 'bls_sde', 'bls_period_uncertainty'] as const) expect(f[column]).toBe(blind[column]);
    // One catalogue and no rows (the CLI): its cat_* columns are the features'.
    expect(blind.cat_bls_period).toBeUndefined();
    expect(f.cat_depth as number).toBeGreaterThan(0.004);
    expect(Math.abs((f.cat_bls_period as number) / 3.2887898 - 1)).toBeLessThan(3e-4);
    expect(f.bls_matches_catalog).toBe(1);
  });

  it('gives each TOI of TOI-216 features of its own: both periods beyond one sector, the single transit of .01 kept', async () => {
    // TOI table: .01 P = 34.5 d (one transit, at 1331.27 BTJD, 0.2 d off the linear ephemeris: TTVs), .02 P = 17.4 d.
    const candidates = TOI216.map((catalog, row) => ({ row, catalog }));
    const result = await analysed([FILES.toi216], { candidates });
    const f = result.features;
    // The deep transit of .01 is one event: it is reported as such and does not win the periodic search.
    expect(Math.abs((f.single_event_time as number) - 1331.27)).toBeLessThan(0.05);
    expect(f.single_event_depth as number).toBeGreaterThan(0.012);
    expect(f.single_event_snr as number).toBeGreaterThan(30);
    expect(f.n_transits as number).toBeGreaterThanOrEqual(2);
    const [a, b] = [result.candidates![0], result.candidates![1]];
    expect(a).toMatchObject({ cat_period_searchable: 0, bls_matches_catalog: 0 });
    expect(b).toMatchObject({ cat_period_searchable: 0, bls_matches_catalog: 0 });
    // The local peak within 1 % of .01's period holds its transit; the rows differ.
    expect(Math.abs((a.cat_bls_t0 as number) - 1331.27)).toBeLessThan(0.05);
    expect(a.cat_bls_snr as number).toBeGreaterThan(30);
    expect(a.cat_bls_period).not.toBe(b.cat_bls_period);
    expect(a.cat_depth).not.toBe(b.cat_depth);
  });

  it('masks the found transits and searches again when asked for more signals', async () => {
    const f = (await analyzeFiles([file(SECTOR1_PLANETS[0][1])], { ...DEFAULT_SEARCH_SETTINGS, maxSignals: 2 }, engine)).features;
    expect(Math.abs((f.bls_period as number) / 3.2887898 - 1)).toBeLessThan(3e-4);
    // WASP-126 has one known transiting planet: with its transits masked, what is left is noise.
    expect(f.bls2_period).toBeGreaterThan(0);
    expect(Math.abs((f.bls2_period as number) / 3.2887898 - 1)).toBeGreaterThan(0.01);
    expect(f.bls2_snr as number).toBeLessThan((f.bls_snr as number) / 5);
    expect(f.bls2_sde as number).toBeLessThan(f.bls_sde as number);
    expect(f.bls3_period).toBeUndefined();
  });

  it('does not report the quiet K2 star (EPIC 211495446, no known planet) as significant', async () => {
    const f = (await analysed([FILES.k2Quiet])).features;
    // Its 20.8-d box of the search grid rested on one 3-point dip: set aside as a single event.
    expect(f.n_single_events as number).toBeGreaterThanOrEqual(1);
    expect(f.bls_significant).toBe(0);
    // What is left is a 100-ppm, 0.59-d periodic wiggle that a sinusoid describes better than a box.
    expect(f.variability).toBe(1);
    expect(f.bls_snr as number).toBeLessThan(20);
    expect(f.mission).toBe('K2');
    expect(f.author).toBe('K2');
    expect(f.segments).toBe('C5');
    expect(f.campaigns).toBe('5');
  });

  it.each([
    ['EPIC 211436265 (3.3-d variable)', 'ktwo211436265-c05_llc.fits'],
    ['EPIC 211719918 (0.24-d variable)', 'ktwo211719918-c05_llc.fits'],
  ])('flags %s as variability, not as a transit', async (_name, fileName) => {
    const f = (await analysed([fileName])).features;
    expect(f.variability).toBe(1);
    expect(f.bls_significant).toBe(0);
    // A smooth curve at the period (with its second harmonic) fits far better than the box.
    expect(f.harmonic2_delta_log_likelihood as number).toBeGreaterThan(1000);
  });

  it('does not report Kepler-90 Q3–Q5 from one transit: the single transits are events, planet d is the signal, each KOI has its own row', async () => {
    const candidates = KEPLER90_KOIS.map((catalog, row) => ({ row, catalog }));
    const result = await analysed(KEPLER90, { candidates });
    expect(result.status).toBe('ok');
    const f = result.features;
    expect(f.segments).toBe('Q3 Q4 Q5');
    expect(f.quarters).toBe('3 4 5');
    expect(f.n_files).toBe(3);
    expect(f.baseline_days as number).toBeGreaterThan(270);
    expect(f.mission).toBe('Kepler');
    expect(f.cadence_minutes as number).toBeCloseTo(29.4, 1);
    // The deepest single transits (h at 472.1 BKJD, g at 357.7 BKJD) are set aside, h first.
    expect(f.n_single_events as number).toBeGreaterThanOrEqual(2);
    expect(Math.abs((f.single_event_time as number) - 472.1)).toBeLessThan(0.1);
    expect(f.single_event_snr as number).toBeGreaterThan(50);
    // Kepler-90 d (four transits here) is the reported signal.
    expect(f.n_transits as number).toBeGreaterThanOrEqual(2);
    expect(Math.abs((f.bls_period as number) / 59.7371443 - 1)).toBeLessThan(3e-4);
    expect(f.bls_significant).toBe(1);
    const c = result.candidates!;
    expect(c[2]).toMatchObject({ bls_matches_catalog: 1, cat_period_searchable: 1, cat_n_transits: 4 });
    // h: one transit in the data, beyond the search; found locally all the same.
    expect(c[0]).toMatchObject({ bls_matches_catalog: 0, cat_period_searchable: 0, cat_n_transits: 1 });
    expect(Math.abs((c[0].cat_bls_t0 as number) - 472.1)).toBeLessThan(0.1);
    // c and b, small planets, measured at their own ephemerides with the others masked.
    for (const k of [5, 6]) {
      expect(Math.abs((c[k].cat_bls_period as number) / KEPLER90_KOIS[k].period! - 1), `KOI ${k}`).toBeLessThan(1e-3);
      expect(c[k].cat_snr as number).toBeGreaterThan(4);
    }
  });

  it('refuses a grid larger than the limit before searching, saying what to change', async () => {
    const optimal = { ...DEFAULT_SEARCH_SETTINGS, maxPeriods: 1000 };
    await expect(analyzeFiles([file(SECTOR1_PLANETS[0][1])], optimal, engine)).rejects.toThrow(
      expect.objectContaining({ name: 'grid-too-large', message: expect.stringMatching(/optimal grid would have [\d,]+ periods.*narrow the period range.*grid limit is in Settings/) }),
    );
    const astropy = { ...optimal, grid: 'astropy' as const };
    await expect(analyzeFiles([file(SECTOR1_PLANETS[0][1])], astropy, engine)).rejects.toThrow(/autoperiod grid would have [\d,]+ periods.*raise the frequency factor/);
  });

  it('finds the same planets on astropy\'s grid (lightkurve\'s defaults)', async () => {
    const astropy = { ...DEFAULT_SEARCH_SETTINGS, grid: 'astropy' as const };
    for (const [, fileName, catalog] of SECTOR1_PLANETS.slice(0, 4)) {
      const f = (await analyzeFiles([file(fileName)], astropy, engine)).features;
      expect(Math.abs((f.bls_period as number) / catalog.period! - 1), fileName).toBeLessThan(3e-4);
      expect(f.grid).toBe('astropy');
      // lightkurve's default grid for one TESS sector is about 4,500 periods (mast-and-formats.md §5.1).
      expect(f.n_periods as number).toBeGreaterThan(4000);
      expect(f.n_periods as number).toBeLessThan(5000);
    }
  });

  it('reports a truncated file as invalid FITS, never as data', async () => {
    await expect(analyzeFiles([file('test-lc-tess-pimen-corrupted.fits')], DEFAULT_SEARCH_SETTINGS, engine)).rejects.toThrow(
      expect.objectContaining({ name: 'fits-invalid' }),
    );
  });

  it('refuses a light curve too short to search', async () => {
    await expect(analyzeFiles([file('test-lc-tess-pimen-100-cadences.fits')], DEFAULT_SEARCH_SETTINGS, engine)).rejects.toThrow(
      expect.objectContaining({ name: 'too-few-points' }),
    );
  });
});
