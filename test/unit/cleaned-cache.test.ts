import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { IdbLightCurveCache, LC_CACHE_DB_NAME } from '../../src/lib/jobs/lc-cache.ts';
import { JobRunner, type AnalysisPool } from '../../src/lib/jobs/runner.ts';
import { NetworkSource } from '../../src/lib/jobs/source.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import type { LightCurve } from '../../src/lib/lightcurve/index.ts';
import { DEFAULT_NETWORK_SETTINGS, type MastConfig } from '../../src/lib/mast/index.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import type { LightCurveFile } from '../../src/lib/lightcurve/file.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import type { BlsEngine } from '../../src/lib/search/bls-types.ts';
import { DEFAULT_SEARCH_SETTINGS, type SearchSettings } from '../../src/lib/search/settings.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

function part(n: number, mask = 'q:default'): { mask: string; lc: LightCurve } {
  const time = Float64Array.from({ length: n }, (_, i) => i * 0.02);
  return {
    mask,
    lc: {
      time,
      flux: new Float64Array(n).fill(1),
      fluxErr: null,
      bjdRef: 2457000,
      mission: 'TESS',
      targetId: 1,
      segments: ['S1'],
      cadenceDays: 0.02,
      nRaw: n,
      cleaning: { qualityBitmask: 17087, dropped: { time: 0, quality: 0, flux: 0 }, fluxErrFilled: 0 },
    },
  };
}

describe('cleaned arrays in the light-curve cache', () => {
  it('keeps them per file and quality mask, and evicts them like files, least recently used first', async () => {
    // Each part is 1,000 points × 2 arrays × 8 bytes = 16,000 bytes; the cap holds two.
    const cache = await IdbLightCurveCache.open(40_000, { factory: new IDBFactory() });
    await cache.putCleaned('mast:a', part(1000));
    await cache.putCleaned('mast:b', part(1000));
    expect((await cache.getCleaned('mast:a', 'q:default'))?.lc.time.length).toBe(1000);
    expect(await cache.getCleaned('mast:a', 'q:hard')).toBeUndefined();
    // a was used last, so b goes when c arrives.
    await cache.putCleaned('mast:c', part(1000));
    expect(await cache.getCleaned('mast:b', 'q:default')).toBeUndefined();
    expect(await cache.getCleaned('mast:a', 'q:default')).toBeDefined();
    expect(await cache.usage()).toEqual({ bytes: 32_000, files: 2 });
  });

  it('opens a version-1 cache without losing its files', async () => {
    const factory = new IDBFactory();
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = factory;
    const v1 = await openDB(LC_CACHE_DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('files', { keyPath: 'key' });
        db.createObjectStore('entries', { keyPath: 'key' }).createIndex('by-used', 'lastUsed');
        db.createObjectStore('lists', { keyPath: 'key' });
      },
    });
    const file: LightCurveFile = { name: 'x.fits', bytes: new Uint8Array([1, 2, 3]).buffer };
    await v1.put('files', { key: 'mast:x', file });
    await v1.put('entries', { key: 'mast:x', bytes: 3, lastUsed: 1 });
    v1.close();
    const cache = await IdbLightCurveCache.open(1e6, { factory });
    expect(new Uint8Array((await cache.getFile('mast:x'))!.bytes)).toEqual(new Uint8Array([1, 2, 3]));
    await cache.putCleaned('mast:x', part(10));
    expect(await cache.getCleaned('mast:x', 'q:default')).toBeDefined();
  });
});

describe('a job run again uses the cleaned arrays', () => {
  let mast: MockMast;
  let config: MastConfig;
  let engine: BlsEngine;
  beforeAll(async () => {
    mast = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
    config = { apiBase: mast.url, downloadBase: mast.url, archiveBase: mast.url, cloudBase: mast.url };
    engine = await createBlsEngine(await loadKernelBytes('release'));
  });
  afterAll(() => mast.close());

  const list: SampleList = {
    fileName: 'k2.csv',
    format: 'ours',
    columns: ['target'],
    rows: [{ index: 0, line: 2, values: ['EPIC 211495446'], target: { mission: 'K2', id: 211495446 }, key: 'K2:211495446' }],
    nValid: 1,
    nInvalid: 0,
  };

  /** Runs the app's analysis in-process, recording what each file arrived as. */
  function recordingPool(seen: string[]): AnalysisPool {
    return {
      size: 1,
      async analyze(files, settings, context = {}) {
        for (const f of files) seen.push(f.cleaned ? `cleaned:${f.cleaned.mask}:${f.bytes.byteLength}` : `fits:${f.bytes.byteLength}`);
        seen.push(`return:${context.returnCleaned === true}`);
        return analyzeFiles(files, settings, engine, { catalog: context.catalog, returnCleaned: context.returnCleaned });
      },
    };
  }

  async function run(cache: IdbLightCurveCache | null, settings: SearchSettings, seen: string[]) {
    const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
    const job = await store.createJob(list, settings);
    const source = new NetworkSource(() => config, (i, init) => fetch(i, init), 'http://app.example', {
      network: () => DEFAULT_NETWORK_SETTINGS,
      cache,
    });
    await new JobRunner(store, source, recordingPool(seen)).run(job.id);
    const [target] = await store.targets(job.id);
    // The cleaned arrays go to the cache, never into the stored result.
    expect(target.result?.cleaned).toBeUndefined();
    return { result: target.result!, source };
  }

  it('skips reading and cleaning under the same quality mask, gives the same numbers, and falls back to the FITS file under another', async () => {
    const cache = await IdbLightCurveCache.open(50e6, { factory: new IDBFactory() });
    const seen: string[] = [];
    const first = await run(cache, DEFAULT_SEARCH_SETTINGS, seen);
    // Flush the fire-and-forget cache write of the first run.
    await new Promise((r) => setTimeout(r, 50));
    const second = await run(cache, DEFAULT_SEARCH_SETTINGS, seen);
    const third = await run(cache, { ...DEFAULT_SEARCH_SETTINGS, qualityMask: 'hard' }, seen);
    expect(seen).toEqual(['fits:397440', 'return:true', 'cleaned:q:default:0', 'return:true', 'fits:397440', 'return:true']);
    expect(second.result.status).toBe('ok');
    expect(second.result.features).toEqual(first.result.features);
    expect(third.result.status).toBe('ok');
    expect(second.source.stats.networkFiles + third.source.stats.networkFiles).toBe(0);
  });

  it('does not ask the worker for cleaned arrays when no cache keeps them', async () => {
    const seen: string[] = [];
    const { result } = await run(null, DEFAULT_SEARCH_SETTINGS, seen);
    expect(result.status).toBe('ok');
    expect(seen).toEqual(['fits:397440', 'return:false']);
  });
});
