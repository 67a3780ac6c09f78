// @vitest-environment node
/**
 * The run's state while a 12,000-target job runs: each finished result changes its one target record,
 * found by key, and nothing walks or copies all 12,000 (issue 14: the page stays current without
 * O(n) work per result). Counted, not timed: every read of a stored target record and of the shown
 * array is counted while the results arrive. (In the component project for the Svelte compiler the
 * state class needs; it runs in Node.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { JobChannel } from '../../src/lib/jobs/broadcast.ts';
import type { JobLocks } from '../../src/lib/jobs/job-lock.ts';
import type { LightCurveCache } from '../../src/lib/jobs/lc-cache.ts';
import type { AnalysisPool, LightCurveSource } from '../../src/lib/jobs/runner.ts';
import type { JobLibrary, JobStore } from '../../src/lib/jobs/store.ts';
import type { JobRecord, TargetRecord } from '../../src/lib/jobs/types.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { JobRunState } from '../../src/lib/state/job-run.svelte.ts';
import { SettingsState } from '../../src/lib/state/settings.svelte.ts';

const N = 12_000;
const PENDING = 300;

/** Reads of records and arrays handed out by `targets()`, counted while `on`. */
const reads = { on: false, count: 0 };
const counted = <T extends object>(value: T): T =>
  new Proxy(value, {
    get(t, p, r) {
      if (reads.on) reads.count++;
      return Reflect.get(t, p, r);
    },
  });

/** A stored job of 12,000 targets, the last 300 pending; results are kept in memory. */
function memoryStore() {
  let job: JobRecord = {
    id: 'job-big', createdAt: 1, fileName: 'big.csv', format: 'ours', columns: ['target'], nSamples: N, nInvalid: 0, nTargets: N,
    done: N - PENDING, failed: 0, settings: DEFAULT_SEARCH_SETTINGS, runIntent: 'pause',
  };
  const targets = new Map<string, TargetRecord>();
  for (let i = 0; i < N; i++) {
    const key = `TESS:${1000 + i}`;
    const pending = i >= N - PENDING;
    targets.set(key, { jobId: job.id, key, order: i, target: { mission: 'TESS', id: 1000 + i }, status: pending ? 'pending' : 'ok', ...(pending ? {} : { result: { status: 'ok', features: { bls_period: 2 } } }) });
  }
  const store: Partial<JobStore & JobLibrary> = {
    latestJob: async () => job,
    getJob: async (id) => (id === job.id ? job : undefined),
    updateJob: async (_id, patch) => (job = { ...job, ...patch }),
    // As IndexedDB does: new objects on every read (here counted ones, in a counted array).
    targets: async () => counted([...targets.values()].map((t) => counted({ ...t }))),
    pendingTargets: async () => [...targets.values()].filter((t) => t.status === 'pending').map((t) => ({ ...t })),
    recordResult: async (_id, key, result: TargetResult) => {
      const t = targets.get(key)!;
      targets.set(key, { ...t, status: result.status, result });
      job = { ...job, done: job.done + (result.status === 'ok' ? 1 : 0), failed: job.failed + (result.status === 'failed' ? 1 : 0) };
      return { job, written: true };
    },
  };
  return store as JobStore & JobLibrary;
}

const source: LightCurveSource = { fetchFiles: async (t) => [{ name: `${t.target!.id}.fits`, bytes: new ArrayBuffer(8) }] };
const pool = (): AnalysisPool & { terminate(): void } => ({
  size: 2,
  analyze: async (files) => ({ status: 'ok', features: { bls_period: Number.parseInt(files[0].name, 10) } }),
  terminate() {},
});
const locks = { runExclusive: async (_id: string, body: () => Promise<void>) => (await body(), true), held: async () => false } as unknown as JobLocks;
const channel: JobChannel = { post() {}, subscribe: () => () => {}, close() {} };

describe('the run state of a 12,000-target job', () => {
  it('takes each finished result in without walking the other targets', async () => {
    const results: string[] = [];
    const run = new JobRunState(new SettingsState(''), channel, {
      // Never used: the source above stands in for MAST and its cache.
      openCache: async () => ({}) as LightCurveCache,
      fetch: (() => Promise.reject(new Error('no network in this test'))) as typeof fetch,
      onStored: () => {},
      onResult: (_job, key) => results.push(key),
      wrapSource: () => source,
      createPool: pool,
    });
    await run.attach({ store: memoryStore(), locks });
    expect(run.targets.length).toBe(N);
    expect(run.runState).toBe('paused');

    reads.on = true;
    await run.resume();
    await vi.waitFor(() => expect(run.runState).toBe('finished'), { timeout: 30_000 });
    reads.on = false;

    expect(results.length).toBe(PENDING);
    // The shown targets followed: the last one is ok now, with its result.
    expect(run.targets[N - 1].status).toBe('ok');
    expect(run.targets[N - 1].result?.features.bls_period).toBe(1000 + N - 1);
    expect(run.progress).toMatchObject({ done: N, remaining: 0 });
    // A handful of reads per result (its own record and slot); a walk of all targets per result
    // would be 300 × 12,000 = 3.6 million.
    console.info(`12,000-target job: ${reads.count} reads of stored target records for ${PENDING} results`);
    expect(reads.count).toBeLessThan(PENDING * 30);
  });
});
