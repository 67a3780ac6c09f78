import { toAppError } from '../errors.ts';
import { openJobChannel } from '../jobs/broadcast.ts';
import { OUTDATED_MESSAGE, openJobsDb } from '../jobs/db.ts';
import type { RetryChoice } from '../jobs/failures.ts';
import { JobLocks, type LockManagerLike } from '../jobs/job-lock.ts';
import { IdbJobStore } from '../jobs/store.ts';
import { JobRunState } from './job-run.svelte.ts';
import { JobsListState } from './jobs.svelte.ts';
import { MastAccess } from './mast-access.svelte.ts';
import { SampleListState } from './samples.svelte.ts';
import { SettingsState } from './settings.svelte.ts';
import { StorageState } from './storage.svelte.ts';
// Issue 14: the views' state (table, overview, router, target view) and their wiring.
import { LocalFileSource } from '../jobs/local-files.ts';
import { viewFiles } from '../jobs/view-files.ts';
import { namespacedCache } from '../jobs/lc-cache-namespace.ts';
import { cacheNamespace } from '../mast/config.ts';
import { csvFileName, jobCsv } from '../jobs/export.ts';
import { OverviewState } from './overview.svelte.ts';
import { RouterState } from './router.svelte.ts';
import { TableState } from './table.svelte.ts';
import { TargetViewState } from './target-view.svelte.ts';

export type { RunState } from './job-run.svelte.ts';

/** Storage is measured again (and the cache made to give way) after this many stored results. */
const STORAGE_CHECK_EVERY = 25;

/**
 * The page's composition root: it builds the state classes, opens storage and wires them together.
 * It holds no policy and no state of its own beyond what the page shows about storage being usable;
 * the getters below are the components' view of the parts. Each engineer adds wiring in a block of
 * their own.
 */
export class AppState {
  readonly settings = new SettingsState();
  /** MAST directly, or through the relay of `npm start` (engineer C). */
  readonly mastAccess = new MastAccess();
  private readonly channel = openJobChannel();
  private stored = 0;
  readonly storage: StorageState = new StorageState(this.settings, () => this.jobs.pendingResultBytes());
  readonly run: JobRunState = new JobRunState(this.settings, this.channel, {
    openCache: () => this.storage.openCache(),
    fetch: this.mastAccess.fetch,
    onStored: () => this.onStored(),
    onLockReleased: () => void this.jobs.refresh(),
    // Issue 14: the table follows the shown job; local-files jobs read their own files.
    onShow: (job) => {
      if (this.viewStore) void this.table.load(job, this.viewStore);
    },
    onResult: (jobId, key, result) => {
      this.table.update(jobId, key, result);
      void this.targetView.refresh(jobId, key);
    },
    onRunStop: () => this.table.flush(),
    wrapSource: (source) => (this.viewStore ? new LocalFileSource(this.viewStore, source) : source),
  });

  // --- Issue 14: the table, the overview, the target view --------------------------------------------
  /** The job store as the views read it (set once storage is open). */
  private viewStore: IdbJobStore | null = null;
  private resolveOpened: (store: IdbJobStore | null) => void = () => {};
  /** Settles when storage is open (a bookmarked target view waits for it). */
  private readonly opened: Promise<IdbJobStore | null> = new Promise((resolve) => (this.resolveOpened = resolve));
  readonly table = new TableState();
  readonly overview = new OverviewState(this.table);
  readonly router = new RouterState();
  readonly targetView = new TargetViewState({
    job: async (id) => (await this.opened)?.getJob(id),
    target: async (id, key) => (await this.opened)?.target(id, key),
    summary: async (id, key) => (await this.opened)?.summary(id, key),
    files: (job, target, signal) =>
      viewFiles(job, target, signal, {
        store: this.viewStore!,
        mast: () => this.settings.mastSnapshot(),
        network: () => this.settings.networkSnapshot(),
        fetch: this.mastAccess.fetch,
        cache: (network) =>
          network.cacheMb > 0
            ? this.storage.openCache().then((cache) => {
                if (!cache) throw new Error('the light-curve cache cannot be opened');
                return namespacedCache(cache, cacheNamespace(this.settings.mastSnapshot()));
              })
            : null,
      }),
    lightCurve: async (files, settings) => (await import('../workers/views-client.ts')).viewsWorker().lightCurve(files, settings),
  });

  /** Makes a job of light-curve files from the user's disk (no MAST) and starts it. */
  async loadLightCurveFiles(files: File[]): Promise<void> {
    const store = this.viewStore;
    if (!store || files.length === 0 || this.run.busy) return;
    const local = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    this.router.home();
    if (await this.run.startLocal(() => store.createLocalJob(local, this.settings.searchSnapshot()))) this.samples.clear();
  }

  /** The CSV of the shown job, built in a worker (a 7,700-row job's took 0.4 s on the page). */
  async csvFile(): Promise<{ fileName: string; blob: Blob } | null> {
    const job = this.run.job;
    if (!job || !this.viewStore) return null;
    try {
      const { viewsWorker } = await import('../workers/views-client.ts');
      return await viewsWorker().csv(job.id);
    } catch (err) {
      // Without module workers the page builds it itself.
      if (!(err instanceof Error) || !/worker/i.test(err.message)) throw err;
      const [samples, targets] = await Promise.all([this.viewStore.samples(job.id), this.viewStore.targets(job.id)]);
      return { fileName: csvFileName(job), blob: new Blob([jobCsv(job, samples, targets)], { type: 'text/csv' }) };
    }
  }

  readonly samples = new SampleListState(() => this.run.busy);
  readonly jobs: JobsListState = new JobsListState(this.run, this.settings, this.channel, () => void this.storage.check());

  /** Storage could not be opened: nothing can be kept. */
  private storageError = $state<string | null>(null);
  /** Another tab of an older version keeps the job database from being opened here. */
  storageWaiting = $state(false);
  /** A newer version of the page, in another tab, upgraded the database: this tab must reload. */
  outdated = $state(false);
  ready = $state(false);

  async init(): Promise<void> {
    // Back online: ask MAST at once rather than at the next probe (engineer A).
    globalThis.addEventListener?.('online', () => this.run.probeNow());
    const access = this.mastAccess.detect(this.settings);
    try {
      // Ask the browser not to evict finished results under storage pressure (it may say no; the answer is shown).
      void this.storage.requestPersistence();
      const db = await openJobsDb({ onOutdated: () => this.onOutdated(), onBlocked: () => (this.storageWaiting = true) });
      this.storageWaiting = false;
      const store = new IdbJobStore(db);
      this.viewStore = store;
      this.resolveOpened(store);
      const locks = new JobLocks((globalThis.navigator?.locks as LockManagerLike | undefined) ?? null, (id) => store.getJob(id));
      await Promise.all([this.run.attach({ store, locks }), this.jobs.attach({ store, locks })]);
      void this.storage.check();
    } catch (err) {
      this.run.unavailable();
      this.jobs.unavailable();
      this.storageError = `Storage is not available, so progress cannot be kept: ${toAppError(err, 'storage-failed').message}`;
    } finally {
      this.resolveOpened(this.viewStore);
      await access;
      this.ready = true;
    }
  }

  private onStored(): void {
    this.jobs.stored();
    if (++this.stored % STORAGE_CHECK_EVERY === 0) void this.storage.check();
  }

  private onOutdated(): void {
    this.outdated = true;
    this.run.halt();
  }

  // --- The sample list ---------------------------------------------------------------------------
  get sampleList() {
    return this.samples.list;
  }
  get loadError() {
    return this.samples.loadError;
  }
  loadFile(file: File) {
    return this.samples.loadFile(file);
  }
  loadDemo() {
    return this.samples.loadDemo();
  }
  get canStart(): boolean {
    const list = this.samples.list;
    return list !== null && list.nValid + list.nInvalid > 0 && !this.run.busy && !this.outdated;
  }
  async start(): Promise<void> {
    const list = this.samples.list;
    if (!list || !this.canStart) return;
    if (await this.run.start(list)) this.samples.clear();
  }

  // --- The shown job and its run -----------------------------------------------------------------
  get job() {
    return this.run.job;
  }
  get targets() {
    return this.run.targets;
  }
  get runState() {
    return this.run.runState;
  }
  get progress() {
    return this.run.progress;
  }
  get rate() {
    return this.run.rate;
  }
  get etaSeconds() {
    return this.run.etaSeconds;
  }
  /** A loaded sample list waiting for Start takes the place of Resume. */
  get canResume(): boolean {
    return this.samples.list === null && this.run.canResume && !this.outdated;
  }
  resume() {
    return this.run.resume();
  }
  pause() {
    return this.run.pause();
  }
  csv() {
    return this.run.csv();
  }

  // --- Outages and Retry failed (engineer A) -----------------------------------------------------
  get outage() {
    return this.run.outage;
  }
  get retryCounts() {
    return this.run.retryCounts;
  }
  get canRetry(): boolean {
    return this.samples.list === null && this.run.canRetry && !this.outdated;
  }
  retryFailed(choice: RetryChoice) {
    return this.run.retryFailed(choice);
  }
  /** The outage banner's button: ask MAST again now, or start the run stopped by a refused first request. */
  outageAction(intent: 'probe' | 'resume'): void {
    if (intent === 'probe') this.run.probeNow();
    else void this.resume();
  }

  /** Storage or lock problems: always shown, never swallowed. */
  get error(): string | null {
    if (this.outdated) return OUTDATED_MESSAGE;
    if (this.storageWaiting) return 'Waiting for another tab of this page to let go of the stored jobs: an older version may be open there; reload or close it.';
    return this.storageError ?? this.run.error;
  }
}
