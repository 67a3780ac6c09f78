import { describe, it, expect } from 'vitest';
import { parseCard, parseValue } from '../../src/lib/fits/index.ts';
import { CardHeader } from '../../src/lib/fits/header.ts';

/** An 80-character card image, as it sits in a header block. */
const card = (text: string) => text.padEnd(80, ' ');
const header = (...lines: string[]) => new CardHeader(lines.map((l) => parseCard(card(l))));

describe('header card values', () => {
  it('reads strings with doubled quotes, significant leading and insignificant trailing blanks', () => {
    expect(parseCard(card("OBSERVER= 'O''HARA  '         / who")).value).toBe("O'HARA");
    expect(parseCard(card("LEADING = '  lead'")).value).toBe('  lead');
    expect(parseCard(card("EMPTY   = ''")).value).toBe('');
    expect(parseCard(card("BLANKS  = '        '")).value).toBe('');
    expect(parseCard(card("SLASH   = 'a/b c' / the slash is inside the string")).value).toBe('a/b c');
    expect(parseCard(card("QUOTES  = ''''")).value).toBe("'");
  });

  it('reads logicals, integers and reals including D exponents', () => {
    expect(parseCard(card('SIMPLE  =                    T / conforms')).value).toBe(true);
    expect(parseCard(card('SIMDATA =                    F')).value).toBe(false);
    expect(parseCard(card('NEG     =                  -42 / int')).value).toBe(-42);
    expect(parseCard(card('BJDREFI =              2457000')).value).toBe(2457000);
    expect(parseCard(card('DEXP    =              1.5D+03')).value).toBe(1500);
    expect(parseCard(card('DEXPLOW =             -2.5d-2')).value).toBe(-0.025);
    expect(parseCard(card('EEXP    =             1.16E-05 / [d]')).value).toBe(1.16e-5);
    expect(parseCard(card('LEADDOT =                   .5')).value).toBe(0.5);
    expect(parseCard(card('TRAILDOT=                  -1.')).value).toBe(-1);
    expect(parseCard(card('TIMEDEL =  0.02083333333333333 / [d] time resolution of data')).value).toBe(0.02083333333333333);
  });

  it('gives null for undefined-value cards, with or without a comment', () => {
    expect(parseCard(card('TICID   =  / unique tess target identifier')).value).toBeNull();
    expect(parseCard(card('TEFF    =')).value).toBeNull();
    expect(parseValue('   ')).toBeNull();
  });

  it('keeps values it cannot type as raw text rather than guessing', () => {
    expect(parseCard(card('CPLX    = (1.0, 2.0)')).value).toBe('(1.0, 2.0)');
    expect(parseCard(card('JUNK    = 12abc / not a number')).value).toBe('12abc');
  });

  it('treats cards without "= " in columns 9–10 as having no value', () => {
    expect(parseCard(card('COMMENT   This is a comment')).value).toBeUndefined();
    expect(parseCard(card('NOVALUE  just text')).value).toBeUndefined();
    expect(parseCard(card('END')).key).toBe('END');
  });
});

describe('a header', () => {
  it('looks keywords up case-insensitively and distinguishes undefined values from absent keys', () => {
    const h = header('NAXIS   =                    2', 'TICID   =  / none', "OBJECT  = 'TIC 1'");
    expect(h.get('naxis')).toBe(2);
    expect(h.has('TICID')).toBe(true);
    expect(h.get('TICID')).toBeNull();
    expect(h.has('MISSING')).toBe(false);
    expect(h.get('MISSING')).toBeUndefined();
    expect(h.keys()).toEqual(['NAXIS', 'TICID', 'OBJECT']);
  });

  it('collects COMMENT and HISTORY cards and keeps the first of a repeated keyword', () => {
    const h = header('COMMENT   first note', 'SECTOR  =                    1', 'HISTORY   made by a test', 'SECTOR  =                    9', 'COMMENT   second note');
    expect(h.commentary('COMMENT')).toEqual(['  first note', '  second note']);
    expect(h.commentary('HISTORY')).toEqual(['  made by a test']);
    expect(h.get('SECTOR')).toBe(1);
    expect(h.keys()).toEqual(['SECTOR']);
  });

  it('joins long strings over CONTINUE cards and ignores CONTINUE cards it cannot use', () => {
    const h = header("LONG    = 'abc&'", "CONTINUE  'def&'", "CONTINUE  'ghi'", 'NUM     =                    3', "CONTINUE  'orphan'");
    expect(h.get('LONG')).toBe('abcdefghi');
    expect(h.get('NUM')).toBe(3);
    expect(header("CONTINUE  'first card'").keys()).toEqual([]);
  });
});
