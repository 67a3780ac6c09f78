// The case, end to end below the page: one analysis never returns. Pause completes at once
// (the worker is terminated, the target stays pending); after a "reload" (a new pool and runner on
// the same storage) the watchdog stops the hung analysis with `timeout`, the target is tried once
// more, and its second timeout (counted across reloads) fails it for good. Real WorkerPool, runner
// and IndexedDB store (fake-indexeddb); fake workers in this thread; a manual clock for the watchdog.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { JobRunner, type LightCurveSource } from '../../src/lib/jobs/runner.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { ticList } from '../helpers/sample-lists.ts';
import type { AnalysisWorkerApi } from '../../src/lib/workers/analysis-api.ts';
import { WorkerPool } from '../../src/lib/workers/pool.ts';
import { FakeWorker } from '../helpers/fake-worker.ts';
import { ManualTimers, settle } from '../helpers/manual-timers.ts';

const HUNG = 2;


const source: LightCurveSource = {
  async fetchFiles(target) {
    return [{ name: `${target.target!.id}.fits`, bytes: new Float64Array([target.target!.id]).buffer }];
  },
};

/** The app's parts after a (re)load: a pool of one worker whose analysis of HUNG never returns. */
function reload(store: IdbJobStore, timers: ManualTimers) {
  const started: number[] = [];
  const workers: FakeWorker[] = [];
  const api = {
    async analyze(files: Array<{ bytes: ArrayBuffer }>): Promise<TargetResult> {
      const id = new Float64Array(files[0].bytes)[0];
      started.push(id);
      if (id === HUNG) return new Promise<TargetResult>(() => {});
      return { status: 'ok', features: { bls_period: id } };
    },
  } as unknown as AnalysisWorkerApi;
  const pool = new WorkerPool(
    1,
    () => {
      const w = new FakeWorker(() => api);
      workers.push(w);
      return w as unknown as Worker;
    },
    { timers },
  );
  const stops: string[] = [];
  const runner = new JobRunner(store, source, pool, { onStop: (r) => stops.push(r) }, { downloads: 1 });
  return { pool, runner, started, workers, stops };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 500 && !check(); i++) await settle();
  expect(check()).toBe(true);
}

describe('one analysis that never returns', () => {
  it('does not block Pause, times out after a reload, and is failed for good at its second timeout', async () => {
    const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
    const job = await store.createJob(ticList(3, 'hang.csv'), DEFAULT_SEARCH_SETTINGS);
    const timers = new ManualTimers();
    const key = `TESS:${HUNG}`;
    const target = async () => (await store.targets(job.id)).find((t) => t.key === key)!;

    // 1. Pause while the analysis hangs: it completes, the worker is stopped, the target stays pending.
    const first = reload(store, timers);
    const run1 = first.runner.run(job.id);
    await until(() => first.started.includes(HUNG));
    await first.runner.pause();
    await run1;
    expect(first.stops).toEqual(['paused']);
    expect(first.workers[0].terminated).toBe(true);
    expect(await target()).toMatchObject({ status: 'pending' });
    expect((await target()).workerFailures).toBeUndefined();
    first.pool.terminate();

    // 2. After a reload the same target hangs again: the watchdog stops it with `timeout` and it goes
    // back in line; then the page closes while its second try hangs.
    const second = reload(store, timers);
    const run2 = second.runner.run(job.id);
    await until(() => second.started.includes(HUNG));
    await timers.advance(60_000);
    await until(() => second.started.filter((id) => id === HUNG).length === 2);
    expect(await target()).toMatchObject({ status: 'pending', workerFailures: 1, attempts: 1 });
    expect((await store.getJob(job.id))!.done).toBe(2);
    second.runner.dispose();
    second.pool.terminate();
    await run2;

    // 3. Reloaded again: the count survived, so this timeout is its second, and it is failed.
    const third = reload(store, timers);
    const run3 = third.runner.run(job.id);
    await until(() => third.started.includes(HUNG));
    await timers.advance(60_000);
    await run3;
    expect(third.stops).toEqual(['finished']);
    const failed = await target();
    expect(failed).toMatchObject({ status: 'failed', workerFailures: 2, attempts: 2 });
    expect(failed.result!.error!.code).toBe('timeout');
    expect(failed.result!.error!.message).toMatch(/time limit of 60 s.*the second time for this target; it is not retried automatically again/);
    expect(await store.getJob(job.id)).toMatchObject({ done: 2, failed: 1 });

    // 4. Nothing more is tried: a new run has no work.
    const fourth = reload(store, timers);
    await fourth.runner.run(job.id);
    expect(fourth.started).toEqual([]);
    expect(fourth.stops).toEqual(['finished']);
    third.pool.terminate();
    fourth.pool.terminate();
  });
});
