import { AppError, toAppError } from '../errors.ts';
import { jobLockName, jobRunningElsewhere, openJobChannel } from '../jobs/broadcast.ts';
import { openJobsDb } from '../jobs/db.ts';
import { csvFileName, jobCsv } from '../jobs/export.ts';
import { retryCounts, type RetryChoice } from '../jobs/failures.ts';
import { JobRunner, type AnalysisPool } from '../jobs/runner.ts';
import { NetworkSource } from '../jobs/source.ts';
import { namespacedCache } from '../jobs/lc-cache-namespace.ts';
import { IdbJobStore, type JobStore } from '../jobs/store.ts';
import { cacheNamespace } from '../mast/config.ts';
import { jobProgress, type JobRecord, type TargetRecord } from '../jobs/types.ts';
import type { SampleList } from '../samples/index.ts';
import { MastAccess } from './mast-access.svelte.ts';
import { OutageView } from './outage.svelte.ts';
import { SampleLoader } from './sample-loader.svelte.ts';
import { SettingsState } from './settings.svelte.ts';

export type RunState = 'idle' | 'running' | 'pausing' | 'paused' | 'finished' | 'elsewhere';

/** How many recent completions the throughput estimate looks at. */
const RATE_WINDOW = 50;

/**
 * The whole page's state and intents. Components read getters and call methods; workers, storage
 * and the network are reached only from here.
 */
export class AppState {
  readonly settings = new SettingsState();
  /** Reading sample lists off the main thread. */
  readonly samples = new SampleLoader();
  /** MAST directly, or through the relay of `npm start`. */
  readonly mastAccess = new MastAccess();

  /** A parsed sample list waiting for Start. */
  sampleList = $state.raw<SampleList | null>(null);
  loadError = $state<string | null>(null);
  job = $state.raw<JobRecord | null>(null);
  targets = $state.raw<TargetRecord[]>([]);
  runState = $state<RunState>('idle');
  /** Storage or lock problems: always shown, never swallowed. */
  error = $state<string | null>(null);
  ready = $state(false);

  /** The run's network status: the outage banner (engineer A). */
  readonly outage = new OutageView();

  private completions = $state.raw<number[]>([]);
  private readonly channel = openJobChannel();
  private store: JobStore | null = null;
  private runner: JobRunner | null = null;
  private pool: (AnalysisPool & { terminate(): void }) | null = null;

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

  get canStart(): boolean {
    return this.sampleList !== null && this.sampleList.nValid + this.sampleList.nInvalid > 0 && this.runState !== 'running';
  }

  get canResume(): boolean {
    return this.job !== null && this.sampleList === null && this.progress!.remaining > 0 && (this.runState === 'paused' || this.runState === 'idle');
  }

  /** Failed targets `Retry failed` would run again, all or only those with a transient code. */
  get retryCounts() {
    return retryCounts(this.targets);
  }

  get canRetry(): boolean {
    return this.job !== null && this.sampleList === null && this.job.failed > 0 && (this.runState === 'paused' || this.runState === 'finished' || this.runState === 'idle');
  }

  /** Marks the chosen failed targets pending again (attempts kept) and runs them. */
  async retryFailed(choice: RetryChoice): Promise<void> {
    if (!this.canRetry || !this.store || !this.job) return;
    try {
      const { job } = await this.store.retryFailed(this.job.id, choice);
      await this.show(job);
      this.channel.post(job.id);
      if (jobProgress(job).remaining > 0) void this.run();
    } catch (err) {
      this.error = toAppError(err, 'storage-failed').message;
    }
  }

  /** The outage banner's button: ask MAST again now, or start the run stopped by a refused first request. */
  outageAction(intent: 'probe' | 'resume'): void {
    if (intent === 'probe') this.runner?.probeNow();
    else void this.resume();
  }

  async init(): Promise<void> {
    // Back online: ask MAST at once rather than at the next probe.
    globalThis.addEventListener?.('online', () => this.runner?.probeNow());
    const access = this.mastAccess.detect(this.settings);
    try {
      // Ask the browser not to evict finished results under storage pressure (it may say no).
      void globalThis.navigator?.storage?.persist?.().catch(() => false);
      this.store = new IdbJobStore(await openJobsDb());
      const job = await this.store.latestJob();
      if (job) await this.show(job);
      this.runState = job && jobProgress(job).remaining === 0 ? 'finished' : job ? 'paused' : 'idle';
      if (job && this.runState === 'paused' && (await jobRunningElsewhere(job.id))) this.runState = 'elsewhere';
      this.channel.subscribe((jobId) => void this.refreshFromElsewhere(jobId));
      // The running tab may close without a word: a watching tab checks the lock now and then.
      setInterval(() => {
        if (this.runState === 'elsewhere' && this.job) void this.refreshFromElsewhere(this.job.id);
      }, 3000);
    } catch (err) {
      this.error = `Storage is not available, so progress cannot be kept: ${toAppError(err, 'storage-failed').message}`;
    } finally {
      await access;
      this.ready = true;
    }
  }

  async loadFile(file: File): Promise<void> {
    await this.loadList(() => this.samples.fromFile(file));
  }

  async loadDemo(): Promise<void> {
    await this.loadList(() => this.samples.fromUrl(new URL('demo/sample-list.csv', document.baseURI), 'demo-sample-list.csv'));
  }

  private async loadList(read: () => Promise<SampleList>): Promise<void> {
    this.loadError = null;
    try {
      this.acceptList(await read());
    } catch (err) {
      const e = toAppError(err, 'invalid-sample-file');
      if (e.name === 'aborted') return; // another list was chosen meanwhile
      this.sampleList = null;
      this.loadError = e.message;
    }
  }

  /** Creates the job from the loaded list and starts it. */
  async start(): Promise<void> {
    if (!this.sampleList || !this.store) return;
    try {
      const job = await this.store.createJob(this.sampleList, this.settings.searchSnapshot());
      this.sampleList = null;
      await this.show(job);
      this.completions = [];
      void this.run();
    } catch (err) {
      this.error = toAppError(err, 'storage-failed').message;
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

  async discardJob(): Promise<void> {
    if (!this.job || !this.store || this.runState === 'running') return;
    // Work still stopping (Pausing…) is abandoned at once: nothing more of this job is stored.
    this.runner?.dispose();
    await this.store.deleteJob(this.job.id);
    this.job = null;
    this.targets = [];
    this.runState = 'idle';
  }

  /** Another tab stored a result: a watching tab re-reads the job; the running tab ignores it. */
  private async refreshFromElsewhere(jobId: string): Promise<void> {
    if (!this.store || this.runState === 'running' || this.runState === 'pausing') return;
    const job = await this.store.getJob(jobId);
    if (!job) return;
    if (this.job?.id !== jobId && this.sampleList) return;
    await this.show(job);
    if (jobProgress(job).remaining === 0) this.runState = 'finished';
    else this.runState = (await jobRunningElsewhere(jobId)) ? 'elsewhere' : 'paused';
  }

  private acceptList(list: SampleList): void {
    if (this.runState === 'running' || this.runState === 'pausing') {
      throw new AppError('invalid-sample-file', 'a job is running: pause it before loading another sample list');
    }
    this.sampleList = list;
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
      this.outage.clear();
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
    const limits = this.settings.limitsSnapshot();
    this.pool = this.createPool(workers, limits.analysisMaxSeconds);
    const network = this.settings.networkSnapshot();
    const source = new NetworkSource(() => this.settings.mastSnapshot(), this.mastAccess.fetch, undefined, {
      deps: { timeoutMs: limits.requestTimeoutSeconds * 1000 },
      network: () => network,
      // Files from another host than MAST (a ?mast= link, a mirror) are cached apart from MAST's.
      cache:
        network.cacheMb > 0
          ? import('../jobs/lc-cache.ts').then(async (m) => namespacedCache(await m.IdbLightCurveCache.open(network.cacheMb * 1_000_000), cacheNamespace(this.settings.mastSnapshot())))
          : null,
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
      onOutage: (status) => this.outage.set(status),
      onStop: (reason, error) => {
        if (error) this.error = error.message;
        // A stopped run no longer waits for MAST; a refused first request stays explained.
        if (this.outage.waiting) this.outage.clear();
        this.runState = reason === 'finished' ? 'finished' : 'paused';
        // A new pool size takes effect at the next start.
        this.pool?.terminate();
        this.pool = null;
        this.runner = null;
      },
    }, prefetch);
    return this.runner;
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
