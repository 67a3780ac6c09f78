import Papa from 'papaparse';

/** One CSV record with the line it starts on, or the tokenizer's complaint about it. */
export interface CsvRecord {
  /** 1-based line number in the original text. */
  line: number;
  fields: string[];
  /** Set when papaparse reported a quoting error in this record. */
  quoteError?: string;
  /** Last line the record covers (only computed for quoting errors, which can swallow many lines). */
  endLine?: number;
}

/** Separators papaparse may guess, in its order of preference on a tie. */
export const DELIMITERS = [',', '\t', ';', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * Splits CSV text into records with their starting line numbers, and says which separator it
 * found: papaparse guesses among comma, tab, semicolon and bar from the first rows after the
 * comments (the one that splits them into equal numbers of fields); a one-column file is comma. `#` lines are comments (the NASA
 * Exoplanet Archive starts its exports with them) and blank lines are skipped; both still count as
 * lines. A BOM is dropped and CRLF becomes LF first (one line break either way, so line numbers are
 * unchanged; a CRLF inside a quoted value becomes LF). Lone CRs are left as data.
 *
 * papaparse's step mode reports, per record, the offset just past it (`meta.cursor`); the record starts
 * at the previous record's end after any comment lines, which papaparse skips without a step.
 */
export function readCsvRecords(raw: string, onProgress?: (fraction: number) => void): { records: CsvRecord[]; delimiter: Delimiter } {
  let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.includes('\r\n')) text = text.replace(/\r\n/g, '\n');

  const records: CsvRecord[] = [];
  let end = 0; // offset just past the previous record
  let counted = 0; // offsets before this have had their newlines counted
  let line = 1;
  const lineAt = (offset: number): number => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    return line;
  };

  const delimiter = guessDelimiter(text);
  const every = 2000;
  Papa.parse<string[]>(text, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    comments: '#',
    skipEmptyLines: false,
    step: (result) => {
      let start = end;
      while (text.startsWith('#', start)) {
        const next = text.indexOf('\n', start);
        start = next === -1 ? text.length : next + 1;
      }
      end = result.meta.cursor;
      if (onProgress && records.length % every === 0) onProgress(end / text.length);
      const fields = result.data;
      if (fields.length === 1 && fields[0].trim() === '') return; // a blank line is not a record
      const record: CsvRecord = { line: lineAt(start), fields };
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError) {
        record.quoteError = describeQuoteError(quoteError.code);
        record.endLine = lineAt(Math.max(start, end - 1));
      }
      records.push(record);
    },
  });
  return { records, delimiter };
}

/**
 * papaparse's guess over the first rows after the comments, blank lines left out (counted in, a
 * trailing blank line makes a two-column file look ragged and the guess fall back to comma).
 */
function guessDelimiter(text: string): Delimiter {
  const guessed = Papa.parse<string[]>(text.slice(0, 65_536), {
    delimiter: '',
    delimitersToGuess: [...DELIMITERS],
    newline: '\n',
    comments: '#',
    skipEmptyLines: true,
    preview: 10,
  }).meta.delimiter;
  return (DELIMITERS as readonly string[]).includes(guessed) ? (guessed as Delimiter) : ',';
}

function describeQuoteError(code: string): string {
  if (code === 'MissingQuotes') return 'a quoted field is never closed (a lone " runs to the end of the file)';
  return 'a quoted field is malformed (a closing " must be followed by a comma or the end of the line)';
}
