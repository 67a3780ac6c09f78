import { toAppError } from '../errors.ts';
import { jobLockName, jobRunningElsewhere, type JobChannel } from '../jobs/broadcast.ts';
import { csvFileName, jobCsv } from '../jobs/export.ts';
import { JobRunner, type AnalysisPool } from '../jobs/runner.ts';
import { NetworkSource } from '../jobs/source.ts';
import type { JobStore } from '../jobs/store.ts';
import { jobProgress, type JobRecord, type TargetRecord } from '../jobs/types.ts';
import type { SampleList } from '../samples/index.ts';
import type { SettingsState } from './settings.svelte.ts';

export type RunState = 'idle' | 'running' | 'pausing' | 'paused' | 'finished' | 'elsewhere';

/** How many recent completions the throughput estimate looks at. */
const RATE_WINDOW = 50;

/**
 * The job shown in this tab and its run: progress, throughput, Start / Pause / Resume. The runner,
 * the pool and the network source are built here; what they decide lives in `jobs/` and `workers/`.
 */
export class JobRunState {
  job = $state.raw<JobRecord | null>(null);
  targets = $state.raw<TargetRecord[]>([]);
  runState = $state<RunState>('idle');
  /** Storage or lock problems of the run: always shown, never swallowed. */
  error = $state<string | null>(null);

  private completions = $state.raw<number[]>([]);
  private store: JobStore | null = null;
  private runner: JobRunner | null = null;
  private pool: (AnalysisPool & { terminate(): void }) | null = null;

  constructor(
    private readonly settings: SettingsState,
    private readonly channel: JobChannel,
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

  /** Shows the latest job from storage and follows what other tabs do with it. */
  async attach(store: JobStore): Promise<void> {
    this.store = store;
    const job = await store.latestJob();
    if (job) await this.show(job);
    this.runState = job && jobProgress(job).remaining === 0 ? 'finished' : job ? 'paused' : 'idle';
    if (job && this.runState === 'paused' && (await jobRunningElsewhere(job.id))) this.runState = 'elsewhere';
    this.channel.subscribe((jobId) => void this.refreshFromElsewhere(jobId));
    // The running tab may close without a word: a watching tab checks the lock now and then.
    setInterval(() => {
      if (this.runState === 'elsewhere' && this.job) void this.refreshFromElsewhere(this.job.id);
    }, 3000);
  }

  /** Creates a job from the list with the current search settings and starts it. */
  async start(list: SampleList): Promise<boolean> {
    if (!this.store) return false;
    try {
      const job = await this.store.createJob(list, this.settings.searchSnapshot());
      await this.show(job);
      this.completions = [];
      void this.run();
      return true;
    } catch (err) {
      this.error = toAppError(err, 'storage-failed').message;
      return false;
    }
  }

  async resume(): Promise<void> {
    if (!this.canResume) return;
    void this.run();
  }

  async pause(): Promise<void> {
    if (!this.runner || this.runState !== 'running') return;
    this.runState = 'pausing';
    await this.runner.pause();
  }

  /** The CSV of the shown job as it stands now (pending rows included). */
  async csv(): Promise<{ fileName: string; text: string } | null> {
    if (!this.job || !this.store) return null;
    const [samples, targets] = await Promise.all([this.store.samples(this.job.id), this.store.targets(this.job.id)]);
    return { fileName: csvFileName(this.job), text: jobCsv(this.job, samples, targets) };
  }

  async discard(): Promise<void> {
    if (!this.job || !this.store || this.runState === 'running') return;
    await this.store.deleteJob(this.job.id);
    this.job = null;
    this.targets = [];
    this.runState = 'idle';
  }

  /** Another tab stored a result: a watching tab re-reads the job; the running tab ignores it. */
  private async refreshFromElsewhere(jobId: string): Promise<void> {
    if (!this.store || this.busy) return;
    const job = await this.store.getJob(jobId);
    if (!job) return;
    if (this.job?.id !== jobId) return;
    await this.show(job);
    if (jobProgress(job).remaining === 0) this.runState = 'finished';
    else this.runState = (await jobRunningElsewhere(jobId)) ? 'elsewhere' : 'paused';
  }

  private async show(job: JobRecord): Promise<void> {
    this.job = job;
    this.targets = this.store ? await this.store.targets(job.id) : [];
  }

  private async run(): Promise<void> {
    const job = this.job;
    if (!job || !this.store) return;
    const locks = globalThis.navigator?.locks;
    const body = async () => {
      this.runState = 'running';
      this.error = null;
      await this.runnerFor().run(job.id);
    };
    try {
      if (locks) {
        // One tab runs a job; another tab that opens it only watches.
        await locks.request(jobLockName(job.id), { ifAvailable: true }, async (lock) => {
          if (!lock) {
            this.runState = 'elsewhere';
            return;
          }
          await body();
        });
        this.channel.post(job.id);
      } else {
        await body();
      }
    } catch (err) {
      this.error = toAppError(err, 'storage-failed').message;
      this.runState = 'paused';
    }
  }

  private runnerFor(): JobRunner {
    if (this.runner) return this.runner;
    const workers = Math.min(this.settings.maxWorkers, Math.max(1, Math.round(Number(this.settings.workers) || 1)));
    this.pool = this.createPool(workers);
    const network = this.settings.networkSnapshot();
    const source = new NetworkSource(() => this.settings.mastSnapshot(), undefined, undefined, {
      network: () => network,
      cache: network.cacheMb > 0 ? import('../jobs/lc-cache.ts').then((m) => m.IdbLightCurveCache.open(network.cacheMb * 1_000_000)) : null,
      onCacheError: (err) => (this.error = `The light-curve cache is not used: ${err.message}`),
    });
    const prefetch = { downloads: network.downloadConcurrency, prefetch: network.prefetchLimit || undefined };
    this.runner = new JobRunner(this.store!, source, this.pool, {
      onResult: (job, target, result) => {
        this.channel.post(job.id);
        if (job.id !== this.job?.id) return;
        this.job = job;
        this.targets = this.targets.map((t) => (t.key === target.key ? { ...t, status: result.status, result } : t));
        this.completions = [...this.completions, Date.now()].slice(-RATE_WINDOW);
      },
      onStop: (reason, error) => {
        if (error) this.error = error.message;
        this.runState = reason === 'finished' ? 'finished' : 'paused';
        // A new pool size takes effect at the next start.
        this.pool?.terminate();
        this.pool = null;
        this.runner = null;
      },
    }, prefetch);
    return this.runner;
  }

  private createPool(size: number) {
    // Imported lazily so that the page renders before any worker code loads.
    let real: (AnalysisPool & { terminate(): void }) | null = null;
    const pending = import('../workers/pool.ts').then(({ WorkerPool }) => (real = new WorkerPool(size)));
    return {
      size,
      analyze: async (...args: Parameters<AnalysisPool['analyze']>) => (real ?? (await pending)).analyze(...args),
      terminate: () => {
        void pending.then((p) => p.terminate());
      },
    };
  }
}
