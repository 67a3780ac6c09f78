/**
 * Reads BINTABLE columns into typed arrays. Data are big-endian (FITS Standard §5), so every
 * element goes through a DataView. Vector columns (repeat > 1, shape in TDIMn) come back
 * flattened row by row: element k of row r is at r · repeat + k.
 */
import { fitsInvalid } from './errors.ts';
import { findColumn, type FitsColumn } from './columns.ts';
import type { FitsFile, FitsHdu } from './read.ts';

export type ColumnArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

type Getter = (view: DataView, at: number) => number;

const GETTERS: Partial<Record<FitsColumn['code'], Getter>> = {
  B: (v, at) => v.getUint8(at),
  I: (v, at) => v.getInt16(at),
  J: (v, at) => v.getInt32(at),
  // int64 as a double: exact up to 2^53, which covers cadence numbers and ids in light curves.
  K: (v, at) => Number(v.getBigInt64(at)),
  E: (v, at) => v.getFloat32(at),
  D: (v, at) => v.getFloat64(at),
  L: (v, at) => (v.getUint8(at) === 0x54 ? 1 : 0), // 'T' = 1; 'F' and null (0) = 0
};

const RAW_ARRAYS: Partial<Record<FitsColumn['code'], new (n: number) => ColumnArray>> = {
  B: Uint8Array,
  I: Int16Array,
  J: Int32Array,
  K: Float64Array,
  E: Float32Array,
  D: Float64Array,
  L: Uint8Array,
};

/**
 * The unsigned-integer conventions (§5.2.5, Table 19): a TZERO that shifts a signed type onto the
 * unsigned range with TSCAL = 1 gives an exact integer array instead of doubles.
 */
const UNSIGNED: Partial<Record<FitsColumn['code'], { zero: number; array: new (n: number) => ColumnArray }>> = {
  B: { zero: -128, array: Int8Array },
  I: { zero: 32768, array: Uint16Array },
  J: { zero: 2147483648, array: Uint32Array },
};

/** The column's place for error messages. */
function placeOf(file: FitsFile, hdu: FitsHdu) {
  return { fileName: file.fileName, index: hdu.index, name: hdu.name };
}

export function getColumn(file: FitsFile, hdu: FitsHdu, name: string): FitsColumn {
  if (hdu.kind !== 'bintable') throw fitsInvalid(placeOf(file, hdu), `is not a binary table, so it has no column ${name}`);
  const column = findColumn(hdu.columns, name);
  if (!column) {
    const known = hdu.columns.map((c) => c.name).join(', ');
    throw fitsInvalid(placeOf(file, hdu), `has no column ${name} (columns: ${known})`);
  }
  return column;
}

export function hasColumn(hdu: FitsHdu, name: string): boolean {
  return hdu.kind === 'bintable' && findColumn(hdu.columns, name) !== undefined;
}

/**
 * A numeric column (L, X, B, I, J, K, E, D). TSCALn/TZEROn are applied when present, giving a
 * Float64Array in which TNULLn values become NaN; X columns give one 0/1 byte per bit.
 */
export function readColumn(file: FitsFile, hdu: FitsHdu, name: string): ColumnArray {
  const column = getColumn(file, hdu, name);
  if (column.code === 'X') return readBits(file, hdu, column);
  const getter = GETTERS[column.code];
  const Raw = RAW_ARRAYS[column.code];
  if (!getter || !Raw) {
    throw fitsInvalid(placeOf(file, hdu), `column ${column.name} has TFORM code ${column.code}, which is not a numeric column this reader supports`);
  }
  const size = column.code === 'L' ? 1 : column.width / Math.max(column.repeat, 1);
  const scaled = column.code !== 'L' && (column.scale !== 1 || column.zero !== 0);
  const unsigned = UNSIGNED[column.code];
  const exactUnsigned = scaled && unsigned !== undefined && column.scale === 1 && column.zero === unsigned.zero;
  const out = exactUnsigned ? new unsigned.array(hdu.rows * column.repeat) : scaled ? new Float64Array(hdu.rows * column.repeat) : new Raw(hdu.rows * column.repeat);
  const isInteger = 'BIJK'.includes(column.code);
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
  let i = 0;
  for (let r = 0; r < hdu.rows; r++) {
    let at = hdu.dataOffset + r * hdu.rowBytes + column.offset;
    for (let k = 0; k < column.repeat; k++, at += size) {
      const stored = getter(view, at);
      if (!scaled) out[i++] = stored;
      else if (exactUnsigned) out[i++] = stored + column.zero;
      else if (isInteger && stored === column.nullValue) out[i++] = Number.NaN;
      else out[i++] = column.zero + column.scale * stored;
    }
  }
  return out;
}

function readBits(file: FitsFile, hdu: FitsHdu, column: FitsColumn): Uint8Array {
  const out = new Uint8Array(hdu.rows * column.repeat);
  const bytes = file.bytes;
  let i = 0;
  for (let r = 0; r < hdu.rows; r++) {
    const at = hdu.dataOffset + r * hdu.rowBytes + column.offset;
    // Bits fill each byte from the most significant end (§7.3.3.1).
    for (let k = 0; k < column.repeat; k++) out[i++] = (bytes[at + (k >> 3)] >> (7 - (k & 7))) & 1;
  }
  return out;
}

/** A character column (rA): one string per row, trailing blanks and NULs removed. */
export function readStrings(file: FitsFile, hdu: FitsHdu, name: string): string[] {
  const column = getColumn(file, hdu, name);
  if (column.code !== 'A') throw fitsInvalid(placeOf(file, hdu), `column ${column.name} has TFORM code ${column.code}, not A (characters)`);
  const out: string[] = [];
  for (let r = 0; r < hdu.rows; r++) {
    const at = hdu.dataOffset + r * hdu.rowBytes + column.offset;
    const chars = file.bytes.subarray(at, at + column.repeat);
    const end = chars.indexOf(0);
    out.push(String.fromCharCode(...(end >= 0 ? chars.subarray(0, end) : chars)).trimEnd());
  }
  return out;
}
