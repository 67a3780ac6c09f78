/**
 * BINTABLE column layout from TTYPEn/TFORMn/TDIMn/TSCALn/TZEROn/TNULLn (FITS Standard 4.0 §7.3).
 * Offsets come from the TFORMs, never from a known layout, so HLSPs with other columns work.
 */
import type { FitsHeader } from './header.ts';
import { fitsInvalid, type HduPlace } from './errors.ts';
import { numberOrNull, requireInt, stringOrNull } from './keywords.ts';

/** TFORM type codes (Table 18): logical, bit, byte, int16, int32, int64, char, float32, float64, complex, descriptors. */
export type ColumnCode = 'L' | 'X' | 'B' | 'I' | 'J' | 'K' | 'A' | 'E' | 'D' | 'C' | 'M' | 'P' | 'Q';

export interface FitsColumn {
  /** 1-based column number (the n of TTYPEn). */
  number: number;
  /** TTYPEn, or `COLn` when absent. */
  name: string;
  code: ColumnCode;
  /** Elements per row (bits for X, characters for A). */
  repeat: number;
  /** Byte offset inside a row and bytes per row. */
  offset: number;
  width: number;
  /** TDIMn as written (fastest-varying axis first), or null. */
  dims: number[] | null;
  unit: string | null;
  /** TSCALn and TZEROn (1 and 0 when absent); physical = zero + scale · stored. */
  scale: number;
  zero: number;
  /** TNULLn for integer columns, or null. */
  nullValue: number | null;
}

const ELEMENT_BYTES: Record<ColumnCode, number> = { L: 1, X: 0, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };

const TFORM_RE = /^(\d*)([LXBIJKAEDCMPQ])(.*)$/;

export function parseColumns(header: FitsHeader, place: HduPlace, rowBytes: number): FitsColumn[] {
  const count = requireInt(header, 'TFIELDS', place);
  if (count > 999) throw fitsInvalid(place, `has TFIELDS = ${count}, more than the 999 allowed`);
  const columns: FitsColumn[] = [];
  let offset = 0;
  for (let n = 1; n <= count; n++) {
    const column = parseColumn(header, place, n, offset);
    columns.push(column);
    offset += column.width;
  }
  if (offset !== rowBytes) {
    throw fitsInvalid(place, `has columns that add up to ${offset} bytes per row but NAXIS1 = ${rowBytes}`);
  }
  return columns;
}

function parseColumn(header: FitsHeader, place: HduPlace, n: number, offset: number): FitsColumn {
  const name = stringOrNull(header, `TTYPE${n}`) ?? `COL${n}`;
  const tform = header.get(`TFORM${n}`);
  const match = typeof tform === 'string' ? TFORM_RE.exec(tform.trim().toUpperCase()) : null;
  if (!match) {
    throw fitsInvalid(place, `column ${n} (${name}) has TFORM${n} = ${JSON.stringify(tform ?? null)}, which is not a valid binary-table format`);
  }
  const code = match[2] as ColumnCode;
  const repeat = match[1] === '' ? 1 : Number(match[1]);
  const width = code === 'X' ? Math.ceil(repeat / 8) : code === 'P' || code === 'Q' ? ELEMENT_BYTES[code] * Math.min(repeat, 1) : ELEMENT_BYTES[code] * repeat;
  const dims = parseDims(header.get(`TDIM${n}`), place, n, name, code === 'P' || code === 'Q' ? null : repeat);
  return {
    number: n,
    name,
    code,
    repeat,
    offset,
    width,
    dims,
    unit: stringOrNull(header, `TUNIT${n}`),
    scale: numberOrNull(header, `TSCAL${n}`) ?? 1,
    zero: numberOrNull(header, `TZERO${n}`) ?? 0,
    nullValue: numberOrNull(header, `TNULL${n}`),
  };
}

/** TDIMn = '(a,b,…)'; its product must equal the repeat count (§7.3.2). */
function parseDims(value: unknown, place: HduPlace, n: number, name: string, repeat: number | null): number[] | null {
  if (value === undefined || value === null) return null;
  const match = typeof value === 'string' ? /^\s*\(([\d\s,]+)\)\s*$/.exec(value) : null;
  const dims = match ? match[1].split(',').map((s) => Number(s.trim())) : [];
  if (!match || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw fitsInvalid(place, `column ${n} (${name}) has TDIM${n} = ${JSON.stringify(value)}, expected "(n,m,…)"`);
  }
  const product = dims.reduce((a, b) => a * b, 1);
  if (repeat !== null && product !== repeat) {
    throw fitsInvalid(place, `column ${n} (${name}) has TDIM${n} = ${value} (${product} elements) but its TFORM repeats ${repeat}`);
  }
  return dims;
}

/** Finds a column by TTYPE, ignoring case and trailing blanks as astropy does. */
export function findColumn(columns: readonly FitsColumn[], name: string): FitsColumn | undefined {
  const wanted = name.trim().toUpperCase();
  return columns.find((c) => c.name.toUpperCase() === wanted);
}
