import Papa from 'papaparse';

export type RowStatus = 'ok' | 'failed' | 'pending';

export interface ResultRow {
  /** The input row's raw values, unchanged. */
  values: string[];
  status: RowStatus;
  /** "code: message" (formatError) when the row failed. */
  error?: string;
  features?: Record<string, number | string | undefined>;
}

const STATUS_COLUMNS = ['status', 'error'] as const;

/** What a spreadsheet may take for the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = '[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|inf|infinity|nan)';
/** A number, or numbers joined by `;` (the per-transit columns): data, never a formula. */
const NUMBERS = new RegExp(`^${NUMBER}(?:;${NUMBER})*$`, 'i');

/**
 * A text cell made safe to open in a spreadsheet: one that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'`, so Excel, LibreOffice and Sheets show it as text instead of
 * running it (`=HYPERLINK(...)`, `+cmd|'/c calc'!A0`). Numbers are data and stay as they are:
 * `-0.0012`, `+3`, `-inf`, `1e-5;-2.5`.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !NUMBERS.test(text) ? `'${text}` : text;
}

/**
 * The results CSV: one row per input row, in input order; the input columns first (values unchanged),
 * then `status`, `error`, then the feature columns in the given order. RFC 4180 quoting (papaparse
 * `unparse` quotes fields holding commas, quotes, line breaks or edge spaces), `\n` line endings.
 *
 * Every text cell (input values and column names, target names, error messages, text features) goes
 * through neutralizeFormula; numbers are written as numbers.
 *
 * Name collisions: an input column named like an output column (`status`, `error` or a feature) keeps
 * its values but is renamed `input_<name>` (prefix repeated until unique), so that readers looking up
 * the output columns by name get ours. Rows with fewer values than columns are padded with empty cells;
 * extra values of a malformed row are dropped (its `error` says why it was malformed).
 */
export function buildResultsCsv(inputColumns: string[], featureColumns: readonly string[], rows: ResultRow[]): string {
  const outputColumns = [...STATUS_COLUMNS, ...featureColumns];
  const header = [...renameInputColumns(inputColumns, outputColumns).map(neutralizeFormula), ...outputColumns];
  const data = rows.map((row) => {
    const input = inputColumns.map((_, i) => neutralizeFormula(row.values[i] ?? ''));
    const features = featureColumns.map((name) => {
      const value = row.features?.[name];
      return typeof value === 'string' ? neutralizeFormula(value) : formatCell(value);
    });
    return [...input, row.status, neutralizeFormula(row.error ?? ''), ...features];
  });
  return Papa.unparse({ fields: header, data }, { newline: '\n', quotes: false, escapeFormulae: false }) + '\n';
}

function renameInputColumns(inputColumns: readonly string[], outputColumns: readonly string[]): string[] {
  const taken = new Set<string>([...inputColumns, ...outputColumns]);
  const reserved = new Set(outputColumns);
  return inputColumns.map((name) => {
    if (!reserved.has(name)) return name;
    let renamed = `input_${name}`;
    while (taken.has(renamed)) renamed = `input_${renamed}`;
    taken.add(renamed);
    return renamed;
  });
}

/**
 * Numbers as the shortest text that parses back to the same double (ECMAScript Number::toString), with
 * -0 kept; undefined and NaN as an empty cell, never a placeholder a reader could mistake for data.
 */
export function formatCell(value: number | string | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '';
  return Object.is(value, -0) ? '-0' : String(value);
}
