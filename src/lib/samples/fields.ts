/** Value rules for sample-list columns. Each rule returns the value or throws a RowProblem. */

/** A row-level validation failure; its message already names the column and the rule. */
export class RowProblem extends Error {}

/** Kepler/K2 times are BKJD = BJD − 2454833 (Kepler Archive Manual, TIME column, BJDREFI). */
export const BKJD_OFFSET = 2454833;

/**
 * Earliest full BJD accepted as an epoch (1858-11-17). A smaller value is almost surely BTJD or
 * BKJD, and a search would fold at the wrong phase without saying so.
 */
const MIN_FULL_BJD = 2_400_000;

// Plain decimal notation only: Number() would also take '0x1f', 'Infinity' and whitespace.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Empty → undefined; otherwise a finite number, or a RowProblem naming the column. */
export function readNumber(column: string, raw: string | undefined): number | undefined {
  const s = raw?.trim() ?? '';
  if (s === '') return undefined;
  if (!DECIMAL.test(s)) throw new RowProblem(`column "${column}": "${s}" is not a number`);
  const x = Number(s);
  if (!Number.isFinite(x)) throw new RowProblem(`column "${column}": "${s}" is not a finite number`);
  return x;
}

/** Periods, depths and durations: empty is fine, zero or negative is not. */
export function readPositive(column: string, raw: string | undefined): number | undefined {
  const x = readNumber(column, raw);
  if (x !== undefined && x <= 0) throw new RowProblem(`column "${column}": "${raw!.trim()}" must be greater than 0`);
  return x;
}

/** An epoch given in full BJD. */
export function readFullBjd(column: string, raw: string | undefined): number | undefined {
  const x = readNumber(column, raw);
  if (x !== undefined && x < MIN_FULL_BJD) {
    throw new RowProblem(
      `column "${column}": "${raw!.trim()}" is not a full BJD (expected about 2.45e6; BTJD = BJD − 2457000, BKJD = BJD − 2454833)`,
    );
  }
  return x;
}

/** An epoch given in BKJD, returned as full BJD. */
export function readBkjdAsBjd(column: string, raw: string | undefined): number | undefined {
  const x = readNumber(column, raw);
  return x === undefined ? undefined : x + BKJD_OFFSET;
}

/** Trimmed text, or undefined when empty. */
export function readText(raw: string | undefined): string | undefined {
  const s = raw?.trim() ?? '';
  return s === '' ? undefined : s;
}

/**
 * `lightcurve_url`: one or more URLs separated by ';', absolute http(s) or relative to the page (the
 * bundled demo uses `demo/<file>.fits`). Other schemes (s3:, file:, ...) cannot be fetched by a page.
 */
export function readUrls(column: string, raw: string | undefined): string[] | undefined {
  const parts = (raw ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  for (const p of parts) {
    let url: URL | undefined;
    try {
      url = new URL(p, 'http://relative.invalid/');
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new RowProblem(`column "${column}": "${p}" is not an http(s) URL or a path relative to the page`);
    }
  }
  return parts;
}
