/** The feature dictionary (the README's tables of CSV columns), read into entries for the in-app view. */

export interface DictionaryEntry {
  /** Column names the row defines (a row may define several: `tls_period`, `tls_depth`, …). */
  names: string[];
  unit: string;
  definition: string;
  section: string;
}

/**
 * Rows of the markdown tables whose first cell names columns in backticks, and the prose paragraphs
 * that start `Also:` (`` `name` (definition) ``, several names before one definition sharing it).
 */
export function parseDictionary(markdown: string): DictionaryEntry[] {
  const out: DictionaryEntry[] = [];
  let section = '';
  let also: string | null = null;
  for (const line of [...markdown.split('\n'), '']) {
    if (also !== null) {
      if (line.trim() === '') {
        out.push(...proseEntries(also, section));
        also = null;
      } else also += ` ${line}`;
      continue;
    }
    if (line.startsWith('Also: `')) {
      also = line.slice('Also:'.length);
      continue;
    }
    const heading = /^#{2,4}\s+(.*)$/.exec(line);
    if (heading) {
      section = heading[1].trim();
      continue;
    }
    if (!line.startsWith('| `')) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (cells.length < 3) continue;
    const names = [...cells[0].matchAll(/`([a-z0-9_*…]+)`/g)].map((m) => m[1]);
    if (names.length === 0) continue;
    // `cat_bls_period`, … `cat_bls_power`: every column between, by their common prefix.
    if (cells[0].includes('…') && names.length >= 2) names.push(`${commonPrefix(names)}*`);
    out.push({ names, unit: cells.length >= 4 ? cells[1] : '', definition: cells.length >= 4 ? cells[2] : cells[1], section });
  }
  return out;
}

/** The entry that defines a column (`bls2_period` is found under `bls2_period, …; bls3_*`). */
export function findEntry(entries: DictionaryEntry[], name: string): DictionaryEntry | undefined {
  return (
    entries.find((e) => e.names.includes(name)) ??
    entries.find((e) => e.names.some((n) => n.endsWith('*') && name.startsWith(n.slice(0, -1))))
  );
}

function commonPrefix(names: string[]): string {
  let p = names[0];
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  // Whole words only: `cat_bls_period` and `cat_bls_power` share `cat_bls_`.
  return p.slice(0, p.lastIndexOf('_') + 1);
}

/** `a` (def), `b`, `c` (def shared by b and c): names outside parentheses, definitions inside. */
function proseEntries(text: string, section: string): DictionaryEntry[] {
  const out: DictionaryEntry[] = [];
  let pending: string[] = [];
  let depth = 0;
  let def = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (depth === 0 && ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) break;
      pending.push(text.slice(i + 1, end));
      i = end;
    } else if (ch === '(') {
      if (depth++ > 0) def += ch;
    } else if (ch === ')' && depth > 0) {
      if (--depth === 0) {
        if (pending.length > 0) out.push({ names: pending, unit: '', definition: def.trim(), section });
        pending = [];
        def = '';
      } else def += ch;
    } else if (depth > 0) def += ch;
  }
  return out;
}
