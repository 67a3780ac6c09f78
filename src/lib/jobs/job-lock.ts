import { jobProgress, type JobRecord } from './types.ts';

/** The part of the Web Locks API the policy uses: `navigator.locks` in a browser, a fake in Node tests. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<void>;
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}

/** How a watch ended: this tab now runs the job, the job no longer wanted to run, or the tab stopped watching. */
export type WatchOutcome = 'took-over' | 'declined' | 'cancelled';

export interface JobWatch {
  readonly outcome: Promise<WatchOutcome>;
  cancel(): void;
}

/** The Web Lock that marks the tab running a job. */
export function jobLockName(jobId: string): string {
  return `transit-features:job:${jobId}`;
}

/**
 * Who runs a job, and when a watching tab takes over. One Web Lock per job, held by the running tab
 * for as long as its run lasts (Start or Resume until Pause, the end, or the tab going away). A tab
 * that finds it held only watches; it also queues for the lock, so that the browser hands it over the
 * moment the holder lets go. It then carries on only when the job still wants to run (the user last
 * pressed Start or Resume, not Pause, and targets remain): a tab that closed or crashed hands its job
 * on; a tab that paused does not.
 */
export class JobLocks {
  constructor(
    private readonly locks: LockManagerLike | null,
    /** Reads the job as stored now (its `runIntent` and counters decide a takeover). */
    private readonly getJob: (jobId: string) => Promise<JobRecord | undefined>,
  ) {}

  /** Whether this browser can tell tabs apart at all (without Web Locks every tab may run a job). */
  get supported(): boolean {
    return this.locks !== null;
  }

  /**
   * Runs `body` holding the job's lock and returns true, or returns false at once (without running
   * it) when another tab holds the lock. Deleting a job goes through here too, so a job is never
   * deleted while a tab runs it.
   */
  async runExclusive(jobId: string, body: () => Promise<void>): Promise<boolean> {
    if (!this.locks) {
      await body();
      return true;
    }
    let ran = false;
    await this.locks.request(jobLockName(jobId), { ifAvailable: true }, async (lock) => {
      if (!lock) return;
      ran = true;
      await body();
    });
    return ran;
  }

  /** True when a tab of this browser (this one included) holds the job's lock. */
  async held(jobId: string): Promise<boolean> {
    if (!this.locks) return false;
    const state = await this.locks.query();
    return (state.held ?? []).some((lock) => lock.name === jobLockName(jobId));
  }

  /** Would a tab that is handed the lock now carry the job on? */
  async wantsToRun(jobId: string): Promise<boolean> {
    const job = await this.getJob(jobId);
    return job !== undefined && job.runIntent === 'run' && jobProgress(job).remaining > 0;
  }

  /**
   * Queues for the job's lock behind the tab that holds it. When it is granted, `takeOver` runs
   * holding it if the job still wants to run; otherwise the lock is let go at once.
   */
  watch(jobId: string, takeOver: () => Promise<void>): JobWatch {
    if (!this.locks) return { outcome: Promise.resolve('cancelled'), cancel() {} };
    const controller = new AbortController();
    let outcome: WatchOutcome = 'cancelled';
    const done = this.locks
      .request(jobLockName(jobId), { signal: controller.signal }, async () => {
        if (controller.signal.aborted) return;
        if (!(await this.wantsToRun(jobId))) {
          outcome = 'declined';
          return;
        }
        outcome = 'took-over';
        await takeOver();
      })
      .then(
        () => outcome,
        (err: unknown) => {
          if (controller.signal.aborted) return 'cancelled' as const;
          throw err;
        },
      );
    return {
      outcome: done,
      cancel: () => controller.abort(new DOMException('The tab stopped watching the job', 'AbortError')),
    };
  }
}
