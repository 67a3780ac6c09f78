import { AppError } from '../errors.ts';

/** How a sample list's bytes were turned into text. */
export interface SampleEncoding {
  name: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  /** The file started with a byte-order mark. */
  bom: boolean;
  /** windows-1252 only: characters read differently than UTF-8 would have (every non-ASCII one), and the first line with one. */
  differing?: number;
  firstDifferingLine?: number;
}

/**
 * Decodes a sample list. A byte-order mark decides (UTF-8, UTF-16 LE or BE); otherwise strict UTF-8,
 * and when the bytes are not UTF-8, Windows-1252 (what Excel writes on Western Windows), said in
 * the summary, so that no U+FFFD ever replaces a character silently. UTF-16 without a byte-order
 * mark is refused with a message saying how to save the file.
 */
export function decodeSampleBytes(bytes: Uint8Array, fileName: string): { text: string; encoding: SampleEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: strict('utf-16le', bytes.subarray(2), fileName), encoding: { name: 'utf-16le', bom: true } };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: strict('utf-16be', bytes.subarray(2), fileName), encoding: { name: 'utf-16be', bom: true } };
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (!bom && looksLikeUtf16(body)) {
    throw new AppError(
      'invalid-sample-file',
      `"${fileName}" looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or as UTF-16 with a byte-order mark, "Unicode text" in Excel)`,
      { fileName },
    );
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), encoding: { name: 'utf-8', bom } };
  } catch {
    const text = decodeWindows1252(body);
    return { text, encoding: { name: 'windows-1252', bom, ...differences(text) } };
  }
}

/**
 * Windows-1252 as the Encoding Standard defines it: Latin-1, except 0x80–0x9F, which are mostly
 * typographic characters (the five unassigned bytes keep their C1 code points). Written out because
 * Node's TextDecoder reads the label as Latin-1, and the CLI and the tests run there too.
 */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 8192;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const part = bytes.subarray(at, at + CHUNK);
    let s = '';
    for (let i = 0; i < part.length; i++) {
      const b = part[i];
      s += b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b);
    }
    chunks.push(s);
  }
  return chunks.join('');
}

function strict(label: 'utf-16le' | 'utf-16be', bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new AppError('invalid-sample-file', `"${fileName}" starts with a UTF-16 byte-order mark but is not valid UTF-16 text`, { fileName });
  }
}

/** ASCII text in UTF-16 has a zero byte in every other place: count them in the first 4 KB. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const half = n / 2;
  return Math.max(evenZeros, oddZeros) > 0.4 * half && Math.min(evenZeros, oddZeros) < 0.05 * half;
}

/** Windows-1252 and UTF-8 agree on ASCII; every other character was read differently. */
function differences(text: string): { differing: number; firstDifferingLine?: number } {
  let differing = 0;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      differing++;
      if (first < 0) first = i;
    }
  }
  if (first < 0) return { differing };
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < first; i = text.indexOf('\n', i + 1)) line++;
  return { differing, firstDifferingLine: line };
}
