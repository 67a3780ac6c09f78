/** Mission-aware loading of the real fixture files; expected values are the fixtures README's. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { caught } from '../helpers/fixtures.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { readLightCurve } from '../../src/lib/lightcurve/index.ts';
import { AppError } from '../../src/lib/errors.ts';

const read = (name: string) => readLightCurve(readFileSync(path.join(LIGHTCURVES, name)), name);


const CASES = [
  { file: 'kplr011442793-2009350155506_llc.fits', mission: 'Kepler', targetId: 11442793, segment: { kind: 'quarter', number: 3 }, bjdRef: 2454833, cadenceDays: 0.02043359821692, rows: 4370 },
  { file: 'ktwo211495446-c05_llc.fits', mission: 'K2', targetId: 211495446, segment: { kind: 'campaign', number: 5 }, bjdRef: 2454833, cadenceDays: 0.02043359821692, rows: 3663 },
  { file: 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits', mission: 'TESS', targetId: 25155310, segment: { kind: 'sector', number: 1 }, bjdRef: 2457000, cadenceDays: 0.001388888888888889, rows: 20076 },
  { file: 'tic55525572_lc.fits', mission: 'TESS', targetId: 55525572, segment: { kind: 'sector', number: 5 }, bjdRef: 2457000, cadenceDays: 0.001388888888888889, rows: 18944 },
] as const;

describe('readLightCurve', () => {
  it.each(CASES)('$file: mission, id, segment, time reference and cadence from the headers', (c) => {
    const raw = read(c.file);
    expect(raw.mission).toBe(c.mission);
    expect(raw.targetId).toBe(c.targetId);
    // OBJECT as the file writes it ('KIC 11442793', 'EPIC 211495446', 'TIC 25155310'), kept for the target view.
    expect(raw.object).toBe(`${{ Kepler: 'KIC', K2: 'EPIC', TESS: 'TIC' }[c.mission]} ${c.targetId}`);
    expect(raw.segment).toEqual(c.segment);
    expect(raw.bjdRef).toBe(c.bjdRef);
    expect(raw.cadenceDays).toBe(c.cadenceDays);
    expect(raw.fluxColumn).toBe('PDCSAP_FLUX');
    for (const column of [raw.time, raw.flux, raw.fluxErr!, raw.quality]) expect(column).toHaveLength(c.rows);
    expect(raw.time).toBeInstanceOf(Float64Array);
    expect(raw.flux).toBeInstanceOf(Float64Array);
  });

  it('reads SAP_QUALITY for Kepler (12.2% of Q3 rows flagged) and QUALITY for TESS (815 rows 136)', () => {
    const kepler = read('kplr011442793-2009350155506_llc.fits');
    expect(Math.round((1000 * kepler.quality.filter((q) => q !== 0).length) / 4370) / 10).toBe(12.2);
    const tess = read('tess2018206045859-s0001-0000000025155310-0120-s_lc.fits');
    expect(tess.quality.filter((q) => q === 136).length).toBeGreaterThanOrEqual(815);
  });

  it('reads the eleanor HLSP: CORR_FLUX, 30-min cadence, TIC from TIC_ID when TICID is undefined', () => {
    const raw = read('test-lc-tess-pimen_s1_eleanor_lite-100-cadences.fits');
    expect(raw.mission).toBe('TESS');
    expect(raw.fluxColumn).toBe('CORR_FLUX');
    expect(raw.targetId).toBe(261136679);
    expect(raw.segment).toEqual({ kind: 'sector', number: 1 });
    expect(raw.bjdRef).toBe(2457000);
    expect(raw.cadenceDays).toBeCloseTo(0.0208333333, 9);
    expect(raw.time).toHaveLength(100);
    expect(raw.fluxErr).not.toBeNull();
  });

  it('can be told to read another flux column', () => {
    const raw = readLightCurve(readFileSync(path.join(LIGHTCURVES, 'ktwo211495446-c05_llc.fits')), 'k2.fits', { fluxColumn: 'SAP_FLUX' });
    expect(raw.fluxColumn).toBe('SAP_FLUX');
    expect(raw.fluxErr).toHaveLength(3663);
  });

  it('turns a truncated download into fits-invalid naming the file', () => {
    const name = 'test-lc-tess-pimen-corrupted.fits';
    expect(() => read(name)).toThrow(AppError);
    expect(() => read(name)).toThrow(/test-lc-tess-pimen-corrupted\.fits: HDU 1 \(LIGHTCURVE\).*truncated/);
  });

  it('refuses a file whose table has no flux column, listing the columns it has', () => {
    const bytes = new Uint8Array(readFileSync(path.join(LIGHTCURVES, 'test-lc-tess-pimen-100-cadences.fits')));
    // Rename PDCSAP_FLUX in the header text: the same bytes, but a table without the flux column.
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf("'PDCSAP_FLUX'");
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode("'PDCSAP_FLUZ'"), at);
    const err = caught(() => readLightCurve(bytes, 'renamed.fits'));
    expect(err.name).toBe('fits-invalid');
    expect(err.message).toContain('renamed.fits: HDU 1 (LIGHTCURVE) has neither PDCSAP_FLUX nor CORR_FLUX');
    expect(err.message).toContain('PDCSAP_FLUZ');
  });
});
