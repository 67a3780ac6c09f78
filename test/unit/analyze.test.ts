import { beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import type { BlsEngine } from '../../src/lib/search/bls-types.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';

const file = lightCurveFile;

/** TOI-table periods (days) of the planets whose transits are in the sector-1 SPOC files (fixtures README). */
const SECTOR1_PLANETS: Array<[string, string, number]> = [
  ['WASP-126 b (TOI-114.01)', 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits', 3.2887898],
  ['TOI-106.01', 'tess2018206045859-s0001-0000000038846515-0120-s_lc.fits', 2.8493825],
  ['TOI-101.01', 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits', 1.4303699],
  ['TOI-110.01', 'tess2018206045859-s0001-0000000281459670-0120-s_lc.fits', 3.1743504],
];

describe('the whole analysis of real light curves (release kernel)', () => {
  let engine: BlsEngine;
  beforeAll(async () => {
    engine = await createBlsEngine(await loadKernelBytes('release'));
  });

  it.each(SECTOR1_PLANETS)('finds %s blind within half a per cent of its catalogue period', async (_name, fileName, period) => {
    const result = await analyzeFiles([file(fileName)], DEFAULT_SEARCH_SETTINGS, engine);
    expect(result.status).toBe('ok');
    const f = result.features;
    expect(Math.abs((f.bls_period as number) / period - 1)).toBeLessThan(0.005);
    expect(f.bls_snr as number).toBeGreaterThan(20);
    expect(f.segments).toBe('S1');
    expect([f.sectors, f.quarters, f.campaigns]).toEqual(['1', undefined, undefined]);
    expect(f.bls_t0_bjd as number).toBeCloseTo((f.bls_t0 as number) + 2457000, 9);
    expect(result.kernelVersion).toMatch(/^[0-9a-f]{16}$/);
    // A planet: odd and even transits agree within 3σ, no secondary eclipse, a box fits better than a sinusoid.
    expect(f.odd_even_sigma as number).toBeLessThan(3);
    expect(Math.abs(f.secondary_depth as number)).toBeLessThan(3 * (f.secondary_depth_err as number));
    expect(f.harmonic_delta_log_likelihood as number).toBeLessThan(0);
    // Eight or more transits in a 27-day sector at P ≤ 3.3 d, each with data.
    expect(f.n_transits as number).toBeGreaterThanOrEqual(7);
    expect((f.per_transit_count as string).split(' ').length).toBe((f.transit_times_bjd as string).split(' ').length);
    expect(f.detrend).toBe('biweight');
    expect(f.window_days).toBeCloseTo(0.99, 12);
    expect(f.mission).toBe('TESS');
    expect(f.author).toBe('SPOC');
    expect(f.cadence_minutes as number).toBeCloseTo(2, 3);
    expect(f.kernel_version).toBe(result.kernelVersion);
    expect(f.app_version).toMatch(/^\d+\.\d+\.\d+/);
    for (const tls of ['tls_period', 'tls_depth', 'tls_snr', 'tls_sde', 'tls_odd_even'] as const) expect(f[tls]).toBeUndefined();
    for (const input of ['input_period', 'input_depth', 'input_duration', 'input_epoch'] as const) expect(f[input]).toBeUndefined();
  });

  it('takes the input_* columns from the catalogue in the seed units, and never lets them steer the blind search', async () => {
    const [, fileName, period] = SECTOR1_PLANETS[0];
    const catalog = { period, depthPpm: 7006, durationHours: 3.44, epochBjd: 2458327.519958 };
    const blind = (await analyzeFiles([file(fileName)], DEFAULT_SEARCH_SETTINGS, engine)).features;
    const f = (await analyzeFiles([file(fileName)], { ...DEFAULT_SEARCH_SETTINGS, catalogSearch: true }, engine, { catalog })).features;
    expect([f.input_period, f.input_depth, f.input_duration, f.input_epoch]).toEqual([period, 0.007006, 3.44 / 24, 2458327.519958]);
    expect(f.bls_period).toBe(blind.bls_period);
    expect(f.bls_snr).toBe(blind.bls_snr);
    expect(blind.cat_bls_period).toBeUndefined();
    expect(Math.abs((f.cat_bls_period as number) / period - 1)).toBeLessThan(0.005);
    expect(f.cat_bls_period as number).toBeGreaterThanOrEqual(period * 0.95);
    expect(f.cat_bls_period as number).toBeLessThanOrEqual(period * 1.05);
  });

  it('masks the found transits and searches again when asked for more signals', async () => {
    const [, fileName, period] = SECTOR1_PLANETS[0];
    const f = (await analyzeFiles([file(fileName)], { ...DEFAULT_SEARCH_SETTINGS, maxSignals: 2 }, engine)).features;
    expect(Math.abs((f.bls_period as number) / period - 1)).toBeLessThan(0.005);
    // WASP-126 has one known transiting planet: with its transits masked, what is left is noise.
    expect(f.bls2_period).toBeGreaterThan(0);
    expect(Math.abs((f.bls2_period as number) / period - 1)).toBeGreaterThan(0.01);
    expect(f.bls2_snr as number).toBeLessThan((f.bls_snr as number) / 5);
    expect(f.bls3_period).toBeUndefined();
  });

  it('gives the quiet K2 star (EPIC 211495446, no known planet) a low SNR', async () => {
    const f = (await analyzeFiles([file('ktwo211495446-c05_llc.fits')], DEFAULT_SEARCH_SETTINGS, engine)).features;
    // The four planets above have SNR 98-170 (docs/features.md); the best box in this star's noise has about 16.
    expect(f.bls_snr as number).toBeLessThan(20);
    expect(f.mission).toBe('K2');
    expect(f.author).toBe('K2');
    expect(f.segments).toBe('C5');
    expect(f.campaigns).toBe('5');
  });

  it('finds WASP-126 b in the older tess-data-alerts release of the same sector too', async () => {
    const result = await analyzeFiles([file('hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits')], DEFAULT_SEARCH_SETTINGS, engine);
    expect(Math.abs((result.features.bls_period as number) / 3.2887898 - 1)).toBeLessThan(0.01);
    // Transit depth: the fixtures README measured 6900-7300 ppm for this planet.
    expect(result.features.bls_depth as number).toBeGreaterThan(0.005);
    expect(result.features.bls_depth as number).toBeLessThan(0.009);
  });

  it('stitches the three Kepler-90 quarters and searches them as one light curve', async () => {
    const names = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];
    const result = await analyzeFiles(names.map(file), DEFAULT_SEARCH_SETTINGS, engine);
    expect(result.status).toBe('ok');
    expect(result.features.segments).toBe('Q3 Q4 Q5');
    expect(result.features.quarters).toBe('3 4 5');
    expect(result.features.sectors).toBeUndefined();
    expect(result.features.n_files).toBe(3);
    expect(result.features.baseline_days as number).toBeGreaterThan(270);
    expect(result.features.n_points as number).toBeGreaterThan(9000);
    expect(result.features.mission).toBe('Kepler');
    expect(result.features.cadence_minutes as number).toBeCloseTo(29.4, 1);
  });

  it('finds Kepler-90 d (four transits in Q3-Q5) blind among three signals, behind the single deep transits', async () => {
    const names = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];
    const f = (await analyzeFiles(names.map(file), { ...DEFAULT_SEARCH_SETTINGS, maxSignals: 3 }, engine)).features;
    // KOI table: Kepler-90 d (K00351.03) P = 59.7371443 d. Planets h and g show one transit each here,
    // so no period of theirs can be recovered; their single deep transits come first.
    const periods = [f.bls_period, f.bls2_period, f.bls3_period] as number[];
    const d = periods.findIndex((p) => Math.abs(p / 59.7371443 - 1) < 0.005);
    expect(d, `signals at ${periods.join(', ')} d`).toBeGreaterThanOrEqual(0);
    expect([f.bls_snr, f.bls2_snr, f.bls3_snr][d] as number).toBeGreaterThan(7);
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
    for (const [, fileName, period] of SECTOR1_PLANETS) {
      const f = (await analyzeFiles([file(fileName)], astropy, engine)).features;
      expect(Math.abs((f.bls_period as number) / period - 1), fileName).toBeLessThan(0.005);
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
