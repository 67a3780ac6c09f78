import { AppError } from '../errors.ts';
import { viaProxy, type MastConfig } from './config.ts';
import { httpStatusError, pause, withRetries, type MastDeps } from './http.ts';

/** One column of a Portal API answer (`fields`). */
export interface MastField {
  name: string;
  type: string;
}

/** A Portal API table: rows are objects keyed by column name, nulls kept as `null`. */
export interface MastTable {
  fields: MastField[];
  data: Array<Record<string, unknown>>;
}

interface MastEnvelope {
  status?: unknown;
  msg?: unknown;
  data?: unknown;
  fields?: unknown;
  paging?: { page?: unknown; pagesFiltered?: unknown };
}

/** astroquery's `conf.pagesize` (§1.1). */
export const DEFAULT_PAGESIZE = 50_000;
/** `EXECUTING` polls before giving up; with the waits below about 9 minutes, under astroquery's 600 s. */
const MAX_POLLS = 60;
const POLL_MIN_MS = 1_000;
const POLL_MAX_MS = 10_000;

/**
 * Calls one Portal API service the way astroquery does (mast-and-formats.md §1.1): POST
 * `request=<percent-encoded JSON>` as a form body with no other header, so a browser sends it as a
 * CORS simple request without a preflight. While MAST answers `EXECUTING` the identical request
 * (same cacheBreaker) is sent again; with no explicit `page`, the following pages are fetched
 * and stacked.
 */
export async function invoke(
  config: MastConfig,
  service: string,
  params: object,
  deps: MastDeps,
  extra: { pagesize?: number; page?: number } = {},
): Promise<MastTable> {
  const pagesize = extra.pagesize ?? DEFAULT_PAGESIZE;
  const cacheBreaker = randomUuid();
  const table: MastTable = { fields: [], data: [] };
  for (let page = extra.page ?? 1; ; page++) {
    const request = { service, params, format: 'json', pagesize, page, cacheBreaker };
    const answer = await pollUntilDone(config, service, request, deps);
    if (table.fields.length === 0) table.fields = answer.fields;
    table.data.push(...answer.data);
    if (extra.page !== undefined || answer.pagesFiltered <= page) return table;
  }
}

/** The form body for one request object. */
export function encodeInvokeBody(request: object): string {
  return `request=${encodeURIComponent(JSON.stringify(request))}`;
}

/**
 * One request answered with whatever JSON MAST sends (with retries, without polling): for
 * services whose answer is not the table envelope, such as `Mast.Name.Lookup` (§1.4).
 */
export async function invokeRaw(config: MastConfig, service: string, params: object, deps: MastDeps): Promise<Record<string, unknown>> {
  const url = viaProxy(config, `${config.apiBase}/api/v0/invoke`);
  const body = encodeInvokeBody({ service, params, format: 'json', cacheBreaker: randomUuid() });
  return (await withRetries(url, 'mast-error', deps, (signal) => postOnce(url, body, service, deps, signal))) as Record<string, unknown>;
}

async function pollUntilDone(
  config: MastConfig,
  service: string,
  request: object,
  deps: MastDeps,
): Promise<MastTable & { pagesFiltered: number }> {
  const url = viaProxy(config, `${config.apiBase}/api/v0/invoke`);
  const body = encodeInvokeBody(request);
  for (let poll = 0; ; poll++) {
    const envelope = await withRetries(url, 'mast-error', deps, (signal) => postOnce(url, body, service, deps, signal));
    if (envelope.status === 'COMPLETE') return readTable(envelope, service);
    if (envelope.status === 'ERROR') {
      const msg = typeof envelope.msg === 'string' && envelope.msg !== '' ? envelope.msg : 'There was an error with your request.';
      throw new AppError('mast-error', `MAST ${service}: ${msg}`, { service });
    }
    if (envelope.status !== 'EXECUTING') {
      throw new AppError('mast-error', `MAST ${service} answered with status ${JSON.stringify(envelope.status)}`, { service });
    }
    if (poll >= MAX_POLLS) {
      throw new AppError('mast-error', `MAST ${service} was still executing after ${MAX_POLLS} polls`, { service, transient: true });
    }
    await pause(Math.min(POLL_MAX_MS, POLL_MIN_MS * 1.5 ** poll), deps);
  }
}

async function postOnce(url: string, body: string, service: string, deps: MastDeps, signal: AbortSignal): Promise<MastEnvelope> {
  const res = await deps.fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    signal,
  });
  const text = await res.text();
  if (!res.ok) throw httpStatusError('mast-error', `MAST ${service}: HTTP ${res.status} ${res.statusText}`.trim(), res.status, url);
  try {
    return JSON.parse(text) as MastEnvelope;
  } catch {
    // An HTML maintenance page answered with 200 (MAST's monthly patching, §3): worth another try.
    throw new AppError('mast-error', `MAST ${service} answered with something that is not JSON: ${text.slice(0, 80)}`, {
      transient: true,
      url,
    });
  }
}

function readTable(envelope: MastEnvelope, service: string): MastTable & { pagesFiltered: number } {
  if (!Array.isArray(envelope.data)) {
    throw new AppError('mast-error', `MAST ${service} answered COMPLETE without a data array`, { service });
  }
  const fields = Array.isArray(envelope.fields) ? (envelope.fields as MastField[]) : [];
  const pagesFiltered = Number(envelope.paging?.pagesFiltered ?? 1);
  return { fields, data: envelope.data as Array<Record<string, unknown>>, pagesFiltered: Number.isFinite(pagesFiltered) ? pagesFiltered : 1 };
}

/**
 * A v4 UUID for astroquery's `cacheBreaker`. `crypto.randomUUID` exists only in secure contexts,
 * and the app may be served over plain http on a LAN, so this uses `getRandomValues` (RFC 9562 §5.4).
 */
export function randomUuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
