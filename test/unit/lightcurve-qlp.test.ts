import { describe, expect, it } from 'vitest';
import { cleanLightCurve, readLightCurve } from '../../src/lib/lightcurve/index.ts';
import { binaryTable, fitsFile, headerBytes, kv } from '../helpers/fits-writer.ts';

/**
 * A file with QLP's layout (MAST HLSP product description, lightkurve's qlp reader): TESS primary,
 * a LIGHTCURVE table with TIME, SAP_FLUX, KSPSAP_FLUX, KSPSAP_FLUX_ERR and QUALITY. No QLP file is
 * among the shared fixtures, so this one is written here, with values chosen to be checked.
 */
function qlpFile(errColumn: 'KSPSAP_FLUX_ERR' | 'DET_FLUX_ERR', markerColumn: 'KSPSAP_FLUX' | 'DET_FLUX' | null = 'KSPSAP_FLUX'): Uint8Array {
  const n = 200;
  const time = Float64Array.from({ length: n }, (_, i) => 1325.3 + i / 48); // 30-min cadence
  const sap = Float64Array.from({ length: n }, (_, i) => 1000 + (i % 7));
  const primary = headerBytes([kv('SIMPLE', true), kv('BITPIX', 8), kv('NAXIS', 0), kv('EXTEND', true), kv('TELESCOP', 'TESS'), kv('SECTOR', 1), kv('TICID', 25155310), kv('ORIGIN', 'MIT/QLP')]);
  const columns = [
    { name: 'TIME', form: 'D' as const, values: time },
    { name: 'SAP_FLUX', form: 'E' as const, values: sap },
    ...(markerColumn ? [{ name: markerColumn, form: 'E' as const, values: new Float64Array(n).fill(1) }] : []),
    { name: errColumn, form: 'E' as const, values: new Float64Array(n).fill(0.5) },
    { name: 'QUALITY', form: 'J' as const, values: Int32Array.from({ length: n }, (_, i) => (i === 10 ? 1 : 0)) },
  ];
  const table = binaryTable(columns, [kv('EXTNAME', 'LIGHTCURVE'), kv('BJDREFI', 2457000), kv('BJDREFF', 0), kv('TIMEDEL', 1 / 48)]);
  return fitsFile(primary, table);
}

describe('QLP light curves (allowed in Settings › TESS pipelines)', () => {
  it('are read from SAP_FLUX with KSPSAP_FLUX_ERR, as lightkurve reads them', () => {
    const raw = readLightCurve(qlpFile('KSPSAP_FLUX_ERR'), 'hlsp_qlp_tess_ffi_s0001-0000000025155310_tess_v01_llc.fits');
    expect(raw).toMatchObject({ mission: 'TESS', targetId: 25155310, fluxColumn: 'SAP_FLUX', bjdRef: 2457000 });
    expect(raw.segment).toEqual({ kind: 'sector', number: 1 });
    expect(raw.flux[3]).toBe(1003);
    expect(raw.fluxErr?.[0]).toBe(0.5);
    const lc = cleanLightCurve(raw);
    // One cadence flagged (QUALITY 1 = attitude tweak, in the default mask); flux divided by its median, 1003.
    expect(lc.time.length).toBe(199);
    expect(lc.flux[3]).toBeCloseTo(1, 12);
  });

  it('take DET_FLUX_ERR in the later sectors', () => {
    const raw = readLightCurve(qlpFile('DET_FLUX_ERR', 'DET_FLUX'), 'later.fits');
    expect(raw.fluxColumn).toBe('SAP_FLUX');
    expect(raw.fluxErr?.[5]).toBe(0.5);
  });

  it('are told apart from a mission file without PDCSAP_FLUX, which is refused rather than read from SAP_FLUX', () => {
    expect(() => readLightCurve(qlpFile('KSPSAP_FLUX_ERR', null), 'not-qlp.fits')).toThrow(
      expect.objectContaining({ name: 'fits-invalid', message: expect.stringContaining('has neither PDCSAP_FLUX nor CORR_FLUX') }),
    );
  });
});
