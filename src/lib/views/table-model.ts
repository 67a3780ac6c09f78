/**
 * The results table's model: one row per input row, as in the CSV, with the row's own name, label and
 * catalogue values beside the star's search results. Pure (no DOM, no Svelte): built, sorted,
 * filtered and counted here, tested in Node.
 */
import type { CatalogValues, JobRecord, SampleRecord, TargetRecord } from '../jobs/types.ts';
import { FEATURE_COLUMNS, type Features } from '../search/result.ts';
import { formatTarget } from '../target.ts';

export type RowStatus = 'ok' | 'failed' | 'pending';

export interface TableRow {
  /** 0-based input row. */
  index: number;
  /** 1-based line in the file. */
  line: number;
  /** The row's own designation (`TOI-1000.01`, `K00752.01`), else its target cell. */
  name: string;
  /** The star searched (`TIC 50365310`); empty for an invalid row. */
  star: string;
  /** Disposition from the list (`CONFIRMED`, `FP`, `PC`, …); empty when it has none. */
  label: string;
  status: RowStatus;
  /** Error code of a failed row (`invalid-sample-row` for a row the list refused). */
  errorCode: string;
  errorMessage: string;
  /** The work unit (star) the row maps to. */
  targetKey?: string;
  /** The row's own catalogue values. */
  catalog?: CatalogValues;
  /** The star's features, shared by every row naming it. */
  features?: Features;
}

/** Columns that hold a row's own designation, in order of preference (KOI, TOI exports, ours). */
const NAME_COLUMNS = ['kepoi_name', 'toi', 'kepler_name', 'pl_name', 'name', 'target_id', 'target'];
/** Columns that hold the list's label: ours, TOI's TFOPWG disposition, KOI's Exoplanet Archive disposition. */
const LABEL_COLUMNS = ['label', 'tfopwg_disp', 'koi_disposition', 'disposition'];

/** Where the designation and label are among a list's columns (-1 when absent). */
export function identityColumns(columns: string[]): { name: number; label: number; nameColumn: string } {
  const lower = columns.map((c) => c.trim().toLowerCase());
  const nameColumn = NAME_COLUMNS.find((c) => lower.includes(c)) ?? '';
  const label = LABEL_COLUMNS.map((c) => lower.indexOf(c)).find((i) => i >= 0) ?? -1;
  return { name: nameColumn ? lower.indexOf(nameColumn) : -1, label, nameColumn };
}

function designation(column: string, value: string): string {
  const v = value.trim();
  // The TOI export writes `1000.01`; the archive's own name for it is `TOI-1000.01`.
  if (column === 'toi' && /^\d/.test(v)) return `TOI-${v}`;
  return v;
}

export function starName(t: TargetRecord | undefined): string {
  if (!t) return '';
  if (t.target) return formatTarget(t.target);
  return t.name ?? t.key;
}

/** The table row of one input row, from the row and its star's record. */
export function buildRow(sample: SampleRecord, ids: ReturnType<typeof identityColumns>, target: TargetRecord | undefined): TableRow {
  const row: TableRow = {
    index: sample.index,
    line: sample.line,
    name: ids.name >= 0 ? designation(ids.nameColumn, sample.values[ids.name] ?? '') : '',
    star: starName(target),
    label: ids.label >= 0 ? (sample.values[ids.label] ?? '').trim() : '',
    status: 'pending',
    errorCode: '',
    errorMessage: '',
    ...(sample.targetKey ? { targetKey: sample.targetKey } : {}),
    ...(sample.catalog ? { catalog: sample.catalog } : {}),
  };
  if (!row.name) row.name = row.star;
  if (sample.problem || !sample.targetKey) {
    row.status = 'failed';
    row.errorCode = 'invalid-sample-row';
    row.errorMessage = `line ${sample.line}: ${sample.problem ?? 'no target'}`;
    return row;
  }
  if (target) applyTarget(row, target);
  return row;
}

/** Puts the star's state on a row (again when a result arrives). */
export function applyTarget(row: TableRow, target: Pick<TargetRecord, 'status' | 'result'>): void {
  const r = target.result;
  row.status = target.status === 'pending' || !r ? 'pending' : r.status;
  row.errorCode = r?.error?.code ?? '';
  row.errorMessage = r?.error?.message ?? '';
  row.features = r?.features;
}

export interface RowCounts {
  rows: number;
  ok: number;
  failed: number;
  pending: number;
  /** Rows the list itself refused (counted in `failed`). */
  invalid: number;
}

/** Rows by status, counted as the CSV counts them (one per input row). */
export function countRows(rows: readonly TableRow[]): RowCounts {
  const c: RowCounts = { rows: rows.length, ok: 0, failed: 0, pending: 0, invalid: 0 };
  for (const r of rows) {
    c[r.status]++;
    if (r.errorCode === 'invalid-sample-row') c.invalid++;
  }
  return c;
}

/** Counts by a key (error code, label), most frequent first. */
export function countBy(rows: readonly TableRow[], key: (r: TableRow) => string): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (k) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export interface Column {
  id: string;
  label: string;
  numeric: boolean;
  /** The feature dictionary's anchor for a feature column. */
  feature?: string;
  value(row: TableRow): number | string | undefined;
  format(row: TableRow): string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Fixed decimals, or significant digits for values far from 1. */
export function formatNumber(v: number | undefined, digits = 4): string {
  if (v === undefined) return '';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits + 2)).toString();
}

function numeric(id: string, label: string, get: (r: TableRow) => number | undefined, digits = 4, feature?: string): Column {
  return { id, label, numeric: true, value: get, format: (r) => formatNumber(get(r), digits), ...(feature ? { feature } : {}) };
}

function text(id: string, label: string, get: (r: TableRow) => string): Column {
  return { id, label, numeric: false, value: get, format: get };
}

/** The table's own columns: identity, the list's values beside the found ones. */
export const BASE_COLUMNS: Column[] = [
  numeric('line', 'Line', (r) => r.line),
  text('name', 'Name', (r) => r.name),
  text('star', 'Star', (r) => r.star),
  text('label', 'Label', (r) => r.label),
  text('status', 'Status', (r) => r.status),
  numeric('cat_period', 'Catalogue period (d)', (r) => r.catalog?.period, 6),
  numeric('bls_period', 'Period (d)', (r) => num(r.features?.bls_period), 6, 'bls_period'),
  numeric('cat_depth', 'Catalogue depth (ppm)', (r) => r.catalog?.depthPpm, 4),
  numeric('depth_ppm', 'Depth (ppm)', (r) => {
    const d = num(r.features?.bls_depth);
    return d === undefined ? undefined : d * 1e6;
  }, 4, 'bls_depth'),
  numeric('duration_h', 'Duration (h)', (r) => {
    const d = num(r.features?.bls_duration);
    return d === undefined ? undefined : d * 24;
  }, 3, 'bls_duration'),
  numeric('bls_snr', 'SNR', (r) => num(r.features?.bls_snr), 3, 'bls_snr'),
  text('error', 'Error', (r) => (r.errorCode ? `${r.errorCode}: ${r.errorMessage}` : '')),
];

export const DEFAULT_COLUMN_IDS = ['line', 'name', 'label', 'status', 'cat_period', 'bls_period', 'cat_depth', 'depth_ppm', 'duration_h', 'bls_snr', 'error'];

/** A feature column of the CSV, by its CSV name. */
export function featureColumn(name: string): Column {
  return {
    id: `f:${name}`,
    label: name,
    numeric: true,
    feature: name,
    value: (r) => r.features?.[name as keyof Features],
    format: (r) => {
      const v = r.features?.[name as keyof Features];
      return typeof v === 'number' ? formatNumber(num(v), 5) : (v ?? '');
    },
  };
}

/** Every column a user may pick: the table's own, then every CSV feature column. */
export function allColumns(): Column[] {
  const shown = new Set(['bls_period']);
  return [...BASE_COLUMNS, ...FEATURE_COLUMNS.filter((c) => !shown.has(c)).map(featureColumn)];
}

export interface TableQuery {
  sort: string | null;
  descending: boolean;
  status: RowStatus | '';
  errorCode: string;
  label: string;
  search: string;
}

export const EMPTY_QUERY: TableQuery = { sort: null, descending: false, status: '', errorCode: '', label: '', search: '' };

/** Indices of the rows the query shows, in its order (input order when unsorted); empty values sort last. */
export function queryRows(rows: readonly TableRow[], query: TableQuery, columns: readonly Column[]): Int32Array {
  const needle = query.search.trim().toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (query.status && r.status !== query.status) continue;
    if (query.errorCode && r.errorCode !== query.errorCode) continue;
    if (query.label && r.label !== query.label) continue;
    if (needle && !r.name.toLowerCase().includes(needle) && !r.star.toLowerCase().includes(needle)) continue;
    out.push(i);
  }
  const column = query.sort ? columns.find((c) => c.id === query.sort) : undefined;
  if (column) {
    const keys = out.map((i) => column.value(rows[i]));
    const order = out.map((_, k) => k);
    const sign = query.descending ? -1 : 1;
    order.sort((a, b) => {
      const va = keys[a];
      const vb = keys[b];
      const ea = va === undefined || va === '' || (typeof va === 'number' && Number.isNaN(va));
      const eb = vb === undefined || vb === '' || (typeof vb === 'number' && Number.isNaN(vb));
      if (ea || eb) return ea === eb ? out[a] - out[b] : ea ? 1 : -1;
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
      return c !== 0 ? sign * c : out[a] - out[b];
    });
    return Int32Array.from(order, (k) => out[k]);
  }
  return Int32Array.from(out);
}

/** Rows of a job, from its stored records. */
export function buildRows(job: Pick<JobRecord, 'columns'>, samples: readonly SampleRecord[], targets: ReadonlyMap<string, TargetRecord>): TableRow[] {
  const ids = identityColumns(job.columns);
  return samples.map((s) => buildRow(s, ids, s.targetKey ? targets.get(s.targetKey) : undefined));
}
