import { toAppError } from '../errors.ts';
import { openJobChannel } from '../jobs/broadcast.ts';
import { openJobsDb } from '../jobs/db.ts';
import { IdbJobStore } from '../jobs/store.ts';
import { JobRunState } from './job-run.svelte.ts';
import { SampleListState } from './samples.svelte.ts';
import { SettingsState } from './settings.svelte.ts';

export type { RunState } from './job-run.svelte.ts';

/**
 * The page's composition root: it builds the state classes, opens storage and wires them together.
 * It holds no policy and no state of its own; the getters below are the components' view of the parts.
 * Each engineer adds wiring in a block of their own.
 */
export class AppState {
  readonly settings = new SettingsState();
  readonly run = new JobRunState(this.settings, openJobChannel());
  readonly samples = new SampleListState(() => this.run.busy);

  /** Storage could not be opened: nothing can be kept. */
  private storageError = $state<string | null>(null);
  ready = $state(false);

  async init(): Promise<void> {
    try {
      // Ask the browser not to evict finished results under storage pressure (it may say no).
      void globalThis.navigator?.storage?.persist?.().catch(() => false);
      await this.run.attach(new IdbJobStore(await openJobsDb()));
    } catch (err) {
      this.storageError = `Storage is not available, so progress cannot be kept: ${toAppError(err, 'storage-failed').message}`;
    } finally {
      this.ready = true;
    }
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
    return list !== null && list.nValid + list.nInvalid > 0 && !this.run.busy;
  }
  async start(): Promise<void> {
    const list = this.samples.list;
    if (!list || this.run.busy) return;
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
    return this.samples.list === null && this.run.canResume;
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
  discardJob() {
    return this.run.discard();
  }

  /** Storage or lock problems: always shown, never swallowed. */
  get error(): string | null {
    return this.storageError ?? this.run.error;
  }
}
