import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { IdbLightCurveCache } from '../../src/lib/jobs/lc-cache.ts';
import type { OutageStatus } from '../../src/lib/jobs/outage.ts';
import { JobRunner, type AnalysisPool } from '../../src/lib/jobs/runner.ts';
import { NetworkSource, type NetworkSourceOptions } from '../../src/lib/jobs/source.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import { DEFAULT_NETWORK_SETTINGS, type MastConfig, type NetworkSettings } from '../../src/lib/mast/index.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import type { TargetId } from '../../src/lib/target.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { corsFetch } from '../mock-mast/cors-fetch.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

const WASP_126: TargetId = { mission: 'TESS', id: 25155310 };
const KEPLER_90: TargetId = { mission: 'Kepler', id: 11442793 };
const K2_STAR: TargetId = { mission: 'K2', id: 211495446 };
const UNKNOWN: TargetId = { mission: 'TESS', id: 12345 };
const PAGE = 'http://app.example';

/** Checks that each file is FITS and reports what it got; the network is under test, not the search. */
const pool: AnalysisPool = {
  size: 2,
  async analyze(files) {
    for (const f of files) expect(new TextDecoder().decode(new Uint8Array(f.bytes, 0, 9))).toBe('SIMPLE  =');
    return {
      status: 'ok',
      features: { n_files: files.length },
      // Provenance the other engineer's columns read: it must arrive with each file.
      provenance: files.map((f) => `${f.mission}/${f.author}/${f.segment}`).join(' '),
    } as never;
  },
};

function sampleList(targets: TargetId[]): SampleList {
  return {
    fileName: 't.csv',
    format: 'ours',
    columns: ['target'],
    rows: targets.map((t, i) => ({ index: i, line: i + 2, values: [`${t.mission} ${t.id}`], target: t, key: `${t.mission}:${t.id}` })),
    nValid: targets.length,
    nInvalid: 0,
  };
}

/** Runs one job to its end and returns each target's status and error code, in input order. */
async function runJob(
  targets: TargetId[],
  config: MastConfig,
  opts: Omit<Partial<NetworkSourceOptions>, 'network'> & { fetch?: typeof fetch; network?: Partial<NetworkSettings>; stop?: 'finished' | 'paused' } = {},
) {
  const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
  const job = await store.createJob(sampleList(targets), DEFAULT_SEARCH_SETTINGS);
  const network = { ...DEFAULT_NETWORK_SETTINGS, ...opts.network };
  const source = new NetworkSource(() => config, opts.fetch ?? ((i, init) => fetch(i, init)), PAGE, {
    network: () => network,
    cache: opts.cache ?? null,
    deps: { sleep: async () => {}, timeoutMs: 1_000, ...opts.deps },
  });
  const stops: string[] = [];
  const outages: OutageStatus[] = [];
  await new JobRunner(store, source, pool, { onStop: (r) => stops.push(r), onOutage: (o) => outages.push(o) }, { downloads: 3 }).run(job.id);
  expect(stops).toEqual([opts.stop ?? 'finished']);
  const rows = (await store.targets(job.id)).sort((a, b) => a.order - b.order);
  return {
    source,
    outages,
    rows: rows.map((t) => ({ status: t.status, code: t.result?.error?.code, message: t.result?.error?.message, result: t.result })),
  };
}

let mast: MockMast;
let config: MastConfig;
beforeAll(async () => {
  mast = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
  config = { apiBase: mast.url, downloadBase: mast.url, archiveBase: mast.url, cloudBase: mast.url };
});
afterAll(() => mast.close());
beforeEach(() => {
  mast.faults = {};
  mast.log.length = 0;
});

const statuses = (rows: Array<{ status: string; code?: string }>) => rows.map((r) => (r.code ? `${r.status}:${r.code}` : r.status));

describe('a job against the stand-in', () => {
  it('hands each file over with its mission, pipeline and segment', async () => {
    const { rows } = await runJob([WASP_126, KEPLER_90, K2_STAR], config);
    expect(statuses(rows)).toEqual(['ok', 'ok', 'ok']);
    expect(rows.map((r) => (r.result as unknown as { provenance: string }).provenance)).toEqual([
      'TESS/SPOC/1',
      'Kepler/Kepler/3 Kepler/Kepler/4 Kepler/Kepler/5',
      'K2/K2/5',
    ]);
  });

  it.each([
    ['a 503 burst from the Portal API', { invokeErrors: { status: 503, count: 3 } }, 'POST', 503],
    ['a 504 burst from Download', { downloadErrors: { status: 504, count: 2 } }, 'GET', 504],
  ])('ends ok after retries through %s', async (_what, faults, method, code) => {
    mast.faults = faults;
    const { rows } = await runJob([WASP_126, K2_STAR], config);
    expect(statuses(rows)).toEqual(['ok', 'ok']);
    expect(mast.log.filter((e) => e.method === method && e.status === code)).toHaveLength(method === 'POST' ? 3 : 2);
  });

  it('ends ok after a request that hangs past its timeout', async () => {
    mast.faults = { hang: 1 };
    const { rows } = await runJob([WASP_126], config, { deps: { timeoutMs: 300 } });
    expect(statuses(rows)).toEqual(['ok']);
    expect(mast.log.filter((e) => e.status === 0)).toHaveLength(1);
  });

  it.each(['dropped', 'short'] as const)('detects a %s truncated body, retries, and ends ok with the whole file', async (mode) => {
    mast.faults = { truncate: { count: 1, mode } };
    const { rows, source } = await runJob([WASP_126], config);
    expect(statuses(rows)).toEqual(['ok']);
    expect(mast.log.filter((e) => e.method === 'GET')).toHaveLength(2);
    expect(source.stats.networkBytes).toBe(2_039_040);
  });

  it('polls while MAST answers EXECUTING and ends ok', async () => {
    mast.faults = { executing: 2 };
    const { rows } = await runJob([KEPLER_90], config);
    expect(statuses(rows)).toEqual(['ok']);
    // Filtered and Products, each asked three times with the identical request.
    expect(mast.log.filter((e) => e.method === 'POST')).toHaveLength(6);
  });

  it('fails with target-not-found on empty answers, without retrying, and finishes the job', async () => {
    mast.faults = { empty: true };
    const { rows } = await runJob([WASP_126, UNKNOWN], config);
    expect(statuses(rows)).toEqual(['failed:target-not-found', 'failed:target-not-found']);
    expect(mast.log.filter((e) => e.method === 'POST')).toHaveLength(4); // two queries each
  });

  it('fails a file every host answers 404 for with download-failed, one request per host', async () => {
    // Sector 2 of TIC 281459670 exists only as a listed-only TESS-SPOC file.
    const { rows } = await runJob([{ mission: 'TESS', id: 281459670 }, WASP_126], config, { network: { tessAuthors: ['SPOC', 'TESS-SPOC'] } });
    expect(statuses(rows)).toEqual(['failed:download-failed', 'ok']);
    expect(rows[0].message).toContain('HTTP 404');
    const gets = mast.log.filter((e) => e.method === 'GET' && e.status === 404).map((e) => e.path);
    expect(gets).toEqual([
      '/api/v0.1/Download/file',
      '/hlsps/tess-spoc/s0002/hlsp_tess-spoc_tess_phot_0000000281459670-s0002_tess_v1_lc.fits',
      '/mast/hlsp/tess-spoc/s0002/hlsp_tess-spoc_tess_phot_0000000281459670-s0002_tess_v1_lc.fits',
    ]);
  });

  it('caches: a second run with other search settings asks MAST nothing and downloads nothing', async () => {
    const cache = await IdbLightCurveCache.open(50e6, { factory: new IDBFactory() });
    await runJob([WASP_126, KEPLER_90], config, { cache });
    const firstRequests = mast.log.length;
    expect(firstRequests).toBe(4 + 4);
    const { rows, source } = await runJob([WASP_126, KEPLER_90], config, { cache });
    expect(statuses(rows)).toEqual(['ok', 'ok']);
    expect(mast.log.length).toBe(firstRequests);
    expect(source.stats).toEqual({ networkFiles: 0, networkBytes: 0, cachedFiles: 4, cachedLists: 2 });
  });
});

describe('CORS, with browser rules applied to the stand-in', () => {
  let closed: MockMast; // a host that sends no CORS headers
  let strict: MockMast; // allows real origins but not the null origin of a redirected request
  let strictToo: MockMast; // a second such host: a redirect taints the origin only across hosts
  let open: MockMast; // S3-like, ACAO *
  beforeAll(async () => {
    closed = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: null });
    strict = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: 'reflect' });
    strictToo = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: 'reflect' });
    open = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
  });
  afterAll(async () => {
    await closed.close();
    await strict.close();
    await strictToo.close();
    await open.close();
  });
  const browser = corsFetch(PAGE);

  it('falls back from a Download host without CORS headers to the archive path', async () => {
    const { rows } = await runJob([WASP_126, K2_STAR], { ...config, downloadBase: closed.url }, { fetch: browser });
    expect(statuses(rows)).toEqual(['ok', 'ok']);
    expect(mast.log.filter((e) => e.method === 'GET').map((e) => e.path.split('/').slice(0, 3).join('/')).sort()).toEqual(['/missions/k2', '/missions/tess']);
    // One request each: a blocked host is left at once while a fallback remains.
    expect(closed.log.filter((e) => e.method === 'GET')).toHaveLength(2);
  });

  it('follows a 302 from Download to a host that allows the null origin', async () => {
    strict.faults = { redirectTo: open.url };
    const { rows } = await runJob([WASP_126], { ...config, downloadBase: strict.url, archiveBase: '', cloudBase: '' }, { fetch: browser });
    expect(statuses(rows)).toEqual(['ok']);
    expect(open.log.map((e) => [e.path, e.origin])).toEqual([['/tess/public/tid/s0001/0000/0000/2515/5310/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits', 'null']]);
  });

  it('stops with the target pending, naming what to configure, when the redirect target refuses the null origin and no fallback is set', async () => {
    strict.faults = { redirectTo: strictToo.url };
    const { rows, outages } = await runJob([WASP_126, UNKNOWN], { ...config, downloadBase: strict.url, archiveBase: '', cloudBase: '' }, {
      fetch: browser,
      deps: { retries: 0 },
      stop: 'paused',
    });
    // The refused host never answered this page: it may be down or refuse cross-origin requests, so
    // the run stops and says so instead of failing the target or waiting for it.
    expect(statuses(rows)).toEqual(['pending', 'failed:target-not-found']);
    expect(outages).toEqual([expect.objectContaining({ kind: 'first-request-failed', host: new URL(strict.url).host, error: expect.stringMatching(/CORS.*Settings/) })]);
    expect(strictToo.log.map((e) => e.origin)).toEqual(['null']);
  });

  it('stops with the target pending, listing every host, when all of them are blocked', async () => {
    const blocked = { apiBase: mast.url, downloadBase: closed.url, archiveBase: closed.url, cloudBase: closed.url };
    const { rows, outages } = await runJob([WASP_126], blocked, { fetch: browser, deps: { retries: 0 }, stop: 'paused' });
    expect(statuses(rows)).toEqual(['pending']);
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ kind: 'first-request-failed', error: expect.stringContaining('every host was blocked') });
    expect(outages[0]).toMatchObject({ error: expect.stringContaining('proxy prefix') });
  });

  it('reaches a blocked host through the proxy prefix', async () => {
    // The "proxy" is the open stand-in's cloud path prefix: it serves the key after the prefix.
    const proxied = { apiBase: mast.url, downloadBase: closed.url, archiveBase: '', cloudBase: '', proxyPrefix: `${open.url}/proxy?u=` };
    const seen: string[] = [];
    const recording = ((input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(String(input));
      return browser(input, init);
    }) as typeof fetch;
    const { rows } = await runJob([WASP_126], proxied, { fetch: recording, deps: { retries: 0 } });
    // The stand-in is no proxy (404), so the target fails, but every request went through the prefix.
    expect(statuses(rows)).toEqual(['failed:mast-error']);
    expect(seen).toEqual([`${open.url}/proxy?u=${encodeURIComponent(`${mast.url}/api/v0/invoke`)}`]);
  });
});
