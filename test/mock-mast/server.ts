import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CATALOG, findServed } from './catalog.ts';
import { answerInvoke } from './services.ts';

export interface MockMastOptions {
  /** 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The folder holding the fixture FITS files under their real names. */
  lightcurveDir: string;
  invokeLatencyMs?: number;
  downloadLatencyMs?: number;
  /** `Access-Control-Allow-Origin` on every answer: '*' by default; null sends no CORS headers. */
  corsOrigin?: string | null;
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
}

export interface MockMast {
  url: string;
  close(): Promise<void>;
  log: RequestLogEntry[];
  /** Completed GET downloads (200 or 206) of this file name. */
  downloads(fileName: string): number;
}

const INVOKE_PATH = '/api/v0/invoke';
const DOWNLOAD_PATHS = new Set(['/api/v0.1/Download/file', '/api/v0.1/Download/file/']);

/**
 * A local stand-in for MAST's Portal API and Download endpoint (mast-and-formats.md §6), on Node's
 * own `http`, serving the real fixture light curves under their MAST names and URIs.
 */
export async function startMockMast(opts: MockMastOptions): Promise<MockMast> {
  await checkFilesPresent(opts.lightcurveDir);
  const log: RequestLogEntry[] = [];
  const server = createServer((req, res) => {
    const entry: RequestLogEntry = { time: Date.now(), method: req.method ?? 'GET', path: '', status: 0, bytes: 0 };
    log.push(entry);
    handle(req, res, entry, opts).catch((err: unknown) => {
      if (!res.headersSent) send(res, entry, opts, 500, 'text/plain', Buffer.from(`mock MAST failed: ${String(err)}`));
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
    downloads: (fileName) =>
      log.filter((e) => e.method === 'GET' && e.uri !== undefined && path.posix.basename(e.uri) === fileName && (e.status === 200 || e.status === 206))
        .length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
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

async function handle(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, opts: MockMastOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mock');
  entry.path = url.pathname;
  if (req.method === 'OPTIONS') return preflight(req, res, entry, opts);
  if (url.pathname === INVOKE_PATH && (req.method === 'POST' || req.method === 'GET')) {
    const encoded = req.method === 'POST' ? new URLSearchParams(await readBody(req)).get('request') : url.searchParams.get('request');
    return invokeRoute(encoded, res, entry, opts);
  }
  if (DOWNLOAD_PATHS.has(url.pathname) && (req.method === 'GET' || req.method === 'HEAD')) {
    return downloadRoute(url.searchParams.get('uri') ?? '', req, res, entry, opts);
  }
  send(res, entry, opts, 404, 'text/plain', Buffer.from(`no route ${req.method} ${url.pathname}`));
}

async function invokeRoute(encoded: string | null, res: ServerResponse, entry: RequestLogEntry, opts: MockMastOptions): Promise<void> {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(encoded ?? '') as Record<string, unknown>;
  } catch {
    return send(res, entry, opts, 400, 'text/plain', Buffer.from('request= is missing or is not JSON'));
  }
  entry.service = String(request.service);
  entry.params = request.params;
  await delay(opts.invokeLatencyMs);
  send(res, entry, opts, 200, 'application/json', Buffer.from(JSON.stringify(answerInvoke(request))));
}

async function downloadRoute(uri: string, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, opts: MockMastOptions): Promise<void> {
  entry.uri = uri;
  const product = findServed(uri);
  await delay(opts.downloadLatencyMs);
  if (!product) return send(res, entry, opts, 404, 'text/plain', Buffer.from(`File not found: ${uri}`));
  const file = await readFile(path.join(opts.lightcurveDir, product.productFilename));
  const range = parseRange(req.headers.range, file.length);
  if (range === 'invalid') {
    return send(res, entry, opts, 416, 'text/plain', Buffer.alloc(0), { 'Content-Range': `bytes */${file.length}` });
  }
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Content-Disposition': `attachment; filename="${product.productFilename}"`,
  };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${file.length}`;
  const body = range ? file.subarray(range.start, range.end + 1) : file;
  send(res, entry, opts, range ? 206 : 200, 'application/octet-stream', body, headers, req.method === 'HEAD');
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

function preflight(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, opts: MockMastOptions): void {
  const headers: Record<string, string> = {};
  if (corsOrigin(opts) !== null) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST, HEAD, OPTIONS';
    headers['Access-Control-Allow-Headers'] = req.headers['access-control-request-headers'] ?? 'Content-Type, Range';
    headers['Access-Control-Max-Age'] = '600';
  }
  send(res, entry, opts, 204, null, Buffer.alloc(0), headers);
}

function corsOrigin(opts: MockMastOptions): string | null {
  return opts.corsOrigin === undefined ? '*' : opts.corsOrigin;
}

function send(
  res: ServerResponse,
  entry: RequestLogEntry,
  opts: MockMastOptions,
  status: number,
  contentType: string | null,
  body: Buffer,
  extra: Record<string, string> = {},
  headOnly = false,
): void {
  const headers: Record<string, string> = { ...extra, 'Content-Length': String(body.length) };
  if (contentType) headers['Content-Type'] = contentType;
  const origin = corsOrigin(opts);
  if (origin !== null) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Expose-Headers'] = 'Content-Length, Content-Range, Accept-Ranges';
  }
  entry.status = status;
  entry.bytes = headOnly ? 0 : body.length;
  if (res.destroyed) return; // the client went away during the latency
  res.writeHead(status, headers);
  res.end(headOnly ? undefined : body);
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
