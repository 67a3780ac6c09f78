/**
 * Every real light-curve file in the shared fixtures, checked against the facts the fixtures README
 * states (row counts, TIME ranges, NaN and quality percentages, header values), which were measured
 * there with astropy 5.2.1 — not with this reader.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { mulberry32 } from '../helpers/random.ts';
import { readFits, readColumn, type FitsFile } from '../../src/lib/fits/index.ts';
import { AppError } from '../../src/lib/errors.ts';

const load = (name: string) => readFileSync(path.join(LIGHTCURVES, name));

interface Facts {
  file: string;
  object: string;
  segment: [key: 'SECTOR' | 'QUARTER' | 'CAMPAIGN', value: number];
  rows: number;
  timeRange: [number, number];
  /** Percentages of rows with NaN PDCSAP_FLUX and with non-zero quality, as the README rounds them. */
  nanPct: number;
  qualityPct: number;
  /** The README gives one rounded percentage for the four SPOC S1 files together; one of them is at 9.87%. */
  pctTolerance?: number;
}

const KEPLER = { bjdRefI: 2454833, timedel: 0.02043359821692, quality: 'SAP_QUALITY' };
const TESS = { bjdRefI: 2457000, timedel: 0.001388888888888889, quality: 'QUALITY' };

const SPOC_S1 = (tic: number): Facts => ({
  file: `tess2018206045859-s0001-${String(tic).padStart(16, '0')}-0120-s_lc.fits`,
  object: `TIC ${tic}`,
  segment: ['SECTOR', 1],
  rows: 20076,
  timeRange: [1325.29, 1353.18],
  nanPct: 9.8,
  qualityPct: 9.8,
  pctTolerance: 0.1,
});

const FILES: Array<Facts & { kind: typeof KEPLER }> = [
  { ...KEPLER, file: 'kplr011442793-2009350155506_llc.fits', object: 'KIC 11442793', segment: ['QUARTER', 3], rows: 4370, timeRange: [260.22, 349.5], nanPct: 5.4, qualityPct: 12.2, kind: KEPLER },
  { ...KEPLER, file: 'kplr011442793-2010009091648_llc.fits', object: 'KIC 11442793', segment: ['QUARTER', 4], rows: 1021, timeRange: [352.38, 373.22], nanPct: 1.3, qualityPct: 6.4, kind: KEPLER },
  { ...KEPLER, file: 'kplr011442793-2010174085026_llc.fits', object: 'KIC 11442793', segment: ['QUARTER', 5], rows: 4634, timeRange: [443.49, 538.16], nanPct: 3.2, qualityPct: 8.9, kind: KEPLER },
  { file: 'ktwo211436265-c05_llc.fits', object: 'EPIC 211436265', segment: ['CAMPAIGN', 5], rows: 3663, timeRange: [2306.61, 2381.43], nanPct: 5.8, qualityPct: 11.2, kind: KEPLER },
  { file: 'ktwo211495446-c05_llc.fits', object: 'EPIC 211495446', segment: ['CAMPAIGN', 5], rows: 3663, timeRange: [2306.61, 2381.43], nanPct: 6.0, qualityPct: 9.0, kind: KEPLER },
  { file: 'ktwo211719918-c05_llc.fits', object: 'EPIC 211719918', segment: ['CAMPAIGN', 5], rows: 3663, timeRange: [2306.61, 2381.43], nanPct: 5.7, qualityPct: 8.6, kind: KEPLER },
  { file: 'hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits', object: 'TIC 25155310', segment: ['SECTOR', 1], rows: 20076, timeRange: [1325.3, 1353.18], nanPct: 0.0, qualityPct: 5.8, kind: TESS },
  { file: 'hlsp_tess-data-alerts_tess_phot_00055652896-s01_tess_v1_lc.fits', object: 'TIC 55652896', segment: ['SECTOR', 1], rows: 20076, timeRange: [1325.29, 1353.18], nanPct: 9.8, qualityPct: 9.8, kind: TESS },
  { file: 'tic55525572_lc.fits', object: 'TIC 55525572', segment: ['SECTOR', 5], rows: 18944, timeRange: [1437.98, 1464.29], nanPct: 5.6, qualityPct: 6.9, kind: TESS },
  { file: 'test-lc-tess-pimen-100-cadences.fits', object: 'TIC 261136679', segment: ['SECTOR', 1], rows: 100, timeRange: [1325.2956, 1325.4331], nanPct: 1.0, qualityPct: 1.0, kind: TESS },
  ...[25155310, 38846515, 231663901, 281459670].map((tic) => ({ ...SPOC_S1(tic), kind: TESS })),
];

function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}

const percent = (count: number, total: number) => Math.round((1000 * count) / total) / 10;

function count(values: ArrayLike<number>, test: (v: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (test(values[i])) n++;
  return n;
}

function expectInvalid(fn: () => unknown, ...fragments: string[]): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  const err = caught as AppError;
  expect(err.name).toBe('fits-invalid');
  for (const f of fragments) expect(err.message).toContain(f);
  return err;
}

describe.each(FILES)('$file', (facts) => {
  const file: FitsFile = readFits(load(facts.file), facts.file);
  const table = file.hdus[1];

  it('has PRIMARY, LIGHTCURVE (20 columns, 100-byte rows) and APERTURE', () => {
    expect(file.hdus.map((h) => [h.kind, h.name])).toEqual([
      ['primary', 'PRIMARY'],
      ['bintable', 'LIGHTCURVE'],
      ['image', 'APERTURE'],
    ]);
    expect(table.columns).toHaveLength(20);
    expect(table.rowBytes).toBe(100);
    expect(table.rows).toBe(facts.rows);
    expect(table.columns.map((c) => `${c.name}:${c.code}`).slice(0, 10)).toEqual([
      'TIME:D', 'TIMECORR:E', 'CADENCENO:J', 'SAP_FLUX:E', 'SAP_FLUX_ERR:E', 'SAP_BKG:E', 'SAP_BKG_ERR:E', 'PDCSAP_FLUX:E', 'PDCSAP_FLUX_ERR:E', `${facts.kind.quality}:J`,
    ]);
  });

  it('has the header values the README lists', () => {
    const primary = file.hdus[0].header;
    expect(primary.get('OBJECT')).toBe(facts.object);
    expect(primary.get(facts.segment[0])).toBe(facts.segment[1]);
    expect(table.header.get('BJDREFI')).toBe(facts.kind.bjdRefI);
    expect(table.header.get('BJDREFF')).toBe(0);
    expect(table.header.get('TIMEDEL')).toBe(facts.kind.timedel);
  });

  it('has the README TIME range and NaN / quality percentages', () => {
    const time = readColumn(file, table, 'TIME');
    const [lo, hi] = finiteRange(time);
    const digits = facts.rows === 100 ? 4 : 2;
    expect(Math.abs(lo - facts.timeRange[0])).toBeLessThanOrEqual(10 ** -digits);
    expect(Math.abs(hi - facts.timeRange[1])).toBeLessThanOrEqual(10 ** -digits);
    const flux = readColumn(file, table, 'PDCSAP_FLUX');
    expect(flux).toBeInstanceOf(Float32Array);
    const tolerance = (facts.pctTolerance ?? 0) + 1e-9;
    expect(Math.abs(percent(count(flux, Number.isNaN), facts.rows) - facts.nanPct)).toBeLessThanOrEqual(tolerance);
    const flagged = count(readColumn(file, table, facts.kind.quality), (q) => q !== 0);
    expect(Math.abs(percent(flagged, facts.rows) - facts.qualityPct)).toBeLessThanOrEqual(tolerance);
    if (facts.pctTolerance) expect(percent(count(time, Number.isNaN), facts.rows)).toBe(4.1); // README: 4.1% NaN TIME
  });
});

describe('row-level facts', () => {
  it('WASP-126 tess-data-alerts: gaps are flux 0 (1953 rows), 814 of them with NaN TIME and QUALITY 0', () => {
    const name = 'hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits';
    const file = readFits(load(name), name);
    const hdu = file.hdus[1];
    const time = readColumn(file, hdu, 'TIME');
    const flux = readColumn(file, hdu, 'PDCSAP_FLUX');
    const quality = readColumn(file, hdu, 'QUALITY');
    expect(count(flux, (f) => f === 0)).toBe(1953);
    let nanTimeZeroFluxGoodQuality = 0;
    for (let i = 0; i < time.length; i++) if (Number.isNaN(time[i]) && flux[i] === 0 && quality[i] === 0) nanTimeZeroFluxGoodQuality++;
    expect(nanTimeZeroFluxGoodQuality).toBe(814);
  });

  it('SPOC S1 WASP-126: 815 NaN TIME rows with QUALITY 136, 1972 NaN PDCSAP rows, first row TIME 1325.29526 (mast-and-formats §4.2)', () => {
    const name = 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits';
    const file = readFits(load(name), name);
    const hdu = file.hdus[1];
    const time = readColumn(file, hdu, 'TIME');
    const quality = readColumn(file, hdu, 'QUALITY');
    expect(count(time, Number.isNaN)).toBe(815);
    for (let i = 0; i < time.length; i++) if (Number.isNaN(time[i])) expect(quality[i]).toBe(136);
    expect(count(readColumn(file, hdu, 'PDCSAP_FLUX'), Number.isNaN)).toBe(1972);
    expect(time[0]).toBeCloseTo(1325.29526, 5);
    expect(quality[0]).toBe(8);
  });

  it('eleanor lite: primary EXTNAME PIXELS, unnamed tables, undefined TICID, 13-element vector columns with TDIM', () => {
    const name = 'test-lc-tess-pimen_s1_eleanor_lite-100-cadences.fits';
    const file = readFits(load(name), name);
    expect(file.hdus.map((h) => [h.kind, h.name])).toEqual([
      ['primary', 'PIXELS'],
      ['bintable', null],
      ['bintable', null],
    ]);
    const primary = file.hdus[0].header;
    expect(primary.get('OBJECT')).toBe('');
    expect(primary.has('TICID')).toBe(true);
    expect(primary.get('TICID')).toBeNull();
    expect(file.hdus[1].rows).toBe(100);
    expect(file.hdus[1].columns.map((c) => c.name)).toEqual([
      'TIME', 'BARYCORR', 'RAW_FLUX', 'CORR_FLUX', 'FLUX_ERR', 'QUALITY', 'X_CENTROID', 'Y_CENTROID', 'X_COM', 'Y_COM', 'FLUX_BKG', 'FFIINDEX', 'PCA_FLUX', 'PSF_FLUX',
    ]);
    const vectors = file.hdus[2].columns.filter((c) => c.repeat === 13);
    expect(vectors.length).toBeGreaterThan(0);
    for (const c of vectors) {
      expect(['D', 'E']).toContain(c.code);
      expect(c.dims?.reduce((a, b) => a * b, 1)).toBe(13);
      expect(readColumn(file, file.hdus[2], c.name)).toHaveLength(13 * file.hdus[2].rows);
    }
  });
});

describe('broken files', () => {
  it('test-lc-tess-pimen-corrupted.fits: table data cut short', () => {
    const name = 'test-lc-tess-pimen-corrupted.fits';
    expectInvalid(() => readFits(load(name), name), `${name}: HDU 1 (LIGHTCURVE) declares 100 rows of 100 bytes but the file ends`, 'truncated');
  });

  it('test-lc-tess-pimen-corrupted-at-header.fits: extension header cut short', () => {
    const name = 'test-lc-tess-pimen-corrupted-at-header.fits';
    expectInvalid(() => readFits(load(name), name), `${name}: HDU 1 header is cut off after 240 bytes with no END card`, 'truncated');
  });

  it('test-lc-tess-pimen-corrupted-at-header2.fits: primary header cut short', () => {
    const name = 'test-lc-tess-pimen-corrupted-at-header2.fits';
    expectInvalid(() => readFits(load(name), name), `${name}: HDU 0 header is cut off after 600 bytes`, 'truncated');
  });

  describe('a good file truncated in memory', () => {
    const name = 'kplr011442793-2010009091648_llc.fits';
    const bytes = new Uint8Array(load(name));
    const whole = readFits(bytes, name);
    const table = whole.hdus[1];
    const aperture = whole.hdus[2];
    const cut = (n: number) => () => readFits(bytes.subarray(0, n), name);

    it('inside the primary header', () => expectInvalid(cut(1000), 'HDU 0', 'no END card'));
    it('inside the LIGHTCURVE header', () => expectInvalid(cut(table.dataOffset - 100), 'HDU 1', 'no END card'));
    it('mid-table', () => {
      const err = expectInvalid(cut(table.dataOffset + 50 * 100 + 17), 'HDU 1 (LIGHTCURVE) declares 1021 rows of 100 bytes');
      expect(err.details.missingBytes).toBe(1021 * 100 - 50 * 100 - 17);
    });
    it('one byte before the end of the table', () => expectInvalid(cut(table.dataOffset + table.dataBytes - 1), 'ends 1 bytes early'));
    it('exactly between HDUs, which NEXTEND gives away', () => {
      const tableEnd = table.dataOffset + Math.ceil(table.dataBytes / 2880) * 2880;
      expectInvalid(cut(tableEnd), 'HDU 2', 'NEXTEND = 2');
    });
    it('at any of 200 seeded random points before the last data byte', () => {
      const random = mulberry32(20240611);
      const end = aperture.dataOffset + aperture.dataBytes;
      for (let k = 0; k < 200; k++) {
        const n = Math.floor(random() * end);
        expect(cut(n), `cut at ${n}`).toThrow(AppError);
      }
    });
    it('but not when only the padding after the last HDU is missing', () => {
      expect(readFits(bytes.subarray(0, aperture.dataOffset + aperture.dataBytes), name).hdus).toHaveLength(3);
    });
  });
});
