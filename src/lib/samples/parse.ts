import { AppError } from '../errors.ts';
import { nameKey, targetKey } from '../target.ts';
import { RowProblem } from './fields.ts';
import { detectFormat, FORMATS, type FormatSpec } from './formats.ts';
import { readCsvRecords, type CsvRecord } from './read-csv.ts';
import type { SampleList, SampleRow } from './types.ts';

/** How much of the start of a file is checked for binary bytes. */
const SNIFF_CHARS = 65_536;

/**
 * Reads a target list in one of the accepted formats (see FORMATS). Every data row comes back, valid
 * or with the reason it is not; only file-level problems throw, as AppError('invalid-sample-file').
 */
export function parseSampleList(text: string, fileName: string): SampleList {
  if (looksBinary(text)) fileError(fileName, 'is not a text CSV file (it contains binary data)');
  const records = readCsvRecords(text);
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
  const rows = records.slice(1).map((record, index) => readRow(spec, position, columns.length, record, index));
  const nInvalid = rows.reduce((n, r) => n + (r.problem === undefined ? 0 : 1), 0);
  return { fileName, format: spec.format, columns, rows, nValid: rows.length - nInvalid, nInvalid };
}

function readRow(
  spec: FormatSpec,
  position: ReadonlyMap<string, number>,
  nColumns: number,
  record: CsvRecord,
  index: number,
): SampleRow {
  const { line, fields: values } = record;
  if (record.quoteError) {
    const span = record.endLine !== undefined && record.endLine > line ? `; lines ${line}–${record.endLine} were read as this one row` : '';
    return { index, line, values, problem: record.quoteError + span };
  }
  if (values.length !== nColumns) {
    return { index, line, values, problem: `expected ${nColumns} fields (one per header column) but found ${values.length}` };
  }
  try {
    const fields = spec.read((column) => {
      const i = position.get(column);
      return i === undefined ? undefined : values[i];
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
    return row;
  } catch (err) {
    if (err instanceof RowProblem) return { index, line, values, problem: err.message };
    throw err;
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
