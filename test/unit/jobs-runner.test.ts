import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { JobRunner, type AnalysisPool, type LightCurveSource } from '../../src/lib/jobs/runner.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import type { TargetRecord } from '../../src/lib/jobs/types.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { ticList } from '../helpers/sample-lists.ts';


/** Records what it is asked to do; the "light curve" carries the TIC id so the pool can echo it. */
class FakeSource implements LightCurveSource {
  fetched: string[] = [];
  constructor(private readonly failFor = new Set<number>()) {}
  async fetchFiles(target: TargetRecord) {
    this.fetched.push(target.key);
    await new Promise((r) => setTimeout(r, 2));
    if (this.failFor.has(target.target!.id)) throw new AppError('target-not-found', `MAST has no TESS light curves for TIC ${target.target!.id}`);
    return [{ name: `${target.target!.id}.fits`, bytes: new Float64Array([target.target!.id]).buffer }];
  }
}

class FakePool implements AnalysisPool {
  readonly size = 2;
  analysed: number[] = [];
  async analyze(files: { bytes: ArrayBuffer }[]): Promise<TargetResult> {
    const id = new Float64Array(files[0].bytes)[0];
    this.analysed.push(id);
    await new Promise((r) => setTimeout(r, 3));
    return { status: 'ok', features: { bls_period: id * 1.5 } };
  }
}

async function setup(n: number, failFor?: Set<number>) {
  const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
  const job = await store.createJob(ticList(n, 'n.csv'), DEFAULT_SEARCH_SETTINGS);
  return { store, job, source: new FakeSource(failFor), pool: new FakePool() };
}

describe('JobRunner', () => {
  it('analyses every target once and stores its result', async () => {
    const { store, job, source, pool } = await setup(7, new Set([3]));
    const stops: string[] = [];
    await new JobRunner(store, source, pool, { onStop: (r) => stops.push(r) }).run(job.id);
    expect(stops).toEqual(['finished']);
    expect(source.fetched.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `TESS:${i + 1}`).sort());
    expect(pool.analysed.sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 6, 7]);
    const stored = await store.getJob(job.id);
    expect(stored).toMatchObject({ done: 6, failed: 1 });
    const t3 = (await store.targets(job.id)).find((t) => t.key === 'TESS:3')!;
    expect(t3.result?.error).toEqual({ code: 'target-not-found', message: 'MAST has no TESS light curves for TIC 3' });
    const t5 = (await store.targets(job.id)).find((t) => t.key === 'TESS:5')!;
    expect(t5.result?.features.bls_period).toBe(7.5);
  });

  it('pauses after the work in flight and resumes without redoing finished targets', async () => {
    const { store, job, source, pool } = await setup(20);
    const runner = new JobRunner(store, source, pool, {
      onResult: (j) => {
        if (j.done === 3) void runner.pause();
      },
    }, 2);
    await runner.run(job.id);
    const afterPause = await store.getJob(job.id);
    expect(afterPause!.done).toBeGreaterThanOrEqual(3);
    expect(afterPause!.done).toBeLessThan(20);
    const firstPass = [...pool.analysed];
    // A new runner, as after reopening the page.
    const resumed = new JobRunner(store, source, pool);
    await resumed.run(job.id);
    expect((await store.getJob(job.id))!.done).toBe(20);
    expect(pool.analysed.length).toBe(20);
    expect(new Set(pool.analysed).size).toBe(20);
    expect(pool.analysed.slice(0, firstPass.length)).toEqual(firstPass);
  });

  it('leaves a target pending when the run is abandoned mid-flight', async () => {
    const { store, job, source } = await setup(4);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowPool: AnalysisPool = {
      size: 1,
      analyze: async () => {
        await gate;
        return { status: 'ok', features: {} };
      },
    };
    const runner = new JobRunner(store, source, slowPool, {}, 1);
    const run = runner.run(job.id);
    await new Promise((r) => setTimeout(r, 20));
    runner.dispose();
    release();
    await run;
    expect((await store.getJob(job.id))!.done).toBe(0);
    expect((await store.pendingTargets(job.id)).length).toBe(4);
  });

  it('stops and reports when storage fails', async () => {
    const { store, job, source, pool } = await setup(3);
    const broken = Object.create(store) as IdbJobStore;
    broken.recordResult = async () => {
      throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    };
    const stops: Array<[string, string | undefined]> = [];
    await new JobRunner(broken, source, pool, { onStop: (r, e) => stops.push([r, e?.name]) }).run(job.id);
    expect(stops).toEqual([['error', 'storage-quota']]);
  });
});

describe('JobRunner prefetching', () => {
  /** Counts what is in flight and held; the pool is slower than the network, so the queue fills. */
  function instrumented(poolSize: number, downloadMs: number, analyseMs: number) {
    const s = { downloading: 0, maxDownloading: 0, held: 0, maxHeld: 0, busy: 0, idleWhileHeld: 0 };
    const source: LightCurveSource = {
      async fetchFiles(target) {
        s.downloading++;
        s.held++;
        s.maxDownloading = Math.max(s.maxDownloading, s.downloading);
        s.maxHeld = Math.max(s.maxHeld, s.held);
        await new Promise((r) => setTimeout(r, downloadMs));
        s.downloading--;
        return [{ name: `${target.target!.id}.fits`, bytes: new Float64Array([target.target!.id]).buffer }];
      },
    };
    const pool: AnalysisPool = {
      size: poolSize,
      async analyze(files) {
        s.held--;
        s.busy++;
        await new Promise((r) => setTimeout(r, analyseMs));
        s.busy--;
        return { status: 'ok', features: { bls_period: new Float64Array(files[0].bytes)[0] } };
      },
    };
    return { s, source, pool };
  }

  it('keeps N downloads in flight and at most K light curves held when the pool is the bottleneck', async () => {
    const { store, job } = await setup(24);
    const { s, source, pool } = instrumented(2, 2, 15);
    await new JobRunner(store, source, pool, {}, { downloads: 3, prefetch: 5 }).run(job.id);
    expect((await store.getJob(job.id))!.done).toBe(24);
    expect(s.maxDownloading).toBe(3);
    // Held = downloading + downloaded, not yet taken by a worker.
    expect(s.maxHeld).toBe(5);
  });

  it('runs downloads ahead of a one-worker pool so that the worker never waits after the first file', async () => {
    const { store, job } = await setup(12);
    const { s, source, pool } = instrumented(1, 30, 10);
    const spans: Array<[number, number]> = [];
    const timed: AnalysisPool = {
      size: 1,
      analyze: async (files, settings) => {
        const start = performance.now();
        const result = await pool.analyze(files, settings);
        spans.push([start, performance.now()]);
        return result;
      },
    };
    await new JobRunner(store, source, timed, {}, { downloads: 4 }).run(job.id);
    expect(spans).toHaveLength(12);
    // Four 30-ms downloads at once deliver one light curve per 7.5 ms, faster than the 10-ms worker:
    // between one analysis and the next there is only the store write (a serial loop would wait 30 ms).
    const gaps = spans.slice(1).map(([start], i) => start - spans[i][1]);
    expect(Math.max(...gaps)).toBeLessThan(15);
    expect(s.maxDownloading).toBe(4);
  });

  it('stores a failed download without a worker and still finishes', async () => {
    const { store, job, pool } = await setup(6);
    const source: LightCurveSource = {
      fetchFiles: async (t) => {
        if (t.target!.id % 2 === 0) throw new AppError('no-light-curve', 'MAST lists no light curve');
        return [{ name: 'x', bytes: new Float64Array([t.target!.id]).buffer }];
      },
    };
    const stops: string[] = [];
    await new JobRunner(store, source, pool, { onStop: (r) => stops.push(r) }, { downloads: 2, prefetch: 2 }).run(job.id);
    expect(stops).toEqual(['finished']);
    expect(await store.getJob(job.id)).toMatchObject({ done: 3, failed: 3 });
    expect(pool.analysed.sort()).toEqual([1, 3, 5]);
  });
});
