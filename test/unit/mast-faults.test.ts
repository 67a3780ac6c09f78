import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { downloadProduct, findLightCurves, invoke, type LightCurveProduct, type MastConfig } from '../../src/lib/mast/index.ts';
import { backoffMs } from '../../src/lib/mast/http.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { json, rejectionOf, rejectWith, scriptedFetch, status, type FetchStep } from '../mock-mast/fetch-script.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

const WASP_126 = 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits';
const product: LightCurveProduct = {
  obsId: 'tess2018206045859-s0001-0000000025155310-0120-s',
  productFilename: WASP_126,
  dataURI: `mast:TESS/product/${WASP_126}`,
  size: 2039040,
  mission: 'TESS',
  author: 'SPOC',
  segment: 1,
  exptimeSeconds: 120,
};
const fileBytes = readFileSync(path.join(LIGHTCURVES, WASP_126));

let mock: MockMast;
let slow: MockMast;
let config: MastConfig;
let slowConfig: MastConfig;

beforeAll(async () => {
  mock = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
  slow = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, downloadLatencyMs: 5_000, invokeLatencyMs: 5_000 });
  config = { apiBase: mock.url, downloadBase: mock.url };
  slowConfig = { apiBase: slow.url, downloadBase: slow.url };
});
afterAll(async () => {
  await mock.close();
  await slow.close();
});

/** A sleep that records the waits and does not wait. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** The real answer, cut short by `missing` bytes but still declaring the full Content-Length. */
const truncated =
  (missing: number): FetchStep =>
  async (url, init, real) => {
    const res = await real(url, init);
    const bytes = await res.arrayBuffer();
    return new Response(bytes.slice(0, bytes.byteLength - missing), { status: 200, headers: { 'Content-Length': String(bytes.byteLength) } });
  };

describe('retries', () => {
  it.each([503, 429, 500])('retries HTTP %i twice with growing backoff, then returns the file (3 attempts)', async (code) => {
    const spy = scriptedFetch([status(code), status(code)]);
    const { sleep, waits } = recordingSleep();
    const bytes = await downloadProduct(product, config, { fetch: spy.fetch, sleep });
    expect(spy.calls).toHaveLength(3);
    expect(Buffer.from(bytes).equals(fileBytes)).toBe(true);
    // Equal jitter: retry n waits between half and all of 1 s * 2^n.
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(500);
    expect(waits[0]).toBeLessThanOrEqual(1000);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
    expect(waits[1]).toBeLessThanOrEqual(2000);
  });

  it.each([
    { what: 'HTTP 503 every time', steps: [status(503), status(503), status(503)], retries: 2, details: { status: 503, attempts: 3 } },
    // A short body is never returned as data.
    { what: 'a short body every time', steps: [truncated(1), truncated(1)], retries: 1, details: { received: 2039039, expected: 2039040, attempts: 2 } },
  ])('gives up with a transient download-failed once the retries run out: $what', async ({ steps, retries, details }) => {
    const spy = scriptedFetch(steps);
    const err = await rejectionOf(downloadProduct(product, config, { fetch: spy.fetch, sleep: async () => {}, retries }), AppError);
    expect(spy.calls).toHaveLength(retries + 1);
    expect(err.name).toBe('download-failed');
    expect(err.transient).toBe(true);
    expect(err.details).toMatchObject(details);
  });

  it('retries a transient invoke failure with the identical request', async () => {
    const spy = scriptedFetch([status(502)]);
    const table = await invoke(config, 'Mast.Caom.Products', { obsid: '9000000001' }, { fetch: spy.fetch, sleep: async () => {} });
    expect(table.data.map((r) => r.productFilename)).toEqual([WASP_126]);
    expect(spy.calls).toHaveLength(2);
    expect(spy.calls[1].init?.body).toBe(spy.calls[0].init?.body);
  });

  it('does not retry a 404: download-failed, not transient, one request', async () => {
    const missing = { ...product, productFilename: 'kplr011442793-2009350155506_slc.fits', dataURI: 'mast:Kepler/url/missions/kepler/lightcurves/0114/011442793/kplr011442793-2009350155506_slc.fits' };
    const spy = scriptedFetch();
    const err = await rejectionOf(downloadProduct(missing, config, { fetch: spy.fetch, sleep: async () => {} }), AppError);
    expect(spy.calls).toHaveLength(1);
    expect(err.name).toBe('download-failed');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('HTTP 404');
    expect(mock.log.at(-1)).toMatchObject({ uri: missing.dataURI, status: 404 });
  });

  it('does not retry an empty answer: target-not-found after the two queries', async () => {
    const spy = scriptedFetch();
    const err = await rejectionOf(findLightCurves({ mission: 'K2', id: 201367065 }, config, { fetch: spy.fetch, sleep: async () => {} }), AppError);
    expect(err.name).toBe('target-not-found');
    expect(spy.calls).toHaveLength(2); // the pipeline query, then the one that asks about other authors
  });
});

describe('truncated downloads', () => {
  it('retries a body shorter than its Content-Length and returns the whole file', async () => {
    const spy = scriptedFetch([truncated(1000)]);
    const bytes = await downloadProduct(product, config, { fetch: spy.fetch, sleep: async () => {} });
    expect(spy.calls).toHaveLength(2);
    expect(Buffer.from(bytes).equals(fileBytes)).toBe(true);
  });

  it('without a Content-Length, retries a FITS body that is not whole 2880-byte blocks', async () => {
    const chunked: FetchStep = () => new Response(fileBytes.subarray(0, 2880 * 10 + 17));
    const spy = scriptedFetch([chunked]);
    const bytes = await downloadProduct(product, config, { fetch: spy.fetch, sleep: async () => {} });
    expect(spy.calls).toHaveLength(2);
    expect(bytes.byteLength).toBe(fileBytes.length);
  });

  it('refuses an answer that is not FITS, without retrying', async () => {
    const spy = scriptedFetch([() => new Response('<!DOCTYPE html><p>maintenance</p>')]);
    const err = await rejectionOf(downloadProduct(product, config, { fetch: spy.fetch, sleep: async () => {} }), AppError);
    expect(err.name).toBe('download-failed');
    expect(err.transient).toBe(false);
    expect(spy.calls).toHaveLength(1);
  });
});

describe('network failures', () => {
  it('turns a TypeError (CORS or no network) into network-blocked after its retries', async () => {
    const spy = scriptedFetch(Array.from({ length: 4 }, () => rejectWith(new TypeError('Failed to fetch'))));
    const err = await rejectionOf(findLightCurves({ mission: 'TESS', id: 25155310 }, config, { fetch: spy.fetch, sleep: async () => {} }), AppError);
    expect(spy.calls).toHaveLength(4); // 1 + DEFAULT_RETRIES
    expect(err.name).toBe('network-blocked');
    expect(err.message).toBe(
      `could not reach ${new URL(mock.url).host}: the browser blocked the response (CORS) or the network is down; set the MAST base URL in Settings or ?mast=…`,
    );
  });

  it("reports Node's own connection failure to a closed port the same way", async () => {
    const gone = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
    await gone.close();
    const err = await rejectionOf(downloadProduct(product, { apiBase: gone.url, downloadBase: gone.url }, { fetch, sleep: async () => {}, retries: 1 }), AppError);
    expect(err.name).toBe('network-blocked');
    expect(err.details).toMatchObject({ attempts: 2 });
  });

  it('times out a request that does not answer, as a transient failure', async () => {
    const started = Date.now();
    const err = await rejectionOf(downloadProduct(product, slowConfig, { fetch, timeoutMs: 200, retries: 0 }), AppError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.name).toBe('download-failed');
    expect(err.transient).toBe(true);
    expect(err.message).toContain('did not answer within 0.2 s');
  });
});

describe('polling', () => {
  it('re-sends the identical request while MAST answers EXECUTING, then reads the COMPLETE answer', async () => {
    const spy = scriptedFetch([json({ status: 'EXECUTING', msg: '', data: [], fields: [] }), json({ status: 'EXECUTING', msg: '' })]);
    const { sleep, waits } = recordingSleep();
    const table = await invoke(config, 'Mast.Caom.Products', { obsid: '9000000031' }, { fetch: spy.fetch, sleep });
    expect(table.data.map((r) => r.productFilename)).toEqual(['ktwo211436265-c05_llc.fits']);
    expect(spy.calls).toHaveLength(3);
    expect(new Set(spy.calls.map((c) => c.init?.body)).size).toBe(1);
    expect(waits).toHaveLength(2);
  });

  it('does not retry MAST ERROR', async () => {
    const spy = scriptedFetch([json({ status: 'ERROR', msg: 'Invalid column name: foo', data: [], fields: [] })]);
    const err = await rejectionOf(invoke(config, 'Mast.Caom.Filtered', {}, { fetch: spy.fetch, sleep: async () => {} }), AppError);
    expect(err.name).toBe('mast-error');
    expect(err.message).toBe('MAST Mast.Caom.Filtered: Invalid column name: foo');
    expect(spy.calls).toHaveLength(1);
  });
});

describe('abort', () => {
  it.each([
    { when: 'while a slow server holds the download', steps: [] as FetchStep[], slowServer: true, withinMs: 1_000 },
    // No injected sleep: the real backoff (at least 0.5 s) is what the abort must cut short.
    { when: 'during the backoff between retries', steps: Array.from({ length: 4 }, () => status(503)), slowServer: false, withinMs: 400 },
  ])('stops at once with an AbortError, without retrying, $when', async ({ steps, slowServer, withinMs }) => {
    const spy = scriptedFetch(steps);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const err = await rejectionOf(downloadProduct(product, slowServer ? slowConfig : config, { fetch: spy.fetch, signal: controller.signal }));
    expect(err.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(withinMs);
    expect(spy.calls).toHaveLength(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const spy = scriptedFetch();
    const err = await rejectionOf(findLightCurves({ mission: 'TESS', id: 25155310 }, slowConfig, { fetch: spy.fetch, signal: AbortSignal.abort() }));
    expect(err.name).toBe('AbortError');
    expect(spy.calls).toHaveLength(0);
  });
});

describe('backoffMs', () => {
  it('doubles its ceiling per retry up to 30 s, with half of it random', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => backoffMs(n, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(10, () => 1)).toBe(30_000);
  });
});
