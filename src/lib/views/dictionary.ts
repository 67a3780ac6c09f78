/** The feature dictionary (the README's tables of CSV columns), read into entries for the in-app view. */

export interface DictionaryEntry {
  /** Column names the row defines (a row may define several: `tls_period`, `tls_depth`, …). */
  names: string[];
  unit: string;
  definition: string;
  section: string;
}

/** Rows of the markdown tables whose first cell names columns in backticks. */
export function parseDictionary(markdown: string): DictionaryEntry[] {
  const out: DictionaryEntry[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
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
