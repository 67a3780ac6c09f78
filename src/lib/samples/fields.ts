/**
 * Value rules for sample-list columns. A target id or a `lightcurve_url` that cannot be used makes
 * the row invalid (RowProblem); a catalogue value that cannot be used (missing, zero, negative, not
 * a number) is only noted and left empty, since the search is blind and the star is still searched.
 */
import { isPrivateHost, isSecureOrLoopback } from '../mast/addresses.ts';

/** A row-level validation failure; its message already names the column and the rule. */
export class RowProblem extends Error {}

/** Why a catalogue value was left empty; the summary counts rows per column and reason. */
export type ValueProblem = 'missing' | 'not a number' | 'not positive' | 'not a full BJD';

/** Called for each catalogue value left empty. */
export type NoteValue = (column: string, problem: ValueProblem) => void;

/** What a row's URLs are checked against: where the page that will fetch them lives. */
export interface UrlContext {
  /** True when the page is served from this machine (`npm start`): loopback and private addresses are then allowed. */
  loopbackPage?: boolean;
}

/** Kepler/K2 times are BKJD = BJD − 2454833 (Kepler Archive Manual, TIME column, BJDREFI). */
export const BKJD_OFFSET = 2454833;

/**
 * Earliest full BJD accepted as an epoch (1858-11-17). A smaller value is almost surely BTJD or
 * BKJD, and a search would fold at the wrong phase without saying so.
 */
const MIN_FULL_BJD = 2_400_000;

// Plain decimal notation only: Number() would also take '0x1f', 'Infinity' and whitespace.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A finite number, or undefined: for an absent column silently, for an empty cell or a value that
 * is not a plain finite decimal with a note.
 */
export function readNumber(column: string, raw: string | undefined, note: NoteValue): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  if (s === '') {
    note(column, 'missing');
    return undefined;
  }
  const x = DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(x)) {
    note(column, 'not a number');
    return undefined;
  }
  return x;
}

/** Periods, depths, durations, stellar radii: zero or negative is left empty too. */
export function readPositive(column: string, raw: string | undefined, note: NoteValue): number | undefined {
  const x = readNumber(column, raw, note);
  if (x !== undefined && x <= 0) {
    note(column, 'not positive');
    return undefined;
  }
  return x;
}

/** An epoch given in full BJD; a BTJD or BKJD value is left empty rather than folded at the wrong phase. */
export function readFullBjd(column: string, raw: string | undefined, note: NoteValue): number | undefined {
  const x = readNumber(column, raw, note);
  if (x !== undefined && x < MIN_FULL_BJD) {
    note(column, 'not a full BJD');
    return undefined;
  }
  return x;
}

/** An epoch given in BKJD, returned as full BJD. */
export function readBkjdAsBjd(column: string, raw: string | undefined, note: NoteValue): number | undefined {
  const x = readNumber(column, raw, note);
  return x === undefined ? undefined : x + BKJD_OFFSET;
}

/** Trimmed text, or undefined when empty. */
export function readText(raw: string | undefined): string | undefined {
  const s = raw?.trim() ?? '';
  return s === '' ? undefined : s;
}

/**
 * `lightcurve_url`: one or more URLs separated by ';', each `https:` or a path relative to the page
 * (the bundled demo uses `demo/<file>.fits`). A shared list must not make the page fetch from the
 * user's own machine or network, so loopback and private-network hosts are refused unless the page
 * itself is served from loopback, where plain `http:` to localhost / 127.0.0.1 is allowed too.
 */
export function readUrls(column: string, raw: string | undefined, context: UrlContext = {}): string[] | undefined {
  const parts = (raw ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  for (const p of parts) {
    const why = urlProblem(p, context);
    if (why) throw new RowProblem(`column "${column}": "${p}" ${why}`);
  }
  return parts;
}

function urlProblem(text: string, context: UrlContext): string | null {
  // `//host/x` and `\\host\x` look relative but name another host (browsers read `\` as `/`).
  if (/^[/\\]{2}/.test(text)) return 'names another host without a scheme; write https://… or a path relative to the page';
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    try {
      new URL(text, 'https://relative.invalid/');
      return null;
    } catch {
      return 'is not a URL or a path relative to the page';
    }
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL or a path relative to the page';
  }
  const local = isPrivateHost(url.hostname);
  if (url.protocol === 'http:' && context.loopbackPage && isSecureOrLoopback(url)) return null;
  if (url.protocol !== 'https:') return 'is not an https: URL or a path relative to the page';
  if (local && !context.loopbackPage) {
    return `names a loopback or private-network address (${url.hostname}), which a page not served from this machine may not fetch`;
  }
  return null;
}
