import { describe, expect, it } from 'vitest';
import { JobLocks, jobLockName, type JobWatch } from '../../src/lib/jobs/job-lock.ts';
import type { JobRecord } from '../../src/lib/jobs/types.ts';
import { FakeLockManager } from '../helpers/fake-locks.ts';

const LOCK = jobLockName('job-1');

/** One stored job, shared by every tab as IndexedDB is. */
function storedJob(over: Partial<JobRecord> = {}): { job: JobRecord; get: (id: string) => Promise<JobRecord | undefined> } {
  const job = { id: 'job-1', nTargets: 10, done: 2, failed: 1, runIntent: 'run', ...over } as JobRecord;
  return { job, get: async (id) => (id === job.id ? job : undefined) };
}

/** A run that lasts until the test ends it (or the tab closes and it never ends). */
function openRun() {
  let end!: () => void;
  const finished = new Promise<void>((resolve) => (end = resolve));
  let started = 0;
  return {
    body: async () => {
      started++;
      await finished;
    },
    end: () => end(),
    get started() {
      return started;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('JobLocks: one tab runs a job, a watching tab takes over when it goes away', () => {
  it('runs in the first tab that asks; a second tab neither runs nor waits', async () => {
    const locks = new FakeLockManager();
    const { get } = storedJob();
    const a = new JobLocks(locks.tab('a'), get);
    const b = new JobLocks(locks.tab('b'), get);
    const run = openRun();
    const ranA = a.runExclusive('job-1', run.body);
    await settle();
    expect(locks.holder(LOCK)).toBe('a');
    const other = openRun();
    expect(await b.runExclusive('job-1', other.body)).toBe(false);
    expect(other.started).toBe(0);
    expect(await b.held('job-1')).toBe(true);
    run.end();
    expect(await ranA).toBe(true);
    expect(await b.held('job-1')).toBe(false);
  });

  it('hands the job to the watching tab when the running tab closes, and that tab carries it on once', async () => {
    const locks = new FakeLockManager();
    const { get } = storedJob();
    const runner = new JobLocks(locks.tab('runner'), get);
    const watcher = new JobLocks(locks.tab('watcher'), get);
    void runner.runExclusive('job-1', openRun().body);
    await settle();
    const takeover = openRun();
    const watch = watcher.watch('job-1', takeover.body);
    await settle();
    expect(locks.waiting(LOCK)).toEqual(['watcher']);
    expect(takeover.started).toBe(0);

    locks.close('runner');
    await settle();
    expect(takeover.started).toBe(1);
    expect(locks.holder(LOCK)).toBe('watcher');
    // While the new runner holds it, a third tab only watches.
    expect(await new JobLocks(locks.tab('third'), get).runExclusive('job-1', openRun().body)).toBe(false);
    takeover.end();
    expect(await watch.outcome).toBe('took-over');
    expect(takeover.started).toBe(1);
  });

  it('does not carry on a job the running tab paused or finished: the lock is let go and the job waits for a Resume', async () => {
    for (const state of [{ runIntent: 'pause' as const }, { done: 9, failed: 1 }, { runIntent: undefined }]) {
      const locks = new FakeLockManager();
      const stored = storedJob();
      const runner = new JobLocks(locks.tab('runner'), stored.get);
      const watcher = new JobLocks(locks.tab('watcher'), stored.get);
      const run = openRun();
      const ran = runner.runExclusive('job-1', run.body);
      await settle();
      const takeover = openRun();
      const watch = watcher.watch('job-1', takeover.body);
      await settle();
      // The running tab records what the user asked for before it lets go of the lock.
      Object.assign(stored.job, state);
      run.end();
      await ran;
      expect(await watch.outcome, JSON.stringify(state)).toBe('declined');
      expect(takeover.started).toBe(0);
      expect(locks.holder(LOCK)).toBeUndefined();
      // Any tab may resume it now.
      const resumed = openRun();
      void watcher.runExclusive('job-1', resumed.body);
      await settle();
      expect(resumed.started).toBe(1);
    }
  });

  it('with two watching tabs, one takes over; the other waits on and takes over when that one closes too', async () => {
    const locks = new FakeLockManager();
    const { get } = storedJob();
    void new JobLocks(locks.tab('runner'), get).runExclusive('job-1', openRun().body);
    await settle();
    const first = openRun();
    const second = openRun();
    const w1 = new JobLocks(locks.tab('w1'), get).watch('job-1', first.body);
    const w2 = new JobLocks(locks.tab('w2'), get).watch('job-1', second.body);
    await settle();
    locks.close('runner');
    await settle();
    expect([first.started, second.started]).toEqual([1, 0]);
    expect(locks.waiting(LOCK)).toEqual(['w2']);
    locks.close('w1');
    await settle();
    expect([first.started, second.started]).toEqual([1, 1]);
    second.end();
    expect(await w2.outcome).toBe('took-over');
    void w1;
  });

  it('stops watching when told to (the tab opened another job): the running tab closing then changes nothing', async () => {
    const locks = new FakeLockManager();
    const { get } = storedJob();
    void new JobLocks(locks.tab('runner'), get).runExclusive('job-1', openRun().body);
    await settle();
    const takeover = openRun();
    const watch: JobWatch = new JobLocks(locks.tab('watcher'), get).watch('job-1', takeover.body);
    await settle();
    watch.cancel();
    expect(await watch.outcome).toBe('cancelled');
    locks.close('runner');
    await settle();
    expect(takeover.started).toBe(0);
    expect(locks.holder(LOCK)).toBeUndefined();
  });

  it('without Web Locks every tab runs what it is asked to and none watches', async () => {
    const { get } = storedJob();
    const locks = new JobLocks(null, get);
    const run = openRun();
    run.end();
    expect(await locks.runExclusive('job-1', run.body)).toBe(true);
    expect(run.started).toBe(1);
    expect(await locks.held('job-1')).toBe(false);
    expect(await locks.watch('job-1', run.body).outcome).toBe('cancelled');
    expect(locks.supported).toBe(false);
  });
});
