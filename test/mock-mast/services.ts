import { CATALOG, NAMES, OBSERVATION_FIELDS, PRODUCT_FIELDS, observationRow, productRow, type CatalogObservation } from './catalog.ts';

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

const OBSERVATION_COLUMNS = new Set(OBSERVATION_FIELDS.map(([name]) => name));
const DEFAULT_ROWS = CATALOG.map(observationRow);

/** The legacy resolver's answer (§1.4): not the table envelope. */
export interface NameLookupAnswer {
  resolvedCoordinate: Array<{ searchString: string; resolver: string; canonicalName: string; ra: number; decl: number }>;
  status: string;
}

/**
 * Answers one decoded `request=` object against `catalog`. With `empty`, searches and product lists
 * answer COMPLETE with no rows (MAST's whole-archive gaps, §3).
 */
export function answerInvoke(
  request: Record<string, unknown>,
  catalog: readonly CatalogObservation[] = CATALOG,
  empty = false,
): Envelope | NameLookupAnswer {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const pagesize = positiveInt(request.pagesize, 50_000);
  const page = positiveInt(request.page, 1);
  const rows = empty ? [] : catalog === CATALOG ? DEFAULT_ROWS : catalog.map(observationRow);
  switch (request.service) {
    case 'Mast.Caom.Filtered':
      return filtered(rows, params, pagesize, page, null);
    case 'Mast.Caom.Filtered.Position': {
      const position = String(params.position ?? '').split(',').map((x) => Number(x.trim()));
      if (position.length !== 3 || position.some((x) => !Number.isFinite(x))) return error(`Invalid position: ${String(params.position)}`);
      return filtered(rows, params, pagesize, page, position as [number, number, number]);
    }
    case 'Mast.Caom.Products':
      return products(empty ? [] : catalog, params, pagesize, page);
    case 'Mast.Name.Lookup':
      return nameLookup(String(params.input ?? ''));
    default:
      return error(`Unknown service: ${String(request.service)}`);
  }
}

function nameLookup(input: string): NameLookupAnswer {
  const known = NAMES[input.trim().toLowerCase()];
  return {
    resolvedCoordinate: known ? [{ searchString: input.trim().toLowerCase(), resolver: 'SIMBAD', ...known }] : [],
    status: '',
  };
}

/** Great-circle separation in degrees (haversine). */
function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const h = Math.sin(((dec2 - dec1) * r) / 2) ** 2 + Math.cos(dec1 * r) * Math.cos(dec2 * r) * Math.sin(((ra2 - ra1) * r) / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(h)))) / r;
}

function filtered(
  all: Array<Record<string, unknown>>,
  params: Record<string, unknown>,
  pagesize: number,
  page: number,
  cone: [number, number, number] | null,
): Envelope {
  const filters = Array.isArray(params.filters) ? (params.filters as Filter[]) : [];
  for (const f of filters) {
    if (typeof f.paramName !== 'string' || !OBSERVATION_COLUMNS.has(f.paramName)) return error(`Invalid column name: ${String(f.paramName)}`);
  }
  let rows = all.filter((row) => filters.every((f) => matches(row[f.paramName as string], f)));
  if (cone) {
    // Positional services add `distance` in arcsec and sort by it (§1.2).
    rows = rows
      .map((row) => ({ ...row, distance: separationDeg(cone[0], cone[1], Number(row.s_ra), Number(row.s_dec)) * 3600 }))
      .filter((row) => row.distance <= cone[2] * 3600)
      .sort((a, b) => a.distance - b.distance);
  }
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

function products(catalog: readonly CatalogObservation[], params: Record<string, unknown>, pagesize: number, page: number): Envelope {
  const wanted = new Set(String(params.obsid ?? '').split(',').map((s) => s.trim()));
  const rows = catalog.filter((o) => wanted.has(o.obsid)).flatMap((o) => o.products.map((p) => productRow(o, p)));
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
