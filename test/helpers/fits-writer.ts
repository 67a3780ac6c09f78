/** Small FITS writers for tests that need a file of a layout no fixture has. */

/** Header bytes: the cards, END, blank-padded to a 2880-byte block. */
export function headerBytes(cards: string[]): Uint8Array {
  const text = [...cards, 'END'].map((c) => c.padEnd(80, ' ')).join('');
  const out = new Uint8Array(Math.ceil(text.length / 2880) * 2880).fill(0x20);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** One `KEY     = value` card. */
export const kv = (key: string, value: string | number | boolean) =>
  `${key.padEnd(8)}= ${(typeof value === 'string' ? `'${value}'` : typeof value === 'boolean' ? (value ? 'T' : 'F') : String(value)).padStart(20)}`;

/** HDUs concatenated, each padded to whole 2880-byte blocks. */
export function fitsFile(...parts: Uint8Array[]): Uint8Array {
  const padded = parts.map((p) => {
    const out = new Uint8Array(Math.ceil(p.length / 2880) * 2880);
    out.set(p);
    return out;
  });
  const all = new Uint8Array(padded.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of padded) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * A binary table of double ('D'), float ('E') and int32 ('J') columns, big-endian, with extra header
 * cards (EXTNAME, BJDREFI, ...).
 */
export function binaryTable(columns: Array<{ name: string; form: 'D' | 'E' | 'J'; values: ArrayLike<number> }>, cards: string[] = []): Uint8Array {
  const size = { D: 8, E: 4, J: 4 } as const;
  const rowBytes = columns.reduce((n, c) => n + size[c.form], 0);
  const rows = columns[0]?.values.length ?? 0;
  const header = headerBytes([
    kv('XTENSION', 'BINTABLE'),
    kv('BITPIX', 8),
    kv('NAXIS', 2),
    kv('NAXIS1', rowBytes),
    kv('NAXIS2', rows),
    kv('PCOUNT', 0),
    kv('GCOUNT', 1),
    kv('TFIELDS', columns.length),
    ...columns.flatMap((c, i) => [kv(`TTYPE${i + 1}`, c.name), kv(`TFORM${i + 1}`, c.form)]),
    ...cards,
  ]);
  const data = new Uint8Array(rowBytes * rows);
  const view = new DataView(data.buffer);
  for (let r = 0; r < rows; r++) {
    let at = r * rowBytes;
    for (const c of columns) {
      const v = c.values[r];
      if (c.form === 'D') view.setFloat64(at, v);
      else if (c.form === 'E') view.setFloat32(at, v);
      else view.setInt32(at, v);
      at += size[c.form];
    }
  }
  return fitsFile(header, data);
}
