import type { FitsHeader } from './header.ts';
import { fitsInvalid, type HduPlace } from './errors.ts';

/** A mandatory integer keyword (NAXISn, BITPIX, TFIELDS, ...); anything else is structural damage. */
export function requireInt(header: FitsHeader, key: string, place: HduPlace, min = 0): number {
  const value = header.get(key);
  if (value === undefined) throw fitsInvalid(place, `has no ${key} keyword`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw fitsInvalid(place, `has ${key} = ${JSON.stringify(value)}, expected an integer ≥ ${min}`);
  }
  return value;
}

/** An optional integer keyword with a default (PCOUNT, GCOUNT). */
export function optionalInt(header: FitsHeader, key: string, place: HduPlace, fallback: number, min = 0): number {
  return header.has(key) ? requireInt(header, key, place, min) : fallback;
}

/** A number or null when the keyword is absent, undefined-valued or not numeric. */
export function numberOrNull(header: FitsHeader, key: string): number | null {
  const value = header.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A trimmed string or null when absent, empty or not a string. */
export function stringOrNull(header: FitsHeader, key: string): string | null {
  const value = header.get(key);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  return s === '' ? null : s;
}
