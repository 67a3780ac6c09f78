import { AppError } from '../errors.ts';
import { nameKey, targetKey } from '../target.ts';
import { decodeSampleBytes } from './decode.ts';
import { RowProblem, type UrlContext, type ValueProblem } from './fields.ts';
import { detectFormat, FORMATS, type FormatSpec } from './formats.ts';
import { readCsvRecords, type CsvRecord } from './read-csv.ts';
import type { SampleList, SampleRow, SampleWarning } from './types.ts';

/** How much of the start of a file is checked for binary bytes. */
const SNIFF_CHARS = 65_536;
/** Lines kept per warning, to point at examples. */
const WARNING_LINES = 5;

export interface ParseOptions extends UrlContext {
  /** Called now and then with the share of the text read, 0 to 1. */
  onProgress?: (fraction: number) => void;
}

/** Reads a sample list from the file's bytes: decodes them (see decodeSampleBytes), then parseSampleList. */
export function readSampleFile(bytes: Uint8Array, fileName: string, options: ParseOptions = {}): SampleList {
  const { text, encoding } = decodeSampleBytes(bytes, fileName);
  return { ...parseSampleList(text, fileName, options), encoding };
}

/**
 * Reads a target list in one of the accepted formats (see FORMATS). Every data row comes back, valid
 * or with the reason it is not; only file-level problems throw, as AppError('invalid-sample-file').
 * Only an unusable target id (or `lightcurve_url`) makes a row invalid: catalogue values that cannot
 * be used are left empty and counted in `warnings`.
 */
export function parseSampleList(text: string, fileName: string, options: ParseOptions = {}): SampleList {
  if (looksBinary(text)) fileError(fileName, 'is not a text CSV file (it contains binary data)');
  const { records, delimiter } = readCsvRecords(text, options.onProgress);
  if (records.length === 0) fileError(fileName, 'is empty (no header row)');

  const header = records[0];
  if (header.quoteError) fileError(fileName, `has a malformed header on line ${header.line}: ${header.quoteError}`);
  const columns = header.fields;
  const keys = columns.map((c) => c.trim().toLowerCase());
  const spec = detectFormat(keys);
  if (!spec) {
    const found = columns.length > 12 ? `${columns.slice(0, 12).join(', ')}, …` : columns.join(', ');
    fileError(fileName, `has a header (line ${header.line}: ${found}) that matches no accepted format`);
  }
  checkDuplicates(fileName, spec, keys);
  if (records.length === 1) fileError(fileName, `has a header (line ${header.line}) but no data rows`);

  const position = new Map<string, number>();
  keys.forEach((k, i) => position.set(k, i));
  const warnings = new Warnings();
  const rows = records.slice(1).map((record, index) => readRow(spec, position, columns.length, record, index, warnings, options));
  const nInvalid = rows.reduce((n, r) => n + (r.problem === undefined ? 0 : 1), 0);
  const nTargets = new Set(rows.map((r) => r.key).filter((k) => k !== undefined)).size;
  return { fileName, format: spec.format, columns, rows, nValid: rows.length - nInvalid, nInvalid, nTargets, delimiter, warnings: warnings.list() };
}

function readRow(
  spec: FormatSpec,
  position: ReadonlyMap<string, number>,
  nColumns: number,
  record: CsvRecord,
  index: number,
  warnings: Warnings,
  urls: UrlContext,
): SampleRow {
  const { line, fields: values } = record;
  if (record.quoteError) {
    const span = record.endLine !== undefined && record.endLine > line ? `; lines ${line}–${record.endLine} were read as this one row` : '';
    return { index, line, values, problem: record.quoteError + span };
  }
  if (values.length !== nColumns) {
    return { index, line, values, problem: `expected ${nColumns} fields (one per header column) but found ${values.length}` };
  }
  const notes: Array<[string, ValueProblem]> = [];
  try {
    const fields = spec.read({
      get: (column) => {
        const i = position.get(column);
        return i === undefined ? undefined : values[i];
      },
      note: (column, problem) => notes.push([column, problem]),
      urls: { loopbackPage: urls.loopbackPage },
    });
    const row: SampleRow = fields.target
      ? { index, line, values, target: fields.target, key: targetKey(fields.target) }
      : { index, line, values, name: fields.name!, key: nameKey(fields.name!, fields.nameMission) };
    if (fields.nameMission !== undefined) row.nameMission = fields.nameMission;
    // Only defined values, so that an absent optional is absent rather than a key holding undefined.
    if (fields.label !== undefined) row.label = fields.label;
    if (fields.period !== undefined) row.period = fields.period;
    if (fields.depthPpm !== undefined) row.depthPpm = fields.depthPpm;
    if (fields.durationHours !== undefined) row.durationHours = fields.durationHours;
    if (fields.epochBjd !== undefined) row.epochBjd = fields.epochBjd;
    if (fields.lightcurveUrls !== undefined) row.lightcurveUrls = fields.lightcurveUrls;
    if (fields.star !== undefined) row.star = fields.star;
    // Counted only for rows that are searched: an invalid row's reason already says what is wrong.
    for (const [column, problem] of notes) warnings.add(column, problem, line);
    return row;
  } catch (err) {
    if (err instanceof RowProblem) return { index, line, values, problem: err.message };
    throw err;
  }
}

/** Catalogue values left empty, counted per column and reason, in the order first met. */
class Warnings {
  private readonly byKey = new Map<string, SampleWarning>();

  add(column: string, problem: ValueProblem, line: number): void {
    const key = `${column}\u0000${problem}`;
    let w = this.byKey.get(key);
    if (!w) this.byKey.set(key, (w = { column, problem, rows: 0, lines: [] }));
    w.rows++;
    if (w.lines.length < WARNING_LINES) w.lines.push(line);
  }

  list(): SampleWarning[] {
    return [...this.byKey.values()];
  }
}

/** Two columns with a name this format reads would make the row's meaning ambiguous. */
function checkDuplicates(fileName: string, spec: FormatSpec, keys: readonly string[]): void {
  const repeated = spec.reads.filter((c) => keys.indexOf(c) !== keys.lastIndexOf(c));
  if (repeated.length > 0) {
    fileError(fileName, `has more than one column named ${repeated.map((c) => `"${c}"`).join(', ')}`);
  }
}

/** Control characters other than tab/LF/CR, or many U+FFFD (bytes that were not UTF-8), mean not text. */
function looksBinary(text: string): boolean {
  const head = text.slice(0, SNIFF_CHARS);
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(head)) return true;
  const replaced = head.match(/\uFFFD/g)?.length ?? 0;
  return replaced > 8 && replaced > head.length / 100;
}

function fileError(fileName: string, what: string): never {
  const accepted = FORMATS.map((f, i) => `(${i + 1}) ${f.description}`).join('; ');
  throw new AppError('invalid-sample-file', `"${fileName}" ${what}. Expected a CSV file whose header is one of: ${accepted}.`, {
    fileName,
  });
}
