import { CATALOG, OBSERVATION_FIELDS, PRODUCT_FIELDS, observationRow, productRow } from './catalog.ts';

/** MAST's answer envelope (mast-and-formats.md §1.1). */
export interface Envelope {
  status: 'COMPLETE' | 'EXECUTING' | 'ERROR';
  msg: string;
  data: Array<Record<string, unknown>>;
  fields: Array<{ name: string; type: string }>;
  paging: { page: number; pageSize: number; pagesFiltered: number; rows: number; rowsFiltered: number; rowsTotal: number };
}

interface Filter {
  paramName?: unknown;
  values?: unknown;
  freeText?: unknown;
}

const OBSERVATION_ROWS = CATALOG.map(observationRow);
const OBSERVATION_COLUMNS = new Set(OBSERVATION_FIELDS.map(([name]) => name));

/** Answers one decoded `request=` object. */
export function answerInvoke(request: Record<string, unknown>): Envelope {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const pagesize = positiveInt(request.pagesize, 50_000);
  const page = positiveInt(request.page, 1);
  switch (request.service) {
    case 'Mast.Caom.Filtered':
      return filtered(params, pagesize, page);
    case 'Mast.Caom.Products':
      return products(params, pagesize, page);
    default:
      return error(`Unknown service: ${String(request.service)}`);
  }
}

function filtered(params: Record<string, unknown>, pagesize: number, page: number): Envelope {
  const filters = Array.isArray(params.filters) ? (params.filters as Filter[]) : [];
  for (const f of filters) {
    if (typeof f.paramName !== 'string' || !OBSERVATION_COLUMNS.has(f.paramName)) return error(`Invalid column name: ${String(f.paramName)}`);
  }
  const rows = OBSERVATION_ROWS.filter((row) => filters.every((f) => matches(row[f.paramName as string], f)));
  if (params.columns === 'COUNT_BIG(*)') {
    return envelope([{ Column1: rows.length }], [{ name: 'Column1', type: 'string' }], pagesize, page);
  }
  return envelope(rows, OBSERVATION_FIELDS, pagesize, page);
}

/** OR within a filter's values, as MAST does; `freeText` is an SQL LIKE pattern (§1.2). */
function matches(value: unknown, f: Filter): boolean {
  const values = Array.isArray(f.values) ? f.values : [];
  const anyValue = values.some((v) => {
    if (v !== null && typeof v === 'object') {
      const { min, max } = v as { min?: unknown; max?: unknown };
      const x = Number(value);
      return value !== null && x >= Number(min ?? -Infinity) && x <= Number(max ?? Infinity);
    }
    return value !== null && String(value) === String(v);
  });
  if (typeof f.freeText === 'string' && f.freeText !== '') {
    const re = new RegExp(`^${f.freeText.split('%').map(escapeRegExp).join('.*')}$`, 'i');
    return (values.length === 0 || anyValue) && value !== null && re.test(String(value));
  }
  return anyValue;
}

function products(params: Record<string, unknown>, pagesize: number, page: number): Envelope {
  const wanted = new Set(String(params.obsid ?? '').split(',').map((s) => s.trim()));
  const rows = CATALOG.filter((o) => wanted.has(o.obsid)).flatMap((o) => o.products.map((p) => productRow(o, p)));
  return envelope(rows, PRODUCT_FIELDS, pagesize, page);
}

function envelope(
  rows: Array<Record<string, unknown>>,
  fields: ReadonlyArray<[string, string]> | Array<{ name: string; type: string }>,
  pageSize: number,
  page: number,
): Envelope {
  const slice = rows.slice((page - 1) * pageSize, page * pageSize);
  return {
    status: 'COMPLETE',
    msg: '',
    data: slice,
    fields: fields.map((f) => (Array.isArray(f) ? { name: f[0], type: f[1] } : f)),
    paging: {
      page,
      pageSize,
      pagesFiltered: Math.max(1, Math.ceil(rows.length / pageSize)),
      rows: slice.length,
      rowsFiltered: rows.length,
      rowsTotal: rows.length,
    },
  };
}

function error(msg: string): Envelope {
  return { status: 'ERROR', msg, data: [], fields: [], paging: { page: 1, pageSize: 0, pagesFiltered: 0, rows: 0, rowsFiltered: 0, rowsTotal: 0 } };
}

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
