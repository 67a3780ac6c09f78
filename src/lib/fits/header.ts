/**
 * FITS header cards: 80-character ASCII records, 36 to a 2880-byte block (FITS Standard 4.0 §4).
 * Only value parsing lives here; where a header starts and ends is `hdu.ts`'s business.
 */

/** `null` is an undefined-value card (`KEY     =  / comment`), which the standard allows (§4.2). */
export type HeaderValue = string | number | boolean | null;

export interface FitsHeader {
  get(key: string): HeaderValue | undefined;
  has(key: string): boolean;
  /** Keywords that carry a value, in card order, each once. */
  keys(): string[];
  /** Text of COMMENT and HISTORY cards, in order. */
  commentary(kind: 'COMMENT' | 'HISTORY'): string[];
}

export const CARD_LENGTH = 80;

/** The parts of one card. `value` is undefined for commentary cards. */
export interface Card {
  key: string;
  value?: HeaderValue;
  text?: string;
}

const INT_RE = /^[+-]?\d+$/;
// Fixed-format reals may use a D exponent (double precision, §4.2.4).
const REAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][+-]?\d+)?$/;

/** Parses one 80-character card image. */
export function parseCard(image: string): Card {
  const key = image.slice(0, 8).trimEnd();
  if (key === 'COMMENT' || key === 'HISTORY' || key === '') {
    return { key, text: image.slice(8).trimEnd() };
  }
  // CONTINUE (long-string convention) has no "= " indicator; its text is kept for the caller.
  if (key === 'CONTINUE') return { key, text: image.slice(8) };
  if (image.slice(8, 10) !== '= ') return { key, text: image.slice(8).trimEnd() };
  return { key, value: parseValue(image.slice(10)) };
}

/**
 * The value field after "= ". Strings: quotes doubled inside, trailing blanks not significant,
 * leading blanks significant (§4.2.1.1). Anything that is no string, logical, integer or real
 * (complex values, garbage) is kept as its raw text so that a caller asking for a number can
 * say which keyword was wrong.
 */
export function parseValue(field: string): HeaderValue {
  const s = field.trimStart();
  if (s.startsWith("'")) return parseString(s);
  const slash = s.indexOf('/');
  const raw = (slash >= 0 ? s.slice(0, slash) : s).trim();
  if (raw === '') return null;
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  if (INT_RE.test(raw)) return Number(raw);
  if (REAL_RE.test(raw)) return Number(raw.replace(/[Dd]/, 'E'));
  return raw;
}

function parseString(s: string): string {
  let out = '';
  let i = 1;
  while (i < s.length) {
    const ch = s[i];
    if (ch === "'") {
      if (s[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      break;
    }
    out += ch;
    i++;
  }
  // An unterminated string keeps what is there: astropy does the same with a warning.
  return out.trimEnd();
}

/** A header built from card images; the first occurrence of a repeated keyword wins. */
export class CardHeader implements FitsHeader {
  readonly #values = new Map<string, HeaderValue>();
  readonly #comments: string[] = [];
  readonly #history: string[] = [];

  constructor(cards: Iterable<Card>) {
    let lastKey: string | null = null;
    for (const card of cards) {
      if (card.key === 'COMMENT') this.#comments.push(card.text ?? '');
      else if (card.key === 'HISTORY') this.#history.push(card.text ?? '');
      else if (card.key === 'CONTINUE') this.#continueString(lastKey, card.text ?? '');
      else if (card.value !== undefined && !this.#values.has(card.key)) this.#values.set(card.key, card.value);
      if (card.value !== undefined) lastKey = card.key;
      else if (card.key !== 'CONTINUE') lastKey = null;
    }
  }

  get(key: string): HeaderValue | undefined {
    return this.#values.get(key.toUpperCase());
  }

  has(key: string): boolean {
    return this.#values.has(key.toUpperCase());
  }

  keys(): string[] {
    return [...this.#values.keys()];
  }

  commentary(kind: 'COMMENT' | 'HISTORY'): string[] {
    return [...(kind === 'COMMENT' ? this.#comments : this.#history)];
  }

  /**
   * The OGIP long-string convention: a string ending in '&' continues in the next CONTINUE card.
   * Anything else about CONTINUE is ignored rather than fatal.
   */
  #continueString(key: string | null, text: string): void {
    if (key === null) return;
    const previous = this.#values.get(key);
    if (typeof previous !== 'string' || !previous.endsWith('&')) return;
    const next = parseValue(text);
    if (typeof next === 'string') this.#values.set(key, previous.slice(0, -1) + next);
  }
}
