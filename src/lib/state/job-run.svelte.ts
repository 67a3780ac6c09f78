import { AppError, toAppError } from '../errors.ts';
import type { JobChange, JobChannel } from '../jobs/broadcast.ts';
import { csvFileName, jobCsv } from '../jobs/export.ts';
import { retryCounts, type RetryChoice } from '../jobs/failures.ts';
import type { JobLocks, JobWatch } from '../jobs/job-lock.ts';
import type { LightCurveCache } from '../jobs/lc-cache.ts';
import { namespacedCache } from '../jobs/lc-cache-namespace.ts';
import { cacheNamespace } from '../mast/config.ts';
import { JobRunner, type AnalysisPool } from '../jobs/runner.ts';
import { NetworkSource } from '../jobs/source.ts';
import type { LightCurveSource } from '../jobs/runner.ts';
import type { TargetResult } from '../search/result.ts';
import type { JobLibrary, JobStore } from '../jobs/store.ts';
import { jobProgress, type JobRecord, type TargetRecord } from '../jobs/types.ts';
import type { SampleList } from '../samples/index.ts';
import { coalesce } from './coalesce.ts';
import { deferred } from './deferred.ts';
import { OutageView } from './outage.svelte.ts';
import type { SettingsState } from './settings.svelte.ts';

export type RunState = 'idle' | 'running' | 'pausing' | 'paused' | 'finished' | 'elsewhere';

/** How many recent completions the throughput estimate looks at. */
const RATE_WINDOW = 50;
/**
 * A watching tab re-reads the job at most this often while another tab stores results (it reads every
 * target: thousands of results each time on a big job).
 */
const REFRESH_MS = 2000;

/** What the run needs from outside: storage, the lock policy, and the light-curve cache's owner. */
export interface RunDeps {
  store: JobStore & JobLibrary;
  locks: JobLocks;
}

/** How a run reaches the network and the cache, and whom it tells of stored results. */
export interface RunIo {
  /** The page's light-curve cache (null when it cannot be opened). */
  openCache: () => Promise<LightCurveCache | null>;
  /** MAST directly or through the relay (MastAccess). */
  fetch: typeof fetch;
  /** Called after each stored result (the jobs list and the storage policy follow). */
  onStored: () => void;
  /**
   * This tab let a job's lock go (its run ended). Other tabs hear it on the channel; this tab's own
   * jobs list does not (a BroadcastChannel never delivers to its sender), so it is told here.
   */
  onLockReleased?: () => void;
  // Issue 14 (the views): the table follows the shown job and its results; local files reach the runner.
  /** A job is shown (the results table reads its rows in pages). */
  onShow?: (job: JobRecord) => void;
  /** A result of the shown job was stored. */
  onResult?: (jobId: string, key: string, result: TargetResult) => void;
  /** The run stopped (the table shows what it held back). */
  onRunStop?: () => void;
  /** The runner's source: MAST's, or a source that reads a local-files job's own files first. */
  wrapSource?: (source: LightCurveSource) => LightCurveSource;
  /** The analysis pool (the app's Web Workers by default; Node tests hand in their own). */
  createPool?: (size: number, capSeconds: number) => AnalysisPool & { terminate(): void };
}

/**
 * The job shown in this tab and its run: progress, throughput, Start / Pause / Resume, and taking a
 * job over from a tab that went away. The runner, the pool and the network source are built here;
 * what decides (who runs, when a tab takes over) lives in `jobs/` and `workers/`.
 */
export class JobRunState {
  job = $state.raw<JobRecord | null>(null);
  runState = $state<RunState>('idle');
  /** Storage or lock problems of the run: always shown, never swallowed. */
  error = $state<string | null>(null);
  /** The code of the error above (e.g. `storage-quota`, which the storage status offers to fix). */
  errorCode = $state<AppError['name'] | null>(null);

  /**
   * The shown job's targets. A result replaces its one record in place, found by key (issue 14: never
   * a walk or a copy of all 12,000 per result); `targetsVersion` tells readers that something changed.
   */
  private targetList = $state.raw<TargetRecord[]>([]);
  private targetsVersion = $state(0);
  private targetAt = new Map<string, number>();

  /** The shown job's targets, as stored and updated by this tab's results (the same array, changed in place). */
  get targets(): readonly TargetRecord[] {
    void this.targetsVersion;
    return this.targetList;
  }

  private setTargets(targets: TargetRecord[]): void {
    this.targetList = targets;
    this.targetAt = new Map(targets.map((t, i) => [t.key, i]));
    this.targetsVersion++;
  }

  /** The run's network status: the outage banner (engineer A). */
  readonly outage = new OutageView();

  private completions = $state.raw<number[]>([]);
  private deps: RunDeps | null = null;
  private runner: JobRunner | null = null;
  private pool: (AnalysisPool & { terminate(): void }) | null = null;
  private watch: JobWatch | null = null;
  /** Why the last run stopped, when it stopped on an error. */
  private stopError: AppError | null = null;
  /** How the last run stopped, and whether the user asked for it (Pause) or this tab was displaced. */
  private stopReason: 'finished' | 'paused' | 'error' | null = null;
  private pausedByUser = false;
  private halted = false;
  /** A Start, Resume or Retry of this tab is under way (until its run has ended). */
  private inRun = false;
  /** Settles when the run of this tab has ended and let go of its lock. */
  private runDone: Promise<void> = Promise.resolve();
  private readonly refreshSoon = coalesce(() => this.refresh(), REFRESH_MS);
  /** Resolves when storage is open (true) or cannot be (false): a Start pressed before waits for it. */
  private readonly attached = deferred<boolean>();

  constructor(
    private readonly settings: SettingsState,
    private readonly channel: JobChannel,
    private readonly io: RunIo,
  ) {}

  get progress() {
    return this.job ? jobProgress(this.job) : null;
  }

  /** Targets per minute over the recent completions of this visit. */
  get rate(): number | null {
    const c = this.completions;
    if (c.length < 2) return null;
    const minutes = (c[c.length - 1] - c[0]) / 60_000;
    return minutes > 0 ? (c.length - 1) / minutes : null;
  }

  /** Seconds until the job ends at the current rate. */
  get etaSeconds(): number | null {
    const p = this.progress;
    const r = this.rate;
    if (!p || !r || p.remaining === 0) return null;
    return (p.remaining / r) * 60;
  }

  /** This tab is running its job (or finishing the targets in flight). */
  get busy(): boolean {
    return this.runState === 'running' || this.runState === 'pausing';
  }

  get canResume(): boolean {
    return this.job !== null && this.progress!.remaining > 0 && (this.runState === 'paused' || this.runState === 'idle');
  }

  /** Failed targets `Retry failed` would run again, all or only those with a transient code. */
  get retryCounts() {
    return retryCounts(this.targets);
  }

  get canRetry(): boolean {
    return this.job !== null && this.job.failed > 0 && (this.runState === 'paused' || this.runState === 'finished' || this.runState === 'idle');
  }

  /** Marks the chosen failed targets pending again (attempts kept) and runs them. */
  async retryFailed(choice: RetryChoice): Promise<void> {
    if (!this.canRetry || !this.deps || !this.job) return;
    // From the click on, the job is no longer shown as finished (nor may it be retried twice).
    const before = this.runState;
    this.runState = 'paused';
    try {
      const { job } = await this.deps.store.retryFailed(this.job.id, choice);
      await this.show(job);
      this.channel.post(job.id);
      if (jobProgress(job).remaining === 0) this.runState = before;
      else void this.run();
    } catch (err) {
      this.runState = before;
      this.fail(err);
    }
  }

  /** Asks MAST again at once (the outage banner's button, the browser coming back online). */
  probeNow(): void {
    this.runner?.probeNow();
  }

  /** Shows the latest job from storage and follows what other tabs do with it. */
  async attach(deps: RunDeps): Promise<void> {
    this.deps = deps;
    this.channel.subscribe((jobId, change) => this.onChange(jobId, change));
    try {
      const job = await deps.store.latestJob();
      if (job) await this.open(job.id);
    } finally {
      // Only now may a Start go ahead, or the latest job would be shown over the new one.
      this.attached.resolve(true);
    }
  }

  /** Shows a stored job (its table and CSV); a job another tab runs is watched. */
  async open(jobId: string): Promise<void> {
    if (!this.deps || this.busy) return;
    this.stopWatching();
    this.completions = [];
    await this.load(jobId, true);
  }

  /** Storage cannot be opened: nothing will run here. */
  unavailable(): void {
    this.attached.resolve(false);
  }

  /** Creates a job from the list with the current search settings and starts it. */
  start(list: SampleList): Promise<boolean> {
    return this.startNew((store) => store.createJob(list, this.settings.searchSnapshot()));
  }

  async resume(): Promise<void> {
    if (!this.canResume) return;
    void this.run();
  }

  async pause(): Promise<void> {
    const job = this.job;
    if (!this.runner || !job || this.runState !== 'running') return;
    this.runState = 'pausing';
    this.pausedByUser = true;
    // Recorded before the lock is let go, so that a watching tab does not carry the job on.
    await this.setIntent(job.id, 'pause');
    await this.runner.pause();
  }

  /** The CSV of the shown job as it stands now (pending rows included). */
  async csv(): Promise<{ fileName: string; text: string } | null> {
    if (!this.job || !this.deps) return null;
    const { store } = this.deps;
    const [samples, targets] = await Promise.all([store.samples(this.job.id), store.targets(this.job.id)]);
    return { fileName: csvFileName(this.job), text: jobCsv(this.job, samples, targets) };
  }

  /** The shown job was renamed (here or in another tab). */
  renamed(job: JobRecord): void {
    if (this.job?.id === job.id) this.job = { ...this.job, name: job.name };
  }

  /** The shown job is gone (deleted here or in another tab). */
  forget(): void {
    this.stopWatching();
    this.job = null;
    this.setTargets([]);
    this.runState = 'idle';
  }

  /** Abandons a run that is still stopping (Pausing…) and waits until its lock is let go (before a delete). */
  async abandon(): Promise<void> {
    if (this.runState !== 'pausing') return;
    this.runner?.dispose();
    await this.runDone;
  }

  /** A newer tab took the database: stop at once, so that its tab can take the job over. */
  halt(): void {
    this.halted = true;
    this.stopWatching();
    this.runner?.dispose();
  }

  /** Another tab changed a job: a watching tab re-reads the one it shows; the running tab ignores it. */
  private onChange(jobId: string, change: JobChange): void {
    if (jobId !== this.job?.id || this.busy) return;
    if (change === 'progress') this.refreshSoon();
    else void this.refresh();
  }

  private async refresh(): Promise<void> {
    const id = this.job?.id;
    if (this.deps && id && !this.busy) await this.load(id, false);
  }

  /** Reads a job and shows it as it stands; a refresh is dropped if the tab moved on meanwhile. */
  private async load(jobId: string, opening: boolean): Promise<void> {
    try {
      const job = await this.deps!.store.getJob(jobId);
      if (this.busy || (!opening && this.job?.id !== jobId)) return;
      if (!job) {
        this.forget();
        return;
      }
      // Its real state first (Paused, Finished, …), then its rows: never "Not started" in between (issue 14).
      await this.settle(job);
      await this.show(job);
    } catch (err) {
      this.fail(err);
    }
  }

  /** The state of a job this tab does not run: finished, running elsewhere (watched), or paused. */
  private async settle(job: JobRecord): Promise<void> {
    if (jobProgress(job).remaining === 0) {
      this.stopWatching();
      this.runState = 'finished';
    } else if (await this.deps!.locks.held(job.id)) {
      this.runState = 'elsewhere';
      this.startWatching(job.id);
    } else {
      this.stopWatching();
      const untouched = job.done + job.failed === 0 && job.runIntent === undefined;
      this.runState = untouched ? 'idle' : 'paused';
    }
  }

  private startWatching(jobId: string): void {
    if (this.watch) return;
    const watch = this.deps!.locks.watch(jobId, () => this.runHeld(jobId, true));
    this.watch = watch;
    watch.outcome.then(
      (outcome) => {
        if (this.watch === watch) this.watch = null;
        if (outcome === 'took-over') this.io.onLockReleased?.();
        // The running tab paused or finished: show it as it now is.
        if (outcome === 'declined' && this.job?.id === jobId) void this.refresh();
      },
      (err: unknown) => {
        if (this.watch === watch) this.watch = null;
        this.fail(err);
        if (!this.busy && this.runState === 'elsewhere') this.runState = 'paused';
      },
    );
  }

  private stopWatching(): void {
    this.watch?.cancel();
    this.watch = null;
  }

  private async show(job: JobRecord): Promise<void> {
    const targets = this.deps ? await this.deps.store.targets(job.id) : [];
    this.job = job;
    this.setTargets(targets);
    this.io.onShow?.(job);
  }

  /** Creates a job of the user's own light-curve files (issue 14) and starts it. */
  startLocal(create: () => Promise<JobRecord>): Promise<boolean> {
    return this.startNew(create);
  }

  /** Shows and runs the job `create` writes; false when this tab cannot run one now. */
  private async startNew(create: (store: JobStore) => Promise<JobRecord>): Promise<boolean> {
    if (!(await this.attached.promise) || !this.deps || this.busy) return false;
    try {
      const job = await create(this.deps.store);
      this.channel.post(job.id, 'list');
      this.stopWatching();
      // Not the previous job's state while this one starts.
      this.runState = 'idle';
      await this.show(job);
      this.completions = [];
      void this.run();
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  private async run(): Promise<void> {
    const job = this.job;
    // One run at a time in this tab: a second click must not find the lock "held elsewhere".
    if (!job || !this.deps || this.inRun) return;
    this.inRun = true;
    let ended!: () => void;
    this.runDone = new Promise((resolve) => (ended = resolve));
    try {
      await this.setIntent(job.id, 'run');
      const ran = await this.deps.locks.runExclusive(job.id, () => this.runHeld(job.id, false));
      if (ran) this.io.onLockReleased?.();
      else await this.settle(job);
    } catch (err) {
      this.fail(err);
      this.runState = 'paused';
    } finally {
      this.inRun = false;
      ended();
    }
  }

  /** Runs the job while this tab holds its lock (after Start or Resume, or taken over from a tab that went away). */
  private async runHeld(jobId: string, takingOver: boolean): Promise<void> {
    if (takingOver) {
      // Another tab ran it until now: show it as that tab left it.
      const job = await this.deps!.store.getJob(jobId);
      if (!job) return;
      await this.show(job);
    }
    this.runState = 'running';
    this.error = null;
    this.errorCode = null;
    this.stopError = null;
    this.stopReason = null;
    this.pausedByUser = false;
    this.outage.clear();
    this.channel.post(jobId, 'run');
    try {
      await this.runnerFor().run(jobId);
    } catch (err) {
      this.stopError = toAppError(err, 'storage-failed');
      this.fail(this.stopError);
      this.runState = 'paused';
      this.dropRunner();
    }
    // A run that stopped by itself (a storage error, a first request refused) waits for the user: it
    // is not handed on to a watching tab to stop the same way (this is written before the lock is let
    // go). A tab that a newer tab displaced cannot write, and hands the job on.
    const stoppedItself = this.stopError ? this.stopError.name !== 'storage-outdated' : this.stopReason === 'paused' && !this.pausedByUser;
    if (stoppedItself && !this.halted) await this.setIntent(jobId, 'pause');
    this.channel.post(jobId, 'run');
  }

  private async setIntent(jobId: string, runIntent: 'run' | 'pause'): Promise<void> {
    try {
      const job = await this.deps!.store.updateJob(jobId, { runIntent });
      if (this.job?.id === jobId) this.job = { ...this.job, runIntent: job.runIntent };
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    const e = toAppError(err, 'storage-failed');
    this.error = e.message;
    this.errorCode = e.name;
  }

  private runnerFor(): JobRunner {
    if (this.runner) return this.runner;
    const workers = Math.min(this.settings.maxWorkers, Math.max(1, Math.round(Number(this.settings.workers) || 1)));
    const limits = this.settings.limitsSnapshot();
    this.pool = this.io.createPool?.(workers, limits.analysisMaxSeconds) ?? this.createPool(workers, limits.analysisMaxSeconds);
    const network = this.settings.networkSnapshot();
    const source = new NetworkSource(() => this.settings.mastSnapshot(), this.io.fetch, undefined, {
      deps: { timeoutMs: limits.requestTimeoutSeconds * 1000 },
      network: () => network,
      // Files from another host than MAST (a ?mast= link, a mirror) are cached apart from MAST's.
      cache:
        network.cacheMb > 0
          ? this.io.openCache().then((cache) =>
              cache ? namespacedCache(cache, cacheNamespace(this.settings.mastSnapshot())) : Promise.reject(new AppError('storage-failed', 'the light-curve cache cannot be opened')),
            )
          : null,
      onCacheError: (err) => (this.error = `The light-curve cache is not used: ${err.message}`),
    });
    const prefetch = { downloads: network.downloadConcurrency, prefetch: network.prefetchLimit || undefined };
    this.runner = new JobRunner(this.deps!.store, this.io.wrapSource?.(source) ?? source, this.pool, {
      onResult: (job, target, result) => {
        this.channel.post(job.id);
        this.io.onStored();
        if (job.id !== this.job?.id) return;
        this.job = job;
        const i = this.targetAt.get(target.key);
        if (i !== undefined) {
          this.targetList[i] = { ...this.targetList[i], status: result.status, result };
          this.targetsVersion++;
        }
        this.io.onResult?.(job.id, target.key, result);
        this.completions = [...this.completions, Date.now()].slice(-RATE_WINDOW);
      },
      onOutage: (status) => this.outage.set(status),
      onStop: (reason, error) => {
        this.stopReason = reason;
        if (error) {
          this.stopError = error;
          this.fail(error);
        }
        this.io.onRunStop?.();
        // A stopped run no longer waits for MAST; a refused first request stays explained.
        if (this.outage.waiting) this.outage.clear();
        this.runState = reason === 'finished' ? 'finished' : 'paused';
        this.dropRunner();
      },
    }, prefetch);
    return this.runner;
  }

  /** A new pool size takes effect at the next start. */
  private dropRunner(): void {
    this.pool?.terminate();
    this.pool = null;
    this.runner = null;
  }

  private createPool(size: number, capSeconds: number) {
    // Imported lazily so that the page renders before any worker code loads.
    let real: (AnalysisPool & { terminate(): void }) | null = null;
    const pending = import('../workers/pool.ts').then(({ WorkerPool }) => (real = new WorkerPool(size, undefined, { limits: { capSeconds } })));
    return {
      size,
      analyze: async (...args: Parameters<AnalysisPool['analyze']>) => (real ?? (await pending)).analyze(...args),
      terminate: () => {
        void pending.then((p) => p.terminate());
      },
    };
  }
}
