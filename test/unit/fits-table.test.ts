import { describe, it, expect } from 'vitest';
import { readFits, readColumn, readStrings } from '../../src/lib/fits/index.ts';
import { AppError } from '../../src/lib/errors.ts';
import { fitsFile, headerBytes, kv } from '../helpers/fits-writer.ts';

const PRIMARY = headerBytes([kv('SIMPLE', true), kv('BITPIX', 8), kv('NAXIS', 0), kv('EXTEND', true)]);

/**
 * A two-row table with one column of every supported kind. Row layout (bytes):
 * FLAG 1L @0, BITS 10X @1 (2 bytes), BYTE 1B @3, SCALED 1I @4, USHORT 1I @6, NULLED 1J @8,
 * LONG 1K @12, VEC 6E @20 (24 bytes), DBL 1D @44, NAME 4A @52 → 56 bytes.
 */
const COLUMNS: Array<[string, string, Array<[string, string | number]>]> = [
  ['FLAG', '1L', []],
  ['BITS', '10X', []],
  ['BYTE', 'B', []],
  ['SCALED', '1I', [['TSCAL', 0.5], ['TZERO', 10]]],
  ['USHORT', '1I', [['TZERO', 32768]]],
  ['NULLED', '1J', [['TSCAL', 2], ['TNULL', -1]]],
  ['LONG', '1K', []],
  ['VEC', '6E', [['TDIM', '(3,2)']]],
  ['DBL', '1D', []],
  ['NAME', '4A', []],
];
const ROW = 56;

function tableHeader(rows: number, overrides: Record<string, string | number> = {}): Uint8Array {
  const cards = [kv('XTENSION', 'BINTABLE'), kv('BITPIX', 8), kv('NAXIS', 2), kv('NAXIS1', ROW), kv('NAXIS2', rows), kv('PCOUNT', 0), kv('GCOUNT', 1), kv('TFIELDS', COLUMNS.length)];
  COLUMNS.forEach(([name, form, extra], i) => {
    const n = i + 1;
    cards.push(kv(`TTYPE${n}`, name), kv(`TFORM${n}`, overrides[`TFORM${n}`] ?? form));
    for (const [key, value] of extra) cards.push(kv(`${key}${n}`, overrides[`${key}${n}`] ?? value));
  });
  cards.push(kv('EXTNAME', 'TESTTAB'));
  return headerBytes(cards);
}

function tableData(): Uint8Array {
  const data = new Uint8Array(2 * ROW);
  const v = new DataView(data.buffer);
  const rows = [
    { flag: 'T', bits: [0b10110000, 0b01000000], byte: 200, scaled: -4, ushort: -32768, nulled: 21, long: 2n ** 40n + 3n, vec: [1, 2, 3, 4, 5, 6], dbl: 1325.5, name: 'ab' },
    { flag: 'F', bits: [0b00000001, 0b11000000], byte: 7, scaled: 6, ushort: 32767, nulled: -1, long: -5n, vec: [-1.5, 0, 0.25, 8, 16, 32], dbl: -0.125, name: 'wxyz' },
  ];
  rows.forEach((r, i) => {
    const o = i * ROW;
    v.setUint8(o, r.flag.charCodeAt(0));
    v.setUint8(o + 1, r.bits[0]);
    v.setUint8(o + 2, r.bits[1]);
    v.setUint8(o + 3, r.byte);
    v.setInt16(o + 4, r.scaled);
    v.setInt16(o + 6, r.ushort);
    v.setInt32(o + 8, r.nulled);
    v.setBigInt64(o + 12, r.long);
    r.vec.forEach((x, k) => v.setFloat32(o + 20 + 4 * k, x));
    v.setFloat64(o + 44, r.dbl);
    for (let k = 0; k < 4; k++) v.setUint8(o + 52 + k, k < r.name.length ? r.name.charCodeAt(k) : 0x20);
  });
  return data;
}

function expectInvalid(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).name).toBe('fits-invalid');
    for (const f of fragments) expect((err as AppError).message).toContain(f);
    return;
  }
  throw new Error('expected fits-invalid, nothing was thrown');
}

describe('binary table columns', () => {
  const file = readFits(fitsFile(PRIMARY, tableHeader(2), tableData()), 'synthetic.fits');
  const hdu = file.hdus[1];

  it('walks the HDUs and lays out the columns from TFORM', () => {
    expect(file.hdus.map((h) => h.kind)).toEqual(['primary', 'bintable']);
    expect(hdu.name).toBe('TESTTAB');
    expect(hdu.dataOffset).toBe(5760);
    expect(hdu.dataBytes).toBe(112);
    expect(hdu.columns.map((c) => c.offset)).toEqual([0, 1, 3, 4, 6, 8, 12, 20, 44, 52]);
    expect(hdu.columns.find((c) => c.name === 'VEC')?.dims).toEqual([3, 2]);
  });

  it('reads logicals, bits, bytes, int64 and doubles', () => {
    expect(Array.from(readColumn(file, hdu, 'FLAG'))).toEqual([1, 0]);
    expect(Array.from(readColumn(file, hdu, 'BITS'))).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(Array.from(readColumn(file, hdu, 'BYTE'))).toEqual([200, 7]);
    expect(Array.from(readColumn(file, hdu, 'LONG'))).toEqual([1099511627779, -5]);
    const dbl = readColumn(file, hdu, 'dbl'); // names match case-insensitively
    expect(dbl).toBeInstanceOf(Float64Array);
    expect(Array.from(dbl)).toEqual([1325.5, -0.125]);
  });

  it('applies TSCAL/TZERO, the unsigned convention and TNULL', () => {
    expect(Array.from(readColumn(file, hdu, 'SCALED'))).toEqual([8, 13]);
    const ushort = readColumn(file, hdu, 'USHORT');
    expect(ushort).toBeInstanceOf(Uint16Array);
    expect(Array.from(ushort)).toEqual([0, 65535]);
    expect(Array.from(readColumn(file, hdu, 'NULLED'))).toEqual([42, Number.NaN]);
  });

  it('flattens vector columns row by row and reads character columns', () => {
    expect(Array.from(readColumn(file, hdu, 'VEC'))).toEqual([1, 2, 3, 4, 5, 6, -1.5, 0, 0.25, 8, 16, 32]);
    expect(readStrings(file, hdu, 'NAME')).toEqual(['ab', 'wxyz']);
  });

  it('refuses missing and non-numeric columns with the file, HDU and column in the message', () => {
    expectInvalid(() => readColumn(file, hdu, 'PDCSAP_FLUX'), 'synthetic.fits: HDU 1 (TESTTAB)', 'no column PDCSAP_FLUX', 'FLAG');
    expectInvalid(() => readColumn(file, hdu, 'NAME'), 'NAME', 'not a numeric column');
    expectInvalid(() => readColumn(file, file.hdus[0], 'TIME'), 'HDU 0', 'not a binary table');
  });
});

describe('structural problems', () => {
  it('refuses a bad TFORM, naming the column', () => {
    const bytes = fitsFile(PRIMARY, tableHeader(2, { TFORM3: '1Z' }), tableData());
    expectInvalid(() => readFits(bytes, 'bad.fits'), 'bad.fits: HDU 1 (TESTTAB)', 'column 3 (BYTE)', 'TFORM3 = "1Z"');
  });

  it('refuses columns that do not add up to NAXIS1', () => {
    const bytes = fitsFile(PRIMARY, tableHeader(2, { TFORM3: '2B' }), tableData());
    expectInvalid(() => readFits(bytes, 'wide.fits'), 'add up to 57 bytes per row but NAXIS1 = 56');
  });

  it('refuses a TDIM that disagrees with the repeat count', () => {
    const bytes = fitsFile(PRIMARY, tableHeader(2, { TDIM8: '(4,2)' }), tableData());
    expectInvalid(() => readFits(bytes, 'dims.fits'), 'column 8 (VEC)', 'TDIM8', 'repeats 6');
  });

  it('says what a non-FITS download is (an HTML error page, an empty body)', () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>503 Service Unavailable</body></html>');
    expectInvalid(() => readFits(html, 'page.fits'), 'page.fits: HDU 0', 'not a FITS file', '<!DOCTYPE html>');
    expectInvalid(() => readFits(new Uint8Array(0), 'empty.fits'), 'empty.fits', 'not a FITS file');
  });

  it('refuses a header with no END card and data shorter than declared', () => {
    const noEnd = new Uint8Array(2880).fill(0x20);
    noEnd.set(PRIMARY.subarray(0, 320));
    expectInvalid(() => readFits(noEnd, 'noend.fits'), 'noend.fits: HDU 0', 'no END card');
    const short = fitsFile(PRIMARY, tableHeader(3), tableData()); // 3 rows declared, 2 written, padding fills the rest
    expect(readFits(short, 'ok.fits').hdus[1].rows).toBe(3);
    const cut = fitsFile(PRIMARY, tableHeader(60), new Uint8Array(60 * ROW)).slice(0, 5760 + 2 * ROW);
    expectInvalid(() => readFits(cut, 'cut.fits'), 'cut.fits: HDU 1 (TESTTAB) declares 60 rows of 56 bytes but the file ends 3248 bytes early');
  });

  it('refuses garbage where the next extension should start, but not zero padding', () => {
    const file = fitsFile(PRIMARY, tableHeader(2), tableData());
    const zeros = new Uint8Array(file.length + 2880);
    zeros.set(file);
    expect(readFits(zeros, 'zeros.fits').hdus).toHaveLength(2);
    const junk = zeros.slice();
    junk.set(new TextEncoder().encode('GARBAGE!'), file.length);
    expectInvalid(() => readFits(junk, 'junk.fits'), 'junk.fits: HDU 2', 'should start with XTENSION', 'GARBAGE!');
  });
});
