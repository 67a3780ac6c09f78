// The worker pool sharing one target's TLS grid with idle workers, on fake workers in this thread
// (MessageChannels with Comlink, the real worker API and kernels): the same features as one worker,
// helpers that crash or fail, an owner that crashes, terminate, and queued targets first.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { createTlsEngine } from '../../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../src/lib/kernels/tls-node.ts';
import type { LightCurve } from '../../src/lib/lightcurve/index.ts';
import { qualityMaskKey, type LightCurveFile } from '../../src/lib/lightcurve/file.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import { tlsStep } from '../../src/lib/search/tls-columns.ts';
import type { Features } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import type { TlsHelpers } from '../../src/lib/search/tls/index.ts';
import { createAnalysisApi, type AnalysisWorkerApi } from '../../src/lib/workers/analysis-api.ts';
import { WorkerPool } from '../../src/lib/workers/pool.ts';
import { FakeWorker } from '../helpers/fake-worker.ts';
import { synthetic } from '../kernels/synthetic.ts';

const blsBytes = await loadKernelBytes('release');
const tlsBytes = await loadTlsKernelBytes('release');
const SETTINGS = { ...DEFAULT_SEARCH_SETTINGS, runTls: true };
/** Estimated seconds per chunk: about 30 chunks of this light curve's TLS grid (under a second in all). */
const CHUNK_SECONDS = 0.02;

/** A seeded 24-day light curve with a 3.1-day transit, handed over as the cache hands cleaned arrays. */
function targetFile(): LightCurveFile {
  const s = synthetic({
    seed: 11,
    points: 1200,
    start: 1000,
    cadence: 0.02,
    noise: 5e-4,
    withErrors: true,
    injection: { period: 3.1, transitTime: 1001.3, depth: 3e-3, duration: 0.12 },
  });
  const lc: LightCurve = {
    ...s,
    bjdRef: 2457000,
    mission: 'TESS',
    targetId: 1,
    segments: ['S1'],
    cadenceDays: 0.02,
    nRaw: s.time.length,
    cleaning: { qualityBitmask: 0, dropped: { time: 0, quality: 0, flux: 0 }, fluxErrFilled: 0 },
  };
  return { name: 'synthetic.fits', bytes: new ArrayBuffer(8), cleaned: { mask: qualityMaskKey(SETTINGS.qualityMask), lc } };
}

type Api = AnalysisWorkerApi;
/** Changes what the n-th worker created (from 1) does. */
type Override = (api: Api, worker: FakeWorker, n: number) => Api;

let pools: WorkerPool[] = [];
let workers: FakeWorker[] = [];
/** What the workers did, in order: `analyze <n>`, `chunk <n>`. */
let log: string[] = [];

function pool(size: number, override: Override = (api) => api): WorkerPool {
  const p = new WorkerPool(size, () => {
    const n = workers.length + 1;
    const api = createAnalysisApi({ bls: () => createBlsEngine(blsBytes), tls: () => createTlsEngine(tlsBytes) }, { chunkSeconds: CHUNK_SECONDS });
    const logged: Api = {
      analyze: (...args) => (log.push(`analyze ${n}`), api.analyze(...args)),
      searchChunk: (...args) => (log.push(`chunk ${n}`), api.searchChunk(...args)),
    };
    const worker = new FakeWorker((self) => override(logged, self, n));
    workers.push(worker);
    return worker as unknown as Worker;
  });
  pools.push(p);
  return p;
}

const never = () => new Promise<never>(() => {});
const withoutWorkers = ({ tls_workers: _, ...rest }: Features) => rest;

describe('WorkerPool sharing a TLS search', () => {
  let reference: Features;
  beforeAll(async () => {
    const result = await analyzeFiles([targetFile()], SETTINGS, await createBlsEngine(blsBytes), { tls: tlsStep(await createTlsEngine(tlsBytes)) });
    reference = result.features;
    expect(reference.tls_error).toBeUndefined();
    expect(Math.abs((reference.tls_period as number) / 3.1 - 1)).toBeLessThan(0.01);
    expect(reference.tls_workers).toBe(1);
  });

  afterEach(() => {
    for (const p of pools) p.terminate();
    pools = [];
    workers = [];
    log = [];
  });

  it('idle workers compute chunks of the one target, and the features are those of one worker', async () => {
    const p = pool(3);
    const result = await p.analyze([targetFile()], SETTINGS);
    expect(result.status).toBe('ok');
    expect(withoutWorkers(result.features)).toEqual(withoutWorkers(reference));
    expect(result.features.tls_workers).toBeGreaterThan(1);
    expect(p.stats.helpedChunks).toBeGreaterThan(0);
    expect(p.stats.sharedSearches).toBe(0);
    expect(log.filter((l) => l.startsWith('chunk')).length).toBe(p.stats.helpedChunks);
  });

  it('with one worker offers nothing: tls_workers is 1', async () => {
    const p = pool(1);
    const result = await p.analyze([targetFile()], SETTINGS);
    expect(result.features).toEqual(reference);
    expect(p.stats.helpedChunks).toBe(0);
  });

  it('a helper that crashes loses nothing: its chunk is recomputed, the worker replaced', async () => {
    const p = pool(2, (api, worker, n) =>
      n === 2 ? { ...api, searchChunk: () => (worker.crash('out of memory'), never()) } : api,
    );
    const result = await p.analyze([targetFile()], SETTINGS);
    expect(withoutWorkers(result.features)).toEqual(withoutWorkers(reference));
    expect(p.stats.failedChunks).toBe(1);
    expect(workers.length).toBe(3);
    expect(workers[1].terminated).toBe(true);
    // the replacement helps, and analyses the next target
    expect(log).toContain('chunk 3');
    expect((await p.analyze([targetFile()], SETTINGS)).features.tls_period).toBe(reference.tls_period);
  });

  it('a helper whose chunk fails gives it back to the owner', async () => {
    const p = pool(2, (api, _worker, n) => (n === 2 ? { ...api, searchChunk: async () => Promise.reject(new Error('kernel trapped')) } : api));
    const result = await p.analyze([targetFile()], SETTINGS);
    expect(result.features).toEqual(reference);
    expect(p.stats.failedChunks).toBeGreaterThan(0);
    expect(p.stats.helpedChunks).toBe(0);
    expect(workers.length).toBe(2);
  });

  it('a helper with another build of the TLS kernel computes nothing the owner uses', async () => {
    const p = pool(2, (api, _worker, n) =>
      n === 2 ? { ...api, searchChunk: async (...args) => ({ ...(await api.searchChunk(...args)), version: 'another build' }) } : api,
    );
    const result = await p.analyze([targetFile()], SETTINGS);
    expect(p.stats.helpedChunks).toBeGreaterThan(0);
    expect(result.features).toEqual(reference);
  });

  it('an owner that crashes fails its target only; its helpers go back to the queue', async () => {
    const p = pool(2, (api, worker, n) =>
      n === 1
        ? {
            ...api,
            analyze: (files, settings, context, helpers?: TlsHelpers) => {
              let steps = 0;
              const dying: TlsHelpers | undefined = helpers && {
                share: (kernel, chunks, version) => helpers.share(kernel, chunks, version),
                next: (patience) => (++steps === 5 ? (worker.crash('stack overflow'), never()) : helpers.next(patience)),
                close: () => helpers.close(),
              };
              return api.analyze(files, settings, context, dying);
            },
          }
        : api,
    );
    await expect(p.analyze([targetFile()], SETTINGS)).rejects.toMatchObject({ name: 'worker-crashed' });
    expect(p.stats.sharedSearches).toBe(0);
    expect(log).toContain('chunk 2');
    expect(workers.length).toBe(3);
    // the helper is back in service: the next target is shared by it and the replacement
    const next = await p.analyze([targetFile()], SETTINGS);
    expect(withoutWorkers(next.features)).toEqual(withoutWorkers(reference));
    expect(next.features.tls_workers).toBe(2);
  });

  it('terminate rejects the target and withdraws its chunks', async () => {
    const p = pool(2);
    const pending = p.analyze([targetFile()], SETTINGS);
    await expect.poll(() => p.stats.helpedChunks, { timeout: 20_000, interval: 5 }).toBeGreaterThan(0);
    p.terminate();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.stats.sharedSearches).toBe(0);
  });

  it('a queued target goes to an idle worker before any more chunks', async () => {
    const p = pool(2);
    const first = p.analyze([targetFile()], SETTINGS);
    await expect.poll(() => log.includes('chunk 2'), { timeout: 20_000, interval: 1 }).toBe(true);
    const queued = log.length;
    const second = p.analyze([targetFile()], { ...SETTINGS, runTls: false });
    const [a, b] = await Promise.all([first, second]);
    expect(withoutWorkers(a.features)).toEqual(withoutWorkers(reference));
    expect(b.status).toBe('ok');
    expect(b.features.tls_period).toBeUndefined();
    // worker 2 finished the chunk it had (whose message may still have been on its way), then took
    // the queued target; without the priority it would have gone on through the owner's grid
    const at = log.indexOf('analyze 2');
    expect(at).toBeGreaterThanOrEqual(queued);
    expect(log.slice(queued, at).filter((l) => l === 'chunk 2').length).toBeLessThanOrEqual(1);
    expect(log.slice(at).filter((l) => l === 'chunk 2').length).toBeGreaterThan(0);
    // back from its own target, worker 2 was sent the search's input again: no chunk failed for want of it
    expect(p.stats.failedChunks).toBe(0);
  });
});
