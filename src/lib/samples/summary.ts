import type { SampleList, SampleWarning } from './types.ts';

const SEPARATOR_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'vertical bar' };

/** "comma-separated", "semicolon-separated", … */
export function describeDelimiter(delimiter: string | undefined): string {
  return `${SEPARATOR_NAMES[delimiter ?? ','] ?? JSON.stringify(delimiter)}-separated`;
}

/** How the bytes were read, when that is worth saying: "read as Windows-1252; 3 characters differ from UTF-8 (first on line 5)". */
export function describeEncoding(list: Pick<SampleList, 'encoding'>): string | null {
  const e = list.encoding;
  if (!e) return null;
  if (e.name === 'utf-16le' || e.name === 'utf-16be') return `read as UTF-16 (${e.name === 'utf-16le' ? 'little' : 'big'}-endian, from its byte-order mark)`;
  if (e.name === 'windows-1252') {
    const n = e.differing ?? 0;
    const where = e.firstDifferingLine ? ` (first on line ${e.firstDifferingLine})` : '';
    return `read as Windows-1252, since it is not valid UTF-8; ${n} character${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from UTF-8${where}`;
  }
  return null;
}

/** "12 rows: koi_depth not positive, left empty (lines 80, 95, …)". */
export function describeWarning(w: SampleWarning): string {
  const lines = w.lines.join(', ') + (w.rows > w.lines.length ? ', …' : '');
  return `${w.rows} row${w.rows === 1 ? '' : 's'}: ${w.column} ${w.problem}, left empty (line${w.lines.length === 1 ? '' : 's'} ${lines})`;
}
