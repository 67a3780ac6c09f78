/**
 * Walks the HDUs of a FITS file (FITS Standard 4.0 §3–§7): headers in 2880-byte blocks ending
 * with an END card, data sized from BITPIX/NAXISn/PCOUNT/GCOUNT and padded to 2880 bytes.
 * Every size is checked against the bytes actually present, so a truncated download is
 * refused here and never parsed as data.
 */
import { CARD_LENGTH, CardHeader, parseCard, type Card, type FitsHeader } from './header.ts';
import { fitsInvalid, type HduPlace } from './errors.ts';
import { optionalInt, requireInt, stringOrNull } from './keywords.ts';
import { parseColumns, type FitsColumn } from './columns.ts';

export const BLOCK = 2880;

export type HduKind = 'primary' | 'image' | 'bintable' | 'table' | 'other';

export interface FitsHdu {
  index: number;
  header: FitsHeader;
  kind: HduKind;
  /** EXTNAME, or null when the HDU has none. */
  name: string | null;
  /** Byte offset of the data unit in the file. */
  dataOffset: number;
  /** Data bytes the header declares, without the padding to 2880. */
  dataBytes: number;
  /** BINTABLE only: NAXIS2, NAXIS1 and the column layout; empty otherwise. */
  rows: number;
  rowBytes: number;
  columns: FitsColumn[];
}

export interface FitsFile {
  fileName: string;
  bytes: Uint8Array;
  hdus: FitsHdu[];
}

const VALID_BITPIX = new Set([8, 16, 32, 64, -32, -64]);

export function readFits(input: ArrayBuffer | Uint8Array, fileName = 'FITS file'): FitsFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const first = ascii(bytes, 0, Math.min(bytes.length, CARD_LENGTH));
  if (!/^SIMPLE  =\s+T\b/.test(first)) {
    const shown = first.replace(/[^\x20-\x7e]/g, '.').slice(0, 40).trimEnd();
    throw fitsInvalid({ fileName, index: 0 }, `is not a FITS file: it does not start with "SIMPLE  = T" (it starts "${shown}")`);
  }
  const hdus: FitsHdu[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const index = hdus.length;
    if (index > 0 && !startsExtension(bytes, offset)) {
      if (isBlank(bytes, offset)) break; // zero padding after the last HDU is harmless
      const found = ascii(bytes, offset, Math.min(bytes.length, offset + 8)).replace(/[^\x20-\x7e]/g, '.');
      throw fitsInvalid({ fileName, index }, `should start with XTENSION at byte ${offset} but starts "${found}"`);
    }
    const hdu = readHdu(bytes, offset, index, fileName);
    hdus.push(hdu);
    offset = hdu.dataOffset + padded(hdu.dataBytes);
  }
  checkExtensionCount(hdus, fileName);
  return { fileName, bytes, hdus };
}

/**
 * A file cut exactly between two HDUs looks complete; mission products declare NEXTEND in the
 * primary header (docs/mast-and-formats.md §4.1), which gives such a cut away.
 */
function checkExtensionCount(hdus: FitsHdu[], fileName: string): void {
  const declared = hdus[0].header.get('NEXTEND');
  const found = hdus.length - 1;
  if (typeof declared === 'number' && found < declared) {
    throw fitsInvalid({ fileName, index: hdus.length }, `is missing: the primary header says NEXTEND = ${declared} but the file ends after ${found} extension(s); the download may be truncated`);
  }
}

function readHdu(bytes: Uint8Array, start: number, index: number, fileName: string): FitsHdu {
  const { cards, end } = readCards(bytes, start, { fileName, index });
  const header = new CardHeader(cards);
  const name = stringOrNull(header, 'EXTNAME');
  const place: HduPlace = { fileName, index, name };
  const kind = hduKind(header, index);
  const dataBytes = dataSize(header, kind, place);
  const dataOffset = end;
  const missing = dataOffset + dataBytes - bytes.length;
  let rows = 0;
  let rowBytes = 0;
  let columns: FitsColumn[] = [];
  if (kind === 'bintable') {
    rowBytes = requireInt(header, 'NAXIS1', place);
    rows = requireInt(header, 'NAXIS2', place);
    columns = parseColumns(header, place, rowBytes);
  }
  if (missing > 0) {
    const what = kind === 'bintable' ? `${rows} rows of ${rowBytes} bytes` : `${dataBytes} data bytes`;
    throw fitsInvalid(place, `declares ${what} but the file ends ${missing} bytes early; the download may be truncated`, {
      missingBytes: missing,
    });
  }
  return { index, header, kind, name, dataOffset, dataBytes, rows, rowBytes, columns };
}

/** Reads cards block by block up to END; `end` is the offset of the first block after the header. */
function readCards(bytes: Uint8Array, start: number, place: HduPlace): { cards: Card[]; end: number } {
  const cards: Card[] = [];
  for (let block = start; ; block += BLOCK) {
    if (block + BLOCK > bytes.length) {
      const got = bytes.length - start;
      throw fitsInvalid(place, `header is cut off after ${got} bytes with no END card; the download may be truncated`, {
        missingBytes: block + BLOCK - bytes.length,
      });
    }
    for (let at = block; at < block + BLOCK; at += CARD_LENGTH) {
      const card = parseCard(ascii(bytes, at, at + CARD_LENGTH));
      if (card.key === 'END') return { cards, end: block + BLOCK };
      cards.push(card);
    }
  }
}

function hduKind(header: FitsHeader, index: number): HduKind {
  if (index === 0) return 'primary';
  switch (stringOrNull(header, 'XTENSION')) {
    case 'IMAGE':
      return 'image';
    case 'BINTABLE':
      return 'bintable';
    case 'TABLE':
      return 'table';
    default:
      return 'other';
  }
}

/** Data bytes = |BITPIX|/8 · GCOUNT · (PCOUNT + NAXIS1·…·NAXISn) (FITS Standard eq. 1–2). */
function dataSize(header: FitsHeader, kind: HduKind, place: HduPlace): number {
  const bitpix = header.get('BITPIX');
  if (typeof bitpix !== 'number' || !VALID_BITPIX.has(bitpix)) {
    throw fitsInvalid(place, `has BITPIX = ${JSON.stringify(bitpix)}, expected one of 8, 16, 32, 64, -32, -64`);
  }
  const naxis = requireInt(header, 'NAXIS', place);
  if (naxis > 999) throw fitsInvalid(place, `has NAXIS = ${naxis}, more than the 999 allowed`);
  if (naxis === 0) return 0;
  // Random groups (primary with NAXIS1 = 0 and GROUPS = T) leave NAXIS1 out of the product.
  const groups = kind === 'primary' && header.get('GROUPS') === true && header.get('NAXIS1') === 0;
  let elements = 1;
  for (let n = groups ? 2 : 1; n <= naxis; n++) elements *= requireInt(header, `NAXIS${n}`, place);
  const extension = kind !== 'primary' || groups;
  const pcount = extension ? optionalInt(header, 'PCOUNT', place, 0) : 0;
  const gcount = extension ? optionalInt(header, 'GCOUNT', place, 1) : 1;
  const size = (Math.abs(bitpix) / 8) * gcount * (pcount + elements);
  if (!Number.isSafeInteger(size)) throw fitsInvalid(place, `declares an impossible data size (${size} bytes)`);
  return size;
}

function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

function startsExtension(bytes: Uint8Array, offset: number): boolean {
  return ascii(bytes, offset, Math.min(bytes.length, offset + 8)) === 'XTENSION';
}

function isBlank(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0 && bytes[i] !== 0x20) return false;
  return true;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]);
}
