// The runner under faults, with fake network and compute and a manual clock for the outage policy:
// an outage leaves targets pending and the run goes on by itself; a refused first request stops it;
// worker failures are retried once; Retry failed runs chosen targets again, keeping their attempts.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { jobCsv } from '../../src/lib/jobs/export.ts';
import type { OutageStatus } from '../../src/lib/jobs/outage.ts';
import { JobRunner, type AnalysisPool, type FetchHints, type LightCurveSource } from '../../src/lib/jobs/runner.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import type { TargetRecord } from '../../src/lib/jobs/types.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { ticList } from '../helpers/sample-lists.ts';
import { ManualTimers, settle } from '../helpers/manual-timers.ts';

const HOST = 'https://mast.example';


const id = (t: TargetRecord) => t.target!.id;

/** A network that can go down: requests are refused (as fetch's TypeError) while `down`. */
class SwitchableSource implements LightCurveSource {
  down = false;
  answeredOnce = false;
  fetched: number[] = [];
  probes = 0;
  /** Ids whose files "do not exist" (a target-specific failure). */
  missing = new Set<number>();
  /** Ids whose files are in the light-curve cache: served without the network. */
  cached = new Set<number>();

  async fetchFiles(target: TargetRecord, _signal: AbortSignal, hints?: FetchHints) {
    await settle();
    if (this.cached.has(id(target))) return [{ name: `${id(target)}.fits`, bytes: new Float64Array([id(target)]).buffer }];
    if (this.down) throw new AppError('network-blocked', `could not reach ${HOST}`, { transient: true, url: `${HOST}/file/${id(target)}` });
    this.answeredOnce = true;
    hints?.onAnswer?.();
    if (this.missing.has(id(target))) throw new AppError('no-light-curve', `no light curve for TIC ${id(target)}`);
    this.fetched.push(id(target));
    return [{ name: `${id(target)}.fits`, bytes: new Float64Array([id(target)]).buffer }];
  }

  hostAnswered() {
    return this.answeredOnce;
  }

  async probe() {
    this.probes++;
    return !this.down;
  }
}

/** Answers each target with its id; `crash(id, n)` makes its first n analyses fail with a code. */
class ScriptedPool implements AnalysisPool {
  readonly size = 2;
  analysed: number[] = [];
  private readonly failures = new Map<number, { code: 'worker-crashed' | 'kernel-trap' | 'timeout'; left: number }>();

  fail(target: number, code: 'worker-crashed' | 'kernel-trap' | 'timeout', times: number) {
    this.failures.set(target, { code, left: times });
  }

  async analyze(files: { bytes: ArrayBuffer }[]): Promise<TargetResult> {
    const n = new Float64Array(files[0].bytes)[0];
    this.analysed.push(n);
    await settle();
    const f = this.failures.get(n);
    if (f && f.left > 0) {
      f.left--;
      // A trap comes back from the worker as a failed result; a crash or a timeout as a rejection.
      if (f.code === 'kernel-trap') return { status: 'failed', error: { code: 'kernel-trap', message: 'unreachable executed' }, features: {} };
      throw new AppError(f.code, `the worker ${f.code === 'timeout' ? 'ran out of time' : 'stopped'}`);
    }
    return { status: 'ok', features: { bls_period: n } };
  }
}

async function setup(n: number) {
  const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
  const job = await store.createJob(ticList(n, 'faults.csv'), DEFAULT_SEARCH_SETTINGS);
  return { store, job, source: new SwitchableSource(), pool: new ScriptedPool(), timers: new ManualTimers() };
}

async function until(check: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 2000 && !(await check()); i++) await settle();
  expect(await check()).toBe(true);
}

describe('JobRunner and the network', () => {
  it('pauses itself in an outage with every target pending, and goes on by itself when MAST answers again', async () => {
    const { store, job, source, pool, timers } = await setup(30);
    const outages: OutageStatus[] = [];
    const stops: string[] = [];
    const runner = new JobRunner(
      store,
      source,
      pool,
      {
        onResult: (j) => {
          if (j.done === 8) source.down = true;
        },
        onOutage: (o) => outages.push(o),
        onStop: (r) => stops.push(r),
      },
      { downloads: 3, outage: { timers } },
    );
    const run = runner.run(job.id);
    await until(() => runner.outage.kind === 'outage');
    await until(async () => {
      await settle();
      return pool.analysed.length === (await store.getJob(job.id))!.done;
    });
    const during = (await store.getJob(job.id))!;
    expect(during.failed).toBe(0);
    expect(during.done).toBeLessThan(30);
    expect(runner.outage).toMatchObject({ kind: 'outage', cause: 'unreachable', host: 'mast.example', refused: true });

    // Two minutes down: probes with backoff, nothing downloaded, nothing failed.
    const fetchedBefore = source.fetched.length;
    await timers.advance(120_000);
    expect(source.probes).toBeGreaterThanOrEqual(4);
    expect(source.fetched.length).toBe(fetchedBefore);
    expect((await store.getJob(job.id))!.failed).toBe(0);

    source.down = false;
    await timers.advance(30_000);
    await run;
    expect(stops).toEqual(['finished']);
    expect(await store.getJob(job.id)).toMatchObject({ done: 30, failed: 0 });
    // Each light curve was fetched once, and each target ran once.
    expect(source.fetched.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await store.targets(job.id)).map((t) => t.attempts)).toEqual(Array(30).fill(1));
    expect(outages.map((o) => o.kind)).toContain('outage');
    expect(outages.at(-1)).toEqual({ kind: 'clear' });
  });

  it('does not take light curves from the cache for MAST answering: the outage is declared at once and nothing fails', async () => {
    const { store, job, source, pool, timers } = await setup(40);
    for (let i = 1; i <= 40; i += 2) source.cached.add(i);
    let doneAtOutage = -1;
    const runner = new JobRunner(
      store,
      source,
      pool,
      {
        onResult: (j) => {
          if (j.done === 4) source.down = true;
        },
        onOutage: (o) => {
          if (o.kind === 'outage' && doneAtOutage < 0) void store.getJob(job.id).then((j) => (doneAtOutage = j!.done));
        },
      },
      { downloads: 2, outage: { timers } },
    );
    const run = runner.run(job.id);
    await until(() => runner.outage.kind === 'outage' && doneAtOutage >= 0);
    // Three network failures in a row, cached targets between them or not: most cached ones are still to come.
    expect(doneAtOutage).toBeLessThan(20);
    await timers.advance(60_000);
    expect((await store.getJob(job.id))!.failed).toBe(0);
    source.down = false;
    await timers.advance(30_000);
    await run;
    expect(await store.getJob(job.id)).toMatchObject({ done: 40, failed: 0 });
  });

  it('stops with every target pending, and says why, when the very first requests are refused', async () => {
    const { store, job, source, pool, timers } = await setup(5);
    source.down = true;
    const outages: OutageStatus[] = [];
    const stops: string[] = [];
    await new JobRunner(store, source, pool, { onOutage: (o) => outages.push(o), onStop: (r) => stops.push(r) }, { downloads: 2, outage: { timers } }).run(job.id);
    expect(stops).toEqual(['paused']);
    expect(outages).toEqual([expect.objectContaining({ kind: 'first-request-failed', host: 'mast.example' })]);
    expect((await store.pendingTargets(job.id)).length).toBe(5);
    expect(source.probes).toBe(0);
  });

  it('stores target-specific failures at once, also during a run that has network trouble', async () => {
    const { store, job, source, pool, timers } = await setup(6);
    source.missing.add(2);
    await new JobRunner(store, source, pool, {}, { downloads: 2, outage: { timers } }).run(job.id);
    const t2 = (await store.targets(job.id)).find((t) => id(t) === 2)!;
    expect(t2).toMatchObject({ status: 'failed', attempts: 1 });
    expect(t2.result!.error!.code).toBe('no-light-curve');
  });

  it('abandons downloads in flight on pause: their targets stay pending', async () => {
    const { store, job, pool } = await setup(4);
    const aborted: number[] = [];
    const source: LightCurveSource = {
      fetchFiles: (target, signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted.push(id(target));
            reject(signal.reason);
          }),
        ),
    };
    const runner = new JobRunner(store, source, pool, {}, { downloads: 2 });
    const run = runner.run(job.id);
    await settle();
    await runner.pause();
    await run;
    expect(aborted.sort()).toEqual([1, 2]);
    expect((await store.pendingTargets(job.id)).length).toBe(4);
  });
});

describe('JobRunner and worker failures', () => {
  it('retries a target whose worker crashed once, counting both attempts', async () => {
    const { store, job, source, pool } = await setup(5);
    pool.fail(3, 'worker-crashed', 1);
    const failures: Array<[number, string, boolean]> = [];
    await new JobRunner(store, source, pool, { onWorkerFailure: (_j, t, e, final) => failures.push([id(t), e.name, final]) }).run(job.id);
    expect(failures).toEqual([[3, 'worker-crashed', false]]);
    const t3 = (await store.targets(job.id)).find((t) => id(t) === 3)!;
    expect(t3).toMatchObject({ status: 'ok', attempts: 2, workerFailures: 1 });
    expect(await store.getJob(job.id)).toMatchObject({ done: 5, failed: 0 });
  });

  it.each(['kernel-trap', 'timeout', 'worker-crashed'] as const)('fails a target for good at its second %s', async (code) => {
    const { store, job, source, pool } = await setup(4);
    pool.fail(2, code, 5);
    const stops: string[] = [];
    await new JobRunner(store, source, pool, { onStop: (r) => stops.push(r) }).run(job.id);
    expect(stops).toEqual(['finished']);
    expect(pool.analysed.filter((n) => n === 2)).toHaveLength(2);
    const t2 = (await store.targets(job.id)).find((t) => id(t) === 2)!;
    expect(t2).toMatchObject({ status: 'failed', attempts: 2, workerFailures: 2 });
    expect(t2.result!.error!.code).toBe(code);
    expect(t2.result!.error!.message).toMatch(/the second time for this target; it is not retried automatically again/);
    expect(await store.getJob(job.id)).toMatchObject({ done: 3, failed: 1 });
  });
});

describe('Retry failed', () => {
  it('runs again all failed targets, or only those with a transient code, and the CSV counts the attempts', async () => {
    const { store, job, source, pool } = await setup(6);
    const fail = (code: 'target-not-found' | 'download-failed' | 'timeout' | 'fits-invalid') => ({ status: 'failed' as const, error: { code, message: code }, features: {} });
    await store.recordResult(job.id, 'TESS:1', { status: 'ok', features: { bls_period: 1 } });
    await store.recordResult(job.id, 'TESS:2', fail('target-not-found'));
    await store.recordResult(job.id, 'TESS:3', fail('download-failed'));
    await store.recordResult(job.id, 'TESS:4', fail('timeout'));
    await store.recordResult(job.id, 'TESS:5', fail('fits-invalid'));
    expect(await store.getJob(job.id)).toMatchObject({ done: 1, failed: 4 });

    const transient = await store.retryFailed(job.id, 'transient');
    expect(transient.retried).toBe(2);
    expect(transient.job).toMatchObject({ done: 1, failed: 2 });
    expect(transient.job.finishedAt).toBeUndefined();
    expect((await store.pendingTargets(job.id)).map(id)).toEqual([3, 4, 6]);
    await new JobRunner(store, source, pool).run(job.id);
    expect(pool.analysed.sort()).toEqual([3, 4, 6]);

    const all = await store.retryFailed(job.id, 'all');
    expect(all.retried).toBe(2);
    await new JobRunner(store, source, pool).run(job.id);
    const finished = (await store.getJob(job.id))!;
    expect(finished).toMatchObject({ done: 6, failed: 0 });
    expect(finished.finishedAt).toBeGreaterThan(0);

    const rows = Papa.parse<Record<string, string>>(jobCsv(finished, await store.samples(job.id), await store.targets(job.id)), { header: true }).data;
    expect(rows.slice(0, 6).map((r) => [r.target, r.status, r.attempts])).toEqual([
      ['TIC 1', 'ok', '1'],
      ['TIC 2', 'ok', '2'],
      ['TIC 3', 'ok', '2'],
      ['TIC 4', 'ok', '2'],
      ['TIC 5', 'ok', '2'],
      ['TIC 6', 'ok', '1'],
    ]);
  });
});
