import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { analyzeFiles, type LightCurveFile } from '../../src/lib/search/analyze.ts';
import type { BlsEngine } from '../../src/lib/search/bls-types.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';

function file(name: string): LightCurveFile {
  const bytes = readFileSync(path.join(LIGHTCURVES, name));
  return { name, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

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

  it.each(SECTOR1_PLANETS)('finds %s at its catalogue period', (_name, fileName, period) => {
    const result = analyzeFiles([file(fileName)], DEFAULT_SEARCH_SETTINGS, engine);
    expect(result.status).toBe('ok');
    const f = result.features;
    expect(Math.abs((f.bls_period as number) / period - 1)).toBeLessThan(0.01);
    expect(f.bls_snr as number).toBeGreaterThan(20);
    expect(f.segments).toBe('S1');
    expect(f.bls_t0_bjd as number).toBeCloseTo((f.bls_t0 as number) + 2457000, 9);
    expect(result.kernelVersion).toMatch(/^[0-9a-f]{16}$/);
  });

  it('finds WASP-126 b in the older tess-data-alerts release of the same sector too', () => {
    const result = analyzeFiles([file('hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits')], DEFAULT_SEARCH_SETTINGS, engine);
    expect(Math.abs((result.features.bls_period as number) / 3.2887898 - 1)).toBeLessThan(0.01);
    // Transit depth: the fixtures README measured 6900-7300 ppm for this planet.
    expect(result.features.bls_depth as number).toBeGreaterThan(0.005);
    expect(result.features.bls_depth as number).toBeLessThan(0.009);
  });

  it('stitches the three Kepler-90 quarters and searches them as one light curve', () => {
    const names = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];
    const result = analyzeFiles(names.map(file), DEFAULT_SEARCH_SETTINGS, engine);
    expect(result.status).toBe('ok');
    expect(result.features.segments).toBe('Q3 Q4 Q5');
    expect(result.features.n_files).toBe(3);
    expect(result.features.baseline_days as number).toBeGreaterThan(270);
    expect(result.features.n_points as number).toBeGreaterThan(9000);
  });

  it('refuses a grid larger than the limit before searching, saying what to change', () => {
    const settings = { ...DEFAULT_SEARCH_SETTINGS, maxPeriods: 1000 };
    expect(() => analyzeFiles([file(SECTOR1_PLANETS[0][1])], settings, engine)).toThrow(/period grid would have [\d,]+ periods.*raise the frequency factor/);
  });

  it('reports a truncated file as invalid FITS, never as data', () => {
    expect(() => analyzeFiles([file('test-lc-tess-pimen-corrupted.fits')], DEFAULT_SEARCH_SETTINGS, engine)).toThrow(
      expect.objectContaining({ name: 'fits-invalid' }),
    );
  });

  it('refuses a light curve too short to search', () => {
    expect(() => analyzeFiles([file('test-lc-tess-pimen-100-cadences.fits')], DEFAULT_SEARCH_SETTINGS, engine)).toThrow(
      expect.objectContaining({ name: 'too-few-points' }),
    );
  });
});
