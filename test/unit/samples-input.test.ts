import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { describeDelimiter, describeEncoding, parseSampleList, readSampleFile } from '../../src/lib/samples/index.ts';
import { parseTarget, parseTargetOrName } from '../../src/lib/target.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Windows-1252 bytes for text whose characters all have a one-byte code there. */
function cp1252(text: string): Uint8Array {
  const special: Record<string, number> = { '€': 0x80, '–': 0x96, '—': 0x97, '‘': 0x91, '’': 0x92 };
  return Uint8Array.from(text, (c) => special[c] ?? c.charCodeAt(0));
}

function utf16(text: string, endian: 'le' | 'be', bom = true): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  const view = new DataView(out.buffer);
  if (bom) view.setUint16(0, 0xfeff, endian === 'le');
  for (let i = 0; i < text.length; i++) view.setUint16((bom ? 2 : 0) + 2 * i, text.charCodeAt(i), endian === 'le');
  return out;
}

function fileError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).name).toBe('invalid-sample-file');
    return err as AppError;
  }
  throw new Error('expected invalid-sample-file');
}

const LIST = 'target,label,note\nTIC 25155310,KP,Pérez & Müller–2019\nTIC 231663901,PC,Ångström\n';

describe('encodings', () => {
  it('reads UTF-8, with or without a byte-order mark, and says nothing about it', () => {
    for (const bytes of [utf8(LIST), Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(LIST)])]) {
      const list = readSampleFile(bytes, 'list.csv');
      expect(list.encoding).toMatchObject({ name: 'utf-8' });
      expect(list.rows[0].values[2]).toBe('Pérez & Müller–2019');
      expect(list.columns[0]).toBe('target');
      expect(describeEncoding(list)).toBeNull();
    }
  });

  it('reads bytes that are not UTF-8 as Windows-1252, counting the characters that differ, never with U+FFFD', () => {
    const list = readSampleFile(cp1252(LIST), 'excel.csv');
    expect(list.rows.map((r) => r.values[2])).toEqual(['Pérez & Müller–2019', 'Ångström']);
    expect(list.encoding).toEqual({ name: 'windows-1252', bom: false, differing: 5, firstDifferingLine: 2 });
    expect(JSON.stringify(list.rows)).not.toContain('\ufffd');
    expect(describeEncoding(list)).toBe('read as Windows-1252, since it is not valid UTF-8; 5 characters differ from UTF-8 (first on line 2)');
  });

  it('reads UTF-16 little- and big-endian files that start with a byte-order mark', () => {
    for (const endian of ['le', 'be'] as const) {
      const list = readSampleFile(utf16(LIST, endian), 'unicode.txt');
      expect(list.encoding).toEqual({ name: `utf-16${endian}`, bom: true });
      expect(list.nValid).toBe(2);
      expect(list.rows[1].values).toEqual(['TIC 231663901', 'PC', 'Ångström']);
      expect(describeEncoding(list)).toBe(`read as UTF-16 (${endian === 'le' ? 'little' : 'big'}-endian, from its byte-order mark)`);
    }
  });

  it('refuses UTF-16 without a byte-order mark with a message saying how to save it', () => {
    expect(fileError(() => readSampleFile(utf16(LIST, 'le', false), 'nobom.csv')).message).toBe(
      '"nobom.csv" looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or as UTF-16 with a byte-order mark, "Unicode text" in Excel)',
    );
  });

  it('refuses a UTF-16 file whose text is broken (a lone surrogate)', () => {
    const bytes = utf16('target\nTIC 1\n', 'le');
    const broken = new Uint8Array([...bytes, 0x00, 0xd8, 0x41, 0x00]);
    expect(fileError(() => readSampleFile(broken, 'broken.csv')).message).toContain('is not valid UTF-16 text');
  });

  it('still refuses binary files (a FITS header and zero bytes)', () => {
    const fits = new Uint8Array(2880 * 2).fill(0x20);
    fits.set(utf8('SIMPLE  =                    T'), 0);
    fits.fill(0, 2880);
    fits[2881] = 0xff;
    expect(fileError(() => readSampleFile(fits, 'x.fits')).message).toMatch(/^"x.fits" is not a text CSV file \(it contains binary data\)/);
  });
});

describe('separators', () => {
  it.each([
    [',', 'comma-separated'],
    [';', 'semicolon-separated'],
    ['\t', 'tab-separated'],
    ['|', 'vertical bar-separated'],
  ])('detects %j and says so (%s)', (sep, words) => {
    const text = ['# a comment, with; every\tseparator|in it', ['target', 'period', 'note'].join(sep), ['TIC 25155310', '3.2887898', 'WASP-126 b'].join(sep), ['KIC 11442793', '', 'Kepler-90'].join(sep)].join('\n');
    const list = parseSampleList(text, 'list.csv');
    expect(list.delimiter).toBe(sep);
    expect(describeDelimiter(list.delimiter)).toBe(words);
    expect(list.columns).toEqual(['target', 'period', 'note']);
    expect(list.rows.map((r) => [r.line, r.key, r.period])).toEqual([
      [3, 'TESS:25155310', 3.2887898],
      [4, 'Kepler:11442793', undefined],
    ]);
  });

  it('detects the separator of a short two-column list despite its final line break', () => {
    for (const sep of ['\t', ';']) {
      const list = parseSampleList(`target${sep}label\nTIC 25155310${sep}KP\n\n`, 'short.csv');
      expect(list.delimiter).toBe(sep);
      expect(list.rows[0]).toMatchObject({ key: 'TESS:25155310', label: 'KP' });
    }
  });

  it('keeps a one-column list comma-separated', () => {
    const list = parseSampleList('target\nTIC 25155310\nKepler-10\n', 'one.csv');
    expect(list.delimiter).toBe(',');
    expect(list.nValid).toBe(2);
  });

  it('reads a semicolon list whose text has commas, as European spreadsheets write it', () => {
    const list = parseSampleList('target;period;note\nTIC 25155310;3,2887898;WASP-126 b, TOI-114\n', 'eu.csv');
    expect(list.delimiter).toBe(';');
    expect(list.rows[0].values).toEqual(['TIC 25155310', '3,2887898', 'WASP-126 b, TOI-114']);
    // A decimal comma is not a number: left empty, said, and the star is searched.
    expect(list.rows[0].period).toBeUndefined();
    expect(list.warnings).toEqual([{ column: 'period', problem: 'not a number', rows: 1, lines: [2] }]);
  });
});

describe('target ids', () => {
  it.each([
    ['TIC -5', 'TIC'],
    ['TIC 5.0', 'TIC'],
    ['KIC +12', 'KIC'],
    ['EPIC 2.1e8', 'EPIC'],
    ['kplr 11442793.0', 'KIC'],
    ['TIC - 5', 'TIC'],
  ])('%j is invalid: a signed or decimal id', (text, catalogue) => {
    expect(() => parseTarget(text)).toThrowError(
      `target "${text}" is not a valid id: a ${catalogue} id is a whole number without a sign, a decimal point or an exponent`,
    );
    // Never taken for a star name either.
    expect(() => parseTargetOrName(text)).toThrowError(/is not a valid id/);
  });

  it.each([
    ['-5', 'TESS', 'TIC'],
    ['5.0', 'Kepler', 'KIC'],
    ['+12', 'K2', 'EPIC'],
    ['1e5', 'TESS', 'TIC'],
  ] as const)('bare %j with mission %s is invalid', (text, mission, catalogue) => {
    expect(() => parseTargetOrName(text, mission)).toThrowError(`a ${catalogue} id is a whole number without a sign`);
  });

  it('still reads the separators people write between prefix and number', () => {
    expect(['TIC 5', 'TIC5', 'tic_5', 'TIC-5', 'TIC  5'].map((t) => parseTarget(t).id)).toEqual([5, 5, 5, 5, 5]);
  });

  it('makes such rows invalid with the reason, in every format', () => {
    const koi = parseSampleList('kepid,koi_period\n11442793.0,3\n-5,3\n11442793,3\n', 'k.csv');
    expect(koi.rows.map((r) => r.problem)).toEqual([
      'column "kepid": target "11442793.0" is not a valid id: a KIC id is a whole number without a sign, a decimal point or an exponent',
      'column "kepid": target "-5" is not a valid id: a KIC id is a whole number without a sign, a decimal point or an exponent',
      undefined,
    ]);
    const ours = parseSampleList('target\nTIC -5\n', 'o.csv');
    expect(ours.rows[0].problem).toBe('column "target": target "TIC -5" is not a valid id: a TIC id is a whole number without a sign, a decimal point or an exponent');
  });
});

describe('lightcurve_url', () => {
  const row = (url: string, loopbackPage = false) =>
    parseSampleList(`target,lightcurve_url\nTIC 25155310,"${url}"\n`, 'u.csv', { loopbackPage }).rows[0];

  it.each([
    'https://archive.stsci.edu/missions/tess/x_lc.fits',
    'demo/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits',
    '/files/x.fits',
    '../x.fits',
  ])('accepts %s', (url) => {
    expect(row(url).problem).toBeUndefined();
    expect(row(url).lightcurveUrls).toEqual([url]);
  });

  it.each([
    ['http://archive.stsci.edu/x.fits', 'is not an https: URL or a path relative to the page'],
    ['ftp://example.org/x.fits', 'is not an https: URL or a path relative to the page'],
    ['javascript:alert(1)', 'is not an https: URL or a path relative to the page'],
    ['data:application/fits,AAAA', 'is not an https: URL or a path relative to the page'],
    ['//evil.example/x.fits', 'names another host without a scheme; write https://… or a path relative to the page'],
    ['\\\\evil.example\\x.fits', 'names another host without a scheme; write https://… or a path relative to the page'],
    ['https://localhost/x.fits', 'names a loopback or private-network address (localhost), which a page not served from this machine may not fetch'],
    ['https://127.0.0.1:8443/x.fits', 'names a loopback or private-network address (127.0.0.1)'],
    ['https://10.1.2.3/x.fits', 'names a loopback or private-network address (10.1.2.3)'],
    ['https://172.20.0.1/x.fits', 'names a loopback or private-network address (172.20.0.1)'],
    ['https://192.168.1.1/admin', 'names a loopback or private-network address (192.168.1.1)'],
    ['https://169.254.169.254/latest/meta-data', 'names a loopback or private-network address (169.254.169.254)'],
    ['https://[::1]/x.fits', 'names a loopback or private-network address ([::1])'],
    ['https://[fd00::1]/x.fits', 'names a loopback or private-network address ([fd00::1])'],
    ['https://[::ffff:192.168.0.1]/x.fits', 'names a loopback or private-network address ([::ffff:c0a8:1])'],
    ['https://printer.local/x.fits', 'names a loopback or private-network address (printer.local)'],
    ['https://0x7f.1/x.fits', 'names a loopback or private-network address (127.0.0.1)'],
    ['http://127.0.0.1:8765/x.fits', 'is not an https: URL or a path relative to the page'],
  ])('refuses %s on a page served from elsewhere', (url, why) => {
    const r = row(url);
    expect(r.problem).toContain(`column "lightcurve_url": "${url}" ${why}`);
    expect(r.key).toBeUndefined();
  });

  it('allows loopback and private addresses, and http to localhost / 127.0.0.1, when the page itself is served from loopback', () => {
    for (const url of ['https://192.168.1.5/x.fits', 'https://localhost:8443/x.fits', 'http://127.0.0.1:8765/x.fits', 'http://localhost:8765/x.fits']) {
      expect(row(url, true).problem, url).toBeUndefined();
    }
    // Plain http elsewhere stays refused: the page's CSP would block it anyway.
    expect(row('http://192.168.1.5/x.fits', true).problem).toContain('is not an https: URL');
  });

  it('checks every URL of a cell', () => {
    expect(row('demo/a.fits;https://192.168.1.1/b.fits').problem).toContain('"https://192.168.1.1/b.fits" names a loopback');
  });
});
