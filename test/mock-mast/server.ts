import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CATALOG, findServed, mirrorKeys, syntheticObservations, type CatalogObservation, type CatalogProduct } from './catalog.ts';
import { answerInvoke } from './services.ts';
import { mulberry32 } from '../helpers/random.ts';

/**
 * Faults to inject, each a switch a test flips on the running stand-in (`mock.faults.x = …`).
 * Counted faults hit the next `count` matching requests and then stop, as MAST's bursts do.
 */
export interface MockFaults {
  /** The next `count` invoke answers are this HTTP status (503/504 bursts). */
  invokeErrors?: { status: number; count: number };
  /** The next `count` file answers (Download, archive or cloud paths) are this HTTP status. */
  downloadErrors?: { status: number; count: number };
  /** The next `count` requests of any route never answer. */
  hang?: number;
  /**
   * The next `count` file answers send half the file: `dropped` declares the whole length and then
   * closes the connection; `short` sends no length and ends cleanly after half (not whole FITS blocks).
   */
  truncate?: { count: number; mode: 'dropped' | 'short' };
  /** Each new invoke request (per cacheBreaker) is answered EXECUTING this many times before its result. */
  executing?: number;
  /** Searches and product lists answer COMPLETE with no rows. */
  empty?: boolean;
  /** Download/file answers 302 to this base + the product's cloud key (as MAST → S3, §1.5). */
  redirectTo?: string;
  /** Bytes per second of one shared link for every response body (0 or absent: unlimited). */
  bandwidth?: number;
  /**
   * Seeded random faults, drawn per request (preflights aside): with probability `serverErrors` a
   * 503, `hangs` no answer at all; per file GET, `truncated` half the body and a dropped connection.
   * The same seed gives the same sequence of draws.
   */
  random?: { seed: number; serverErrors?: number; hangs?: number; truncated?: number };
  /** MAST is down: every connection is reset at once, as by a host that is not there. */
  outage?: boolean;
}

export interface MockMastOptions {
  /** 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The folder holding the fixture FITS files under their real names. */
  lightcurveDir: string;
  invokeLatencyMs?: number;
  downloadLatencyMs?: number;
  /**
   * `Access-Control-Allow-Origin` on every answer: '*' by default; null sends no CORS headers;
   * 'reflect' echoes the request's Origin except `null`, the origin a browser sends after a
   * cross-origin redirect (so a redirect to this host is blocked, §2.2).
   */
  corsOrigin?: string | null;
  /** SYNTHETIC targets added to the catalogue (see syntheticObservations). */
  syntheticTargets?: number;
  /** The fixture files the synthetic targets serve, in turn (default WASP-126's TESS file). */
  syntheticSources?: string[];
  faults?: MockFaults;
}

export interface RequestLogEntry {
  time: number;
  method: string;
  path: string;
  service?: string;
  params?: unknown;
  uri?: string;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  origin?: string;
  /** The fault this request met, if any. */
  fault?: 'outage' | 'hang' | 'server-error' | 'truncated';
  /** The whole body was written (not cut by a fault, nor by the client going away). */
  completed?: boolean;
}

export interface MockMast {
  url: string;
  close(): Promise<void>;
  log: RequestLogEntry[];
  /** Completed GET downloads (200 or 206, the whole body sent) of this file name, by any route. */
  downloads(fileName: string): number;
  /** The switches, live: change them between requests. */
  faults: MockFaults;
  /** CATALOG plus the synthetic targets. */
  catalog: readonly CatalogObservation[];
}

const INVOKE_PATH = '/api/v0/invoke';
const DOWNLOAD_PATHS = new Set(['/api/v0.1/Download/file', '/api/v0.1/Download/file/']);
const CHUNK = 64 * 1024;

interface Served {
  observation: CatalogObservation;
  product: CatalogProduct;
}

/**
 * A local stand-in for MAST's Portal API, Download endpoint, archive paths and cloud copy
 * (mast-and-formats.md §6), on Node's own `http`, serving the real fixture light curves under their
 * MAST names and URIs, with switchable faults.
 */
export async function startMockMast(opts: MockMastOptions): Promise<MockMast> {
  await checkFilesPresent(opts.lightcurveDir);
  const catalog = opts.syntheticTargets ? [...CATALOG, ...(await synthetic(opts))] : CATALOG;
  const byPath = new Map<string, Served>();
  for (const observation of catalog) {
    for (const product of observation.products) {
      if (!product.served) continue;
      const keys = mirrorKeys(observation, product);
      byPath.set(keys.archive, { observation, product });
      byPath.set(keys.cloud, { observation, product });
    }
  }
  const state: ServerState = {
    opts,
    catalog,
    byPath,
    faults: opts.faults ?? {},
    polls: new Map(),
    linkFreeAt: 0,
    files: new Map(),
    draws: null,
  };
  const log: RequestLogEntry[] = [];
  const server = createServer((req, res) => {
    const entry: RequestLogEntry = { time: Date.now(), method: req.method ?? 'GET', path: '', status: 0, bytes: 0, origin: req.headers.origin };
    log.push(entry);
    if (state.faults.outage) {
      entry.path = new URL(req.url ?? '/', 'http://mock').pathname;
      entry.fault = 'outage';
      return void req.socket.destroy();
    }
    const draw = req.method === 'OPTIONS' ? null : randomFault(state);
    if (((state.faults.hang ?? 0) > 0 && req.method !== 'OPTIONS') || draw === 'hang') {
      if (draw !== 'hang') state.faults.hang!--;
      entry.path = new URL(req.url ?? '/', 'http://mock').pathname;
      entry.fault = 'hang';
      return; // never answered; close() destroys the socket
    }
    if (draw === 'server-error') {
      entry.path = new URL(req.url ?? '/', 'http://mock').pathname;
      entry.fault = 'server-error';
      return void send(res, entry, state, req, 503, 'text/html', Buffer.from('<html><body>503 Service Unavailable</body></html>'));
    }
    handle(req, res, entry, state).catch((err: unknown) => {
      if (!res.headersSent) void send(res, entry, state, req, 500, 'text/plain', Buffer.from(`mock MAST failed: ${String(err)}`));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    log,
    catalog,
    get faults() {
      return state.faults;
    },
    set faults(f: MockFaults) {
      state.faults = f;
    },
    downloads: (fileName) =>
      log.filter(
        (e) =>
          e.method === 'GET' &&
          (e.uri !== undefined ? path.posix.basename(e.uri) : path.posix.basename(e.path)) === fileName &&
          (e.status === 200 || e.status === 206) &&
          e.completed === true,
      ).length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface ServerState {
  opts: MockMastOptions;
  catalog: readonly CatalogObservation[];
  byPath: Map<string, Served>;
  faults: MockFaults;
  /** EXECUTING answers given per cacheBreaker. */
  polls: Map<string, number>;
  /** When the shared link is free again (ms, performance.now clock). */
  linkFreeAt: number;
  files: Map<string, Promise<Buffer>>;
  /** The random faults' generator and the seed it was made for. */
  draws: { seed: number; next: () => number } | null;
}

/** The synthetic targets, each product listing the size of the file it serves. */
async function synthetic(opts: MockMastOptions): Promise<CatalogObservation[]> {
  const sources = opts.syntheticSources;
  if (!sources) return syntheticObservations(opts.syntheticTargets ?? 0);
  const sizes: Record<string, number> = {};
  for (const name of sources) sizes[name] = (await stat(path.join(opts.lightcurveDir, name))).size;
  return syntheticObservations(opts.syntheticTargets ?? 0, sources, sizes);
}

/** One draw of the seeded random faults for a request: what it meets, if anything. */
function randomFault(state: ServerState): 'hang' | 'server-error' | null {
  const r = state.faults.random;
  if (!r) return null;
  const u = nextDraw(state, r.seed);
  if (u < (r.hangs ?? 0)) return 'hang';
  if (u < (r.hangs ?? 0) + (r.serverErrors ?? 0)) return 'server-error';
  return null;
}

function nextDraw(state: ServerState, seed: number): number {
  if (!state.draws || state.draws.seed !== seed) state.draws = { seed, next: mulberry32(seed) };
  return state.draws.next();
}

async function checkFilesPresent(dir: string): Promise<void> {
  for (const o of CATALOG) {
    for (const p of o.products) {
      if (!p.served) continue;
      const s = await stat(path.join(dir, p.productFilename));
      if (s.size !== p.size) throw new Error(`mock MAST: ${p.productFilename} has ${s.size} bytes, the catalogue says ${p.size}`);
    }
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, state: ServerState): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mock');
  entry.path = url.pathname;
  if (req.method === 'OPTIONS') return preflight(req, res, entry, state);
  if (url.pathname === INVOKE_PATH && (req.method === 'POST' || req.method === 'GET')) {
    const encoded = req.method === 'POST' ? new URLSearchParams(await readBody(req)).get('request') : url.searchParams.get('request');
    return invokeRoute(encoded, req, res, entry, state);
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (DOWNLOAD_PATHS.has(url.pathname)) {
      const uri = url.searchParams.get('uri') ?? '';
      entry.uri = uri;
      const product = findServed(uri, state.catalog);
      const observation = product && state.catalog.find((o) => o.products.includes(product));
      if (observation && product && state.faults.redirectTo) {
        await delay(state.opts.downloadLatencyMs);
        const location = `${state.faults.redirectTo}${mirrorKeys(observation, product).cloud}`;
        return send(res, entry, state, req, 302, 'text/plain', Buffer.alloc(0), { Location: location });
      }
      return fileRoute(product, `File not found: ${uri}`, req, res, entry, state);
    }
    const mirrored = state.byPath.get(url.pathname);
    if (mirrored || /^\/(missions|hlsps|tess|kepler|k2|mast)\//.test(url.pathname)) {
      return fileRoute(mirrored?.product, `The specified key does not exist: ${url.pathname}`, req, res, entry, state);
    }
  }
  await send(res, entry, state, req, 404, 'text/plain', Buffer.from(`no route ${req.method} ${url.pathname}`));
}

async function invokeRoute(
  encoded: string | null,
  req: IncomingMessage,
  res: ServerResponse,
  entry: RequestLogEntry,
  state: ServerState,
): Promise<void> {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(encoded ?? '') as Record<string, unknown>;
  } catch {
    return send(res, entry, state, req, 400, 'text/plain', Buffer.from('request= is missing or is not JSON'));
  }
  entry.service = String(request.service);
  entry.params = request.params;
  await delay(state.opts.invokeLatencyMs);
  const burst = state.faults.invokeErrors;
  if (burst && burst.count > 0) {
    burst.count--;
    return send(res, entry, state, req, burst.status, 'text/html', Buffer.from(`<html><body>${burst.status} Service Unavailable</body></html>`));
  }
  const executing = state.faults.executing ?? 0;
  const key = String(request.cacheBreaker ?? '');
  const polled = state.polls.get(key) ?? 0;
  if (polled < executing) {
    state.polls.set(key, polled + 1);
    const answer = { status: 'EXECUTING', msg: '', data: [], fields: [], paging: {} };
    return send(res, entry, state, req, 200, 'application/json', Buffer.from(JSON.stringify(answer)));
  }
  const answer = answerInvoke(request, state.catalog, state.faults.empty === true);
  await send(res, entry, state, req, 200, 'application/json', Buffer.from(JSON.stringify(answer)));
}

async function fileRoute(
  product: CatalogProduct | undefined,
  notFound: string,
  req: IncomingMessage,
  res: ServerResponse,
  entry: RequestLogEntry,
  state: ServerState,
): Promise<void> {
  await delay(state.opts.downloadLatencyMs);
  if (!product) return send(res, entry, state, req, 404, 'text/plain', Buffer.from(notFound));
  const burst = state.faults.downloadErrors;
  if (burst && burst.count > 0 && req.method === 'GET') {
    burst.count--;
    return send(res, entry, state, req, burst.status, 'text/plain', Buffer.from(`status ${burst.status}`));
  }
  const file = await readFixture(state, product.sourceFile ?? product.productFilename);
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Content-Disposition': `attachment; filename="${product.productFilename}"`,
  };
  const cut = state.faults.truncate;
  const random = state.faults.random;
  const drawnCut = random?.truncated !== undefined && req.method === 'GET' && nextDraw(state, random.seed) < random.truncated;
  if ((cut && cut.count > 0 && req.method === 'GET') || drawnCut) {
    if (drawnCut) entry.fault = 'truncated';
    else cut!.count--;
    // Half the file plus one byte: never a whole number of 2880-byte blocks.
    const half = file.subarray(0, Math.floor(file.length / 2) + 1);
    if (!drawnCut && cut!.mode === 'short') return send(res, entry, state, req, 200, 'application/octet-stream', half, { ...headers, 'Content-Length': '' });
    return send(res, entry, state, req, 200, 'application/octet-stream', half, { ...headers, 'Content-Length': String(file.length) }, false, true);
  }
  const range = parseRange(req.headers.range, file.length);
  if (range === 'invalid') {
    return send(res, entry, state, req, 416, 'text/plain', Buffer.alloc(0), { 'Content-Range': `bytes */${file.length}` });
  }
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${file.length}`;
  const body = range ? file.subarray(range.start, range.end + 1) : file;
  await send(res, entry, state, req, range ? 206 : 200, 'application/octet-stream', body, headers, req.method === 'HEAD');
}

function readFixture(state: ServerState, name: string): Promise<Buffer> {
  let file = state.files.get(name);
  if (!file) {
    file = readFile(path.join(state.opts.lightcurveDir, name));
    state.files.set(name, file);
  }
  return file;
}

/** One `bytes=a-b` / `bytes=a-` / `bytes=-n` range (what astroquery's resume sends, §1.5). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start <= end && start < size ? { start, end } : 'invalid';
}

function preflight(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, state: ServerState): Promise<void> {
  const headers: Record<string, string> = {};
  if (allowOrigin(state, req) !== null) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST, HEAD, OPTIONS';
    headers['Access-Control-Allow-Headers'] = req.headers['access-control-request-headers'] ?? 'Content-Type, Range';
    headers['Access-Control-Max-Age'] = '600';
  }
  return send(res, entry, state, req, 204, null, Buffer.alloc(0), headers);
}

function allowOrigin(state: ServerState, req: IncomingMessage): string | null {
  const mode = state.opts.corsOrigin === undefined ? '*' : state.opts.corsOrigin;
  if (mode !== 'reflect') return mode;
  const origin = req.headers.origin;
  return origin && origin !== 'null' ? origin : null;
}

/**
 * Writes one answer. Bodies go out in 64 KB chunks through one shared link when a bandwidth is set
 * (each chunk waits for the link to be free, so concurrent downloads share it as on a real line).
 * `drop` closes the connection after the body instead of ending it (a cut download).
 */
async function send(
  res: ServerResponse,
  entry: RequestLogEntry,
  state: ServerState,
  req: IncomingMessage,
  status: number,
  contentType: string | null,
  body: Buffer,
  extra: Record<string, string> = {},
  headOnly = false,
  drop = false,
): Promise<void> {
  const headers: Record<string, string> = { 'Content-Length': String(body.length), ...extra };
  if (headers['Content-Length'] === '') delete headers['Content-Length'];
  if (contentType) headers['Content-Type'] = contentType;
  const origin = allowOrigin(state, req);
  if (origin !== null) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Expose-Headers'] = 'Content-Length, Content-Range, Accept-Ranges';
    if (origin !== '*') headers.Vary = 'Origin';
  }
  entry.status = status;
  entry.bytes = headOnly ? 0 : body.length;
  if (res.destroyed) return; // the client went away during the latency
  res.writeHead(status, headers);
  if (headOnly) return void res.end();
  const bandwidth = state.faults.bandwidth ?? 0;
  for (let at = 0; at < body.length; at += CHUNK) {
    const chunk = body.subarray(at, at + CHUNK);
    if (bandwidth > 0) {
      const now = performance.now();
      const start = Math.max(now, state.linkFreeAt);
      state.linkFreeAt = start + (chunk.length / bandwidth) * 1000;
      await delay(state.linkFreeAt - now);
    }
    if (res.destroyed) return;
    res.write(chunk);
  }
  if (drop) {
    // Let the bytes leave before the connection is cut.
    await new Promise((r) => setTimeout(r, 20));
    res.destroy();
  } else {
    // A client that went away (an aborted download) did not get the whole body.
    if (res.destroyed) return;
    res.once('finish', () => (entry.completed = true));
    res.end();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function delay(ms: number | undefined): Promise<void> {
  return ms && ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
