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
  });
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
      const locks = new JobLocks((globalThis.navigator?.locks as LockManagerLike | undefined) ?? null, (id) => store.getJob(id));
      await Promise.all([this.run.attach({ store, locks }), this.jobs.attach({ store, locks })]);
      void this.storage.check();
    } catch (err) {
      this.run.unavailable();
      this.jobs.unavailable();
      this.storageError = `Storage is not available, so progress cannot be kept: ${toAppError(err, 'storage-failed').message}`;
    } finally {
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
