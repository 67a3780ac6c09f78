import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Plugin, ProxyOptions } from 'vite';
import { DEFAULT_MAST_CONFIG, parseMastUrl, withMastBase } from '../lib/mast/config.ts';
import {
  allowedBy,
  fromRelayPath,
  RELAY_ERROR_HEADER,
  RELAY_PATH,
  RELAY_SERVICE,
  relayAllowlist,
  toRelayPath,
  type RelayConfig,
} from '../lib/mast/relay.ts';
import { contentSecurityPolicy, securityHeaders } from './csp.ts';

export interface AppServerOptions {
  /** `npm start -- --mast BASE`: the app and the relay use this base for all four MAST hosts. */
  mast?: string | null;
  /** False serves the app as a static host would: no relay, no config endpoint (tests of that case). */
  relay?: boolean;
}

/** Longer than the client's own 120 s per request, so that the client's time-out is the one users meet. */
const UPSTREAM_TIMEOUT_MS = 150_000;
const METHODS = new Set(['GET', 'HEAD', 'POST']);
/** Request headers that stay on this side: the page's cookies and credentials, and where it lives. */
const DROPPED_REQUEST_HEADERS = ['cookie', 'authorization', 'origin', 'referer', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];
/**
 * Response headers that stay on the other side: cookies for MAST's domain, CORS, caching and page
 * policies meant for MAST's own pages, hop-by-hop headers. (`location` is rewritten.)
 */
const DROPPED_RESPONSE_HEADERS =
  /^(?:set-cookie|access-control-.*|strict-transport-security|alt-svc|connection|keep-alive|transfer-encoding|proxy-.*|upgrade|cache-control|expires|location|content-security-policy.*|x-frame-options)$/i;
/**
 * A relayed answer is served from the app's own origin, so it must never run as a page of that
 * origin (a MAST HTML page opened through the relay would otherwise share the app's storage).
 */
const RELAYED_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

type RelayRequest = IncomingMessage & { relayUpstream?: string };

/**
 * What `npm start` (vite preview) adds to the built app:
 *
 * - the security headers (Content-Security-Policy among them) on every answer;
 * - the CSP meta tag in the built index.html, for static hosting;
 * - the MAST relay: `/mast-relay/<scheme>/<host>/<path>` is proxied to the upstream URL when it lies
 *   under one of the configured MAST bases, and refused with 403 and a message otherwise. Bodies
 *   stream both ways, `Range` and status codes pass through, nothing is cached, and a redirect to
 *   an allowed host is rewritten to the relay path (one to any other host is refused), so the
 *   browser never makes a cross-origin hop. `/mast-relay/config` tells the page the relay exists.
 */
export function appServer(options: AppServerOptions = {}): Plugin[] {
  const mast = options.mast ? checkedBase(options.mast) : null;
  const allow = relayAllowlist(mast ? withMastBase(DEFAULT_MAST_CONFIG, mast) : DEFAULT_MAST_CONFIG);
  const relayOn = options.relay !== false;
  const config: RelayConfig = { service: RELAY_SERVICE, path: RELAY_PATH, mast, allow };
  const meta: Plugin = {
    name: 'transit-features-csp-meta',
    // Built pages only: the dev server's hot reload needs a websocket the policy does not allow.
    apply: 'build',
    // Right after the charset, before any script: a meta policy covers only what follows it.
    transformIndexHtml: (html) =>
      html.replace(/(<meta charset[^>]*>)/i, `$1\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy('meta')}" />`),
  };
  const preview: Plugin = {
    name: 'transit-features-app-server',
    config: () => ({ preview: { cors: false, proxy: relayOn ? proxyRules(allow) : {} } }),
    configurePreviewServer(server) {
      // Runs before Vite's proxy and static files: every answer gets the headers, and the relay's
      // gate decides before any request leaves this machine.
      server.middlewares.use((req: RelayRequest, res, next) => {
        for (const [name, value] of Object.entries(securityHeaders())) res.setHeader(name, value);
        const url = req.url ?? '/';
        if (!relayOn || !url.startsWith(RELAY_PATH)) return next();
        if (url === `${RELAY_PATH}config`) return sendJson(res, config);
        const upstream = fromRelayPath(url);
        if (upstream === null || !allowedBy(allow, upstream)) {
          return refuse(res, `this relay serves only the configured MAST hosts (${allow.join(', ')}); ${upstream ?? url} is not under any of them`);
        }
        if (!METHODS.has(req.method ?? 'GET')) return refuse(res, `this relay passes only GET, HEAD and POST, not ${req.method}`, 405);
        for (const name of DROPPED_REQUEST_HEADERS) delete req.headers[name];
        req.relayUpstream = upstream;
        // The normalised form goes upstream, so that a dot segment cannot step outside a base's path.
        req.url = toRelayPath(upstream);
        next();
      });
    },
  };
  return [meta, preview];
}

/** One proxy per allowed origin, keyed by its relay prefix; Vite matches keys as path prefixes. */
function proxyRules(allow: readonly string[]): Record<string, ProxyOptions> {
  const rules: Record<string, ProxyOptions> = {};
  for (const origin of new Set(allow.map((base) => new URL(base).origin))) {
    const prefix = toRelayPath(`${origin}/`).slice(0, -1);
    rules[`${prefix}/`] = {
      target: origin,
      changeOrigin: true,
      selfHandleResponse: true,
      proxyTimeout: UPSTREAM_TIMEOUT_MS,
      rewrite: (path) => path.slice(prefix.length),
      configure: (proxy) => {
        proxy.on('proxyRes', (upstreamRes, req: RelayRequest, res) => relayResponse(upstreamRes, req, res as ServerResponse, allow));
        proxy.on('error', (err, req: RelayRequest, res) => {
          const out = res as ServerResponse;
          if (!('writeHead' in out) || out.headersSent) return;
          const code = (err as NodeJS.ErrnoException).code ?? err.message;
          const host = req.relayUpstream ? new URL(req.relayUpstream).host : origin;
          out.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', [RELAY_ERROR_HEADER]: 'unreachable' });
          out.end(`${host} did not answer the relay (${code})`);
        });
      },
    };
  }
  return rules;
}

function relayResponse(upstreamRes: IncomingMessage, req: RelayRequest, res: ServerResponse, allow: readonly string[]): void {
  const status = upstreamRes.statusCode ?? 502;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstreamRes.headers)) {
    if (value !== undefined && !DROPPED_RESPONSE_HEADERS.test(name)) headers[name] = value;
  }
  headers['cache-control'] = 'no-store';
  headers['content-security-policy'] = RELAYED_POLICY;
  const location = upstreamRes.headers.location;
  if (status >= 300 && status < 400 && location) {
    const relayed = relayLocation(location, req.relayUpstream!, allow);
    if (relayed === null) {
      upstreamRes.resume();
      return refuse(res, `${new URL(req.relayUpstream!).host} redirected to ${new URL(location, req.relayUpstream).href}, which is not one of the configured MAST hosts`);
    }
    headers.location = relayed;
  }
  res.writeHead(status, upstreamRes.statusMessage, headers);
  // pipeline, not pipe: an upstream connection cut mid-body must cut this one too, so the page sees
  // a cut download (and retries it), never a short body that ends cleanly.
  pipeline(upstreamRes, res, () => {});
}

/**
 * Where a redirect sends the browser: the relay path of its target when that is an allowed host
 * (MAST's Download → the cloud copy), so the browser stays on this origin; null for any other host.
 */
export function relayLocation(location: string, upstream: string, allow: readonly string[]): string | null {
  let target: string;
  try {
    target = new URL(location, upstream).href;
  } catch {
    return null;
  }
  return allowedBy(allow, target) ? toRelayPath(target) : null;
}

function refuse(res: ServerResponse, message: string, status = 403): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
}

function checkedBase(base: string): string {
  if (parseMastUrl(base.trim()) === null) {
    throw new Error(`--mast ${base}: not an https URL (or http to localhost / 127.0.0.1), e.g. --mast http://127.0.0.1:8765`);
  }
  return base.trim().replace(/\/+$/, '');
}
