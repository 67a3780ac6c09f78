import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { DEFAULT_MAST_CONFIG, downloadProduct, findLightCurves, withMastBase, type MastDeps } from '../../src/lib/mast/index.ts';
import { allowedBy, fromRelayPath, RELAY_ERROR_HEADER, relayAllowlist, toRelayPath } from '../../src/lib/mast/relay.ts';
import { RelayingFetch, RelayUnreachableError } from '../../src/lib/mast/relay-client.ts';
import { withRetries } from '../../src/lib/mast/http.ts';
import { relayLocation } from '../../src/server/mast-relay.ts';
import { serveApp } from '../helpers/browser.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { corsFetch } from '../mock-mast/cors-fetch.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

const TESS_FILE = 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits';
const TESS_URI = `mast:TESS/product/${TESS_FILE}`;
const ARCHIVE_KEY = `/missions/tess/tid/s0001/0000/0000/2515/5310/${TESS_FILE}`;

describe('the relay allowlist', () => {
  const allow = relayAllowlist(DEFAULT_MAST_CONFIG);

  it("is MAST's four bases plus the cloud copy's other names", () => {
    expect(allow).toEqual([
      'https://mast.stsci.edu',
      'https://archive.stsci.edu',
      'https://stpubdata.s3.amazonaws.com',
      'https://stpubdata.s3.us-east-1.amazonaws.com',
      'https://s3.amazonaws.com/stpubdata',
    ]);
    expect(relayAllowlist(withMastBase(DEFAULT_MAST_CONFIG, 'http://127.0.0.1:8765/'))).toEqual(['http://127.0.0.1:8765']);
  });

  it.each([
    ['https://mast.stsci.edu/api/v0/invoke', true],
    ['https://MAST.stsci.edu:443/api/v0.1/Download/file?uri=x', true],
    ['https://s3.amazonaws.com/stpubdata/tess/public/x.fits', true],
    ['https://s3.amazonaws.com/stpubdata', true],
    ['http://mast.stsci.edu/api/v0/invoke', false],
    ['https://mast.stsci.edu:8443/api', false],
    ['https://mast.stsci.edu.evil.example/api', false],
    ['https://evil.example/https://mast.stsci.edu/', false],
    ['https://s3.amazonaws.com/stpubdata-other/x', false],
    ['https://s3.amazonaws.com/stpubdata/../other-bucket/x', false],
    ['https://s3.amazonaws.com/stpubdata/%2e%2e/other-bucket/x', false],
    ['https://s3.amazonaws.com/other-bucket/x', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(allowedBy(allow, url)).toBe(allowed);
  });

  it('maps URLs to relay paths and back', () => {
    const url = 'https://mast.stsci.edu/api/v0.1/Download/file?uri=mast:TESS/product/x.fits';
    expect(toRelayPath(url)).toBe('/mast-relay/https/mast.stsci.edu/api/v0.1/Download/file?uri=mast:TESS/product/x.fits');
    expect(fromRelayPath(toRelayPath(url))).toBe(url);
    expect(fromRelayPath('/mast-relay/http/127.0.0.1:8765/missions/x')).toBe('http://127.0.0.1:8765/missions/x');
    expect(fromRelayPath('/mast-relay/ftp/example.org/x')).toBeNull();
    expect(fromRelayPath('/mast-relay/config')).toBeNull();
    expect(fromRelayPath('/elsewhere/https/mast.stsci.edu/')).toBeNull();
  });

  it("rewrites MAST's redirect to the cloud copy to the relay path, and refuses one to any other host", () => {
    const upstream = `https://mast.stsci.edu/api/v0.1/Download/file?uri=${TESS_URI}`;
    const s3 = 'https://stpubdata.s3.us-east-1.amazonaws.com/tess/public/tid/s0001/x_lc.fits';
    expect(relayLocation(s3, upstream, allow)).toBe('/mast-relay/https/stpubdata.s3.us-east-1.amazonaws.com/tess/public/tid/s0001/x_lc.fits');
    expect(relayLocation('/api/v0.1/Download/file/?uri=x', upstream, allow)).toBe('/mast-relay/https/mast.stsci.edu/api/v0.1/Download/file/?uri=x');
    expect(relayLocation('https://evil.example/x.fits', upstream, allow)).toBeNull();
    expect(relayLocation('javascript:alert(1)', upstream, allow)).toBeNull();
  });
});

describe('the relay of npm start (vite preview) in front of a stand-in that sends no CORS headers', () => {
  let mock: MockMast;
  let app: Awaited<ReturnType<typeof serveApp>>;
  const relayed = (url: string) => new URL(toRelayPath(url), app.url).href;

  beforeAll(async () => {
    mock = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: null });
    app = await serveApp({ mast: mock.url });
  });
  afterAll(async () => {
    await app?.close();
    await mock?.close();
  });

  it('says what it relays at /mast-relay/config', async () => {
    const res = await fetch(new URL('mast-relay/config', app.url));
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ service: 'transit-features-mast-relay', path: '/mast-relay/', mast: mock.url, allow: [mock.url] });
  });

  it('refuses any other host with 403 and a message, before anything leaves this machine', async () => {
    const before = mock.log.length;
    for (const url of ['https://mast.stsci.edu/api/v0/invoke', 'https://example.org/x', 'http://localhost:1/x']) {
      const res = await fetch(relayed(url));
      expect(res.status).toBe(403);
      expect(await res.text()).toBe(`this relay serves only the configured MAST hosts (${mock.url}); ${url} is not under any of them\n`);
    }
    const odd = await fetch(new URL('mast-relay/gopher/example.org/x', app.url));
    expect(odd.status).toBe(403);
    const put = await fetch(relayed(`${mock.url}${ARCHIVE_KEY}`), { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(mock.log.length).toBe(before);
  });

  it('passes Range and the 206, streams the body unchanged, and adds nothing to any cache', async () => {
    const file = readFileSync(path.join(LIGHTCURVES, TESS_FILE));
    const res = await fetch(relayed(`${mock.url}${ARCHIVE_KEY}`), { headers: { Range: 'bytes=2880-5759', Cookie: 'session=secret', Origin: 'http://127.0.0.1:9' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 2880-5759/${file.length}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(file.subarray(2880, 5760))).toBe(true);
    // The page's origin stays on this side.
    expect(mock.log.at(-1)).toMatchObject({ path: ARCHIVE_KEY, status: 206, origin: undefined });
    const whole = await fetch(relayed(`${mock.url}${ARCHIVE_KEY}`));
    expect(Number(whole.headers.get('content-length'))).toBe(file.length);
    expect(Buffer.from(await whole.arrayBuffer()).equals(file)).toBe(true);
  });

  it('keeps status codes: 404, 503, and a POST to the Portal API', async () => {
    expect((await fetch(relayed(`${mock.url}/missions/tess/tid/s0001/none.fits`))).status).toBe(404);
    mock.faults.downloadErrors = { status: 503, count: 1 };
    expect((await fetch(relayed(`${mock.url}${ARCHIVE_KEY}`))).status).toBe(503);
    const body = `request=${encodeURIComponent(JSON.stringify({ service: 'Mast.Caom.Filtered', params: { filters: [] }, format: 'json' }))}`;
    const res = await fetch(relayed(`${mock.url}/api/v0/invoke`), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('COMPLETE');
  });

  it('rewrites a redirect to an allowed host to the relay path (the browser never leaves the origin); refuses one to another host', async () => {
    mock.faults.redirectTo = mock.url;
    const download = relayed(`${mock.url}/api/v0.1/Download/file?uri=${TESS_URI}`);
    const hop = await fetch(download, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    const location = hop.headers.get('location')!;
    expect(location).toBe(toRelayPath(`${mock.url}/tess/public/tid/s0001/0000/0000/2515/5310/${TESS_FILE}`));
    const followed = await fetch(download);
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(new URL(location, app.url).href);
    expect((await followed.arrayBuffer()).byteLength).toBe(2_039_040);

    mock.faults.redirectTo = 'https://evil.example';
    const refused = await fetch(download, { redirect: 'manual' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('redirected to https://evil.example/tess/public/tid/s0001/');
    mock.faults.redirectTo = undefined;
  });

  it('passes a cut body on as a cut body, never as a whole short file', async () => {
    mock.faults.truncate = { count: 1, mode: 'dropped' };
    const res = await fetch(relayed(`${mock.url}${ARCHIVE_KEY}`));
    expect(res.headers.get('content-length')).toBe('2039040');
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});

describe('the page side: MAST directly first, the relay for a host the browser blocks', () => {
  let mock: MockMast;
  let app: Awaited<ReturnType<typeof serveApp>>;
  let dead: Awaited<ReturnType<typeof serveApp>>;
  let origin: string;
  const config = () => withMastBase(DEFAULT_MAST_CONFIG, mock.url);

  beforeAll(async () => {
    mock = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: null });
    app = await serveApp({ mast: mock.url });
    dead = await serveApp({ mast: 'http://127.0.0.1:9' });
    origin = new URL(app.url).origin;
  });
  afterAll(async () => {
    await dead?.close();
    await app?.close();
    await mock?.close();
  });

  const relayConfig = async (server: { url: string }) => (await (await fetch(new URL('mast-relay/config', server.url))).json()) as never;

  it('finds and downloads a light curve through the relay after the blocked direct attempt, and says so once', async () => {
    const switched: string[] = [];
    const client = new RelayingFetch(corsFetch(origin), { config: await relayConfig(app), origin }, (host) => switched.push(host));
    const deps: MastDeps = { fetch: client.fetch, sleep: async () => {} };
    const start = mock.log.length;
    const products = await findLightCurves({ mission: 'TESS', id: 25155310 }, config(), deps);
    const bytes = await downloadProduct(products[0], config(), deps);
    expect(bytes.byteLength).toBe(2_039_040);
    expect(switched).toEqual([new URL(mock.url).host]);
    expect(client.relayedHosts).toEqual([mock.url]);
    const log = mock.log.slice(start);
    // One direct attempt (the browser sent it with its Origin and could not read the answer), then only the relay.
    expect(log.filter((e) => e.origin === origin)).toHaveLength(1);
    expect(log[0].origin).toBe(origin);
    expect(log.slice(1).every((e) => e.origin === undefined)).toBe(true);
  });

  it('keeps network-blocked when the relay cannot reach the host either, and says the relay tried', async () => {
    const deadOrigin = new URL(dead.url).origin;
    const client = new RelayingFetch(corsFetch(deadOrigin), { config: await relayConfig(dead), origin: deadOrigin });
    const res = await fetch(relayed(dead.url, 'http://127.0.0.1:9/api/v0/invoke'));
    expect(res.status).toBe(502);
    expect(res.headers.get(RELAY_ERROR_HEADER)).toBe('unreachable');
    await expect(client.fetch('http://127.0.0.1:9/api/v0/invoke', { method: 'POST', body: 'request=x' })).rejects.toBeInstanceOf(RelayUnreachableError);
    const err = await withRetries('http://127.0.0.1:9/api/v0/invoke', 'mast-error', { fetch: client.fetch, retries: 0 }, (signal) =>
      client.fetch('http://127.0.0.1:9/api/v0/invoke', { signal }),
    ).catch((e: AppError) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).name).toBe('network-blocked');
    expect((err as AppError).message).toMatch(/^could not reach 127\.0\.0\.1:9: the browser blocked the direct request and the relay of the server that serves this page could not reach it either \(127\.0\.0\.1:9 did not answer the relay \(ECONNREFUSED\)\)$/);
    expect(client.relayedHosts).toEqual([]);
  });

  it('without a relay (a static deployment) a blocked host stays blocked, as before', async () => {
    const client = new RelayingFetch(corsFetch(origin), null);
    await expect(client.fetch(`${mock.url}/api/v0/invoke`, { method: 'POST', body: 'request=x' })).rejects.toBeInstanceOf(TypeError);
    const products = await findLightCurves({ mission: 'TESS', id: 25155310 }, config(), { fetch: client.fetch, sleep: async () => {}, retries: 0 }).catch((e: AppError) => e);
    expect((products as AppError).name).toBe('network-blocked');
    expect((products as AppError).message).toContain('the browser blocked the response (CORS) or the network is down');
  });

  it('leaves hosts outside the relay allowlist alone', async () => {
    const calls: string[] = [];
    const inner = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const client = new RelayingFetch(inner, { config: await relayConfig(app), origin });
    await expect(client.fetch('https://other.example/x.fits')).rejects.toThrow('Failed to fetch');
    expect(calls).toEqual(['https://other.example/x.fits']);
  });

  function relayed(base: string, url: string): string {
    return new URL(toRelayPath(url), base).href;
  }
});
