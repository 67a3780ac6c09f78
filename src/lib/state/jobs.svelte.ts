import { toAppError } from '../errors.ts';
import type { JobChannel } from '../jobs/broadcast.ts';
import type { JobLocks } from '../jobs/job-lock.ts';
import { jobBytes, newJobId, type JobLibrary, type JobStore } from '../jobs/store.ts';
import { exportFileName, exportJob, readJobFile, withJobId } from '../jobs/transfer.ts';
import { jobName, jobProgress, type JobRecord, type TargetRecord } from '../jobs/types.ts';
import { coalesce } from './coalesce.ts';
import { deferred } from './deferred.ts';
import type { JobRunState } from './job-run.svelte.ts';
import type { SettingsState } from './settings.svelte.ts';

/** A stored result's usual size when no job has finished a target yet (measured: 2–4 kB with BLS). */
const DEFAULT_RESULT_BYTES = 4000;

/**
 * Every job in storage: the list, and what a user does with a job there (open, rename, duplicate with
 * other search settings, export, import, delete). A job that a tab runs (its Web Lock is held) cannot
 * be deleted from any tab; deleting takes the job's lock itself, so it never races a run.
 */
export class JobsListState {
  jobs = $state.raw<JobRecord[]>([]);
  /** Ids of the jobs some tab of this browser runs now (this one included). */
  held = $state.raw<ReadonlySet<string>>(new Set());
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** A slow action under way (export, import, duplicate), for the buttons to show it. */
  working = $state<string | null>(null);

  private deps: { store: JobStore & JobLibrary; locks: JobLocks } | null = null;
  private readonly refreshSoon = coalesce(() => this.refresh(), 1000);
  /** Resolves when storage is open (true) or cannot be (false): an import chosen before waits for it. */
  private readonly attached = deferred<boolean>();

  constructor(
    private readonly run: JobRunState,
    private readonly settings: SettingsState,
    private readonly channel: JobChannel,
    /** Called after jobs were added or deleted (storage is measured again). */
    private readonly onChanged: () => void = () => {},
  ) {}

  async attach(deps: { store: JobStore & JobLibrary; locks: JobLocks }): Promise<void> {
    this.deps = deps;
    this.channel.subscribe((_jobId, change) => (change === 'progress' ? this.refreshSoon() : void this.refresh()));
    try {
      await this.refresh();
    } finally {
      this.attached.resolve(true);
    }
  }

  /** Storage cannot be opened: there is no list. */
  unavailable(): void {
    this.attached.resolve(false);
  }

  /** This tab stored a result (other tabs hear of it on the channel). */
  stored(): void {
    this.refreshSoon();
  }

  async refresh(): Promise<void> {
    if (!this.deps) return;
    try {
      const jobs = await this.deps.store.listJobs();
      const held = new Set<string>();
      for (const job of jobs) if (await this.deps.locks.held(job.id)) held.add(job.id);
      this.jobs = jobs;
      this.held = held;
    } catch (err) {
      this.error = toAppError(err, 'storage-failed').message;
    }
  }

  /** Why a job cannot be deleted now (null when it can). */
  deleteBlocked(job: JobRecord): string | null {
    // A run still stopping (Pausing…) is abandoned by the delete.
    if (this.run.job?.id === job.id && this.run.runState === 'running') return 'this tab is running it: pause it first';
    if (this.held.has(job.id) && !(this.run.job?.id === job.id && this.run.runState === 'pausing')) return 'another tab is running it: pause it there first';
    return null;
  }

  /** Bytes the results of every unfinished job should take, at the average size of results stored so far. */
  async pendingResultBytes(): Promise<number> {
    // The first 50 results, not a walk of every target (this runs every few results of a run).
    const sample: TargetRecord[] = [];
    for (const t of this.run.targets) {
      if (t.result) sample.push(t);
      if (sample.length === 50) break;
    }
    const avg = sample.length > 0 ? sample.reduce((s, t) => s + JSON.stringify(t.result).length, 0) / sample.length : DEFAULT_RESULT_BYTES;
    return this.jobs.reduce((s, j) => s + jobProgress(j).remaining, 0) * avg;
  }

  open(id: string): Promise<void> {
    return this.run.open(id);
  }

  async rename(id: string, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!this.deps || !trimmed) return false;
    return this.act(`Renaming`, async () => {
      const job = await this.deps!.store.updateJob(id, { name: trimmed });
      this.run.renamed(job);
      this.after(job.id);
    });
  }

  /** A new job of the same rows with the search settings now in Settings; it reuses the cached light curves. */
  async duplicate(id: string): Promise<boolean> {
    if (!this.deps) return false;
    return this.act('Duplicating', async () => {
      const copy = await this.deps!.store.duplicateJob(id, this.settings.searchSnapshot());
      this.after(copy.id);
      const next = this.run.busy ? 'open it from this list once the running job is paused, then press Resume' : 'press Resume to run it';
      this.notice = `${jobName(copy)} is ready with the search settings in Settings; ${next} (light curves already downloaded come from the cache).`;
      await this.run.open(copy.id);
    });
  }

  async remove(id: string): Promise<boolean> {
    if (!this.deps) return false;
    const job = this.jobs.find((j) => j.id === id);
    const blocked = job ? this.deleteBlocked(job) : null;
    if (blocked) {
      this.error = `${job ? jobName(job) : id} cannot be deleted: ${blocked}.`;
      return false;
    }
    return this.act('Deleting', async () => {
      if (this.run.job?.id === id) await this.run.abandon();
      const deleted = await this.deps!.locks.runExclusive(id, () => this.deps!.store.deleteJob(id));
      if (!deleted) {
        this.error = `${job ? jobName(job) : id} cannot be deleted: another tab is running it: pause it there first.`;
        return;
      }
      if (this.run.job?.id === id) this.run.forget();
      this.after(id);
      this.notice = `Deleted ${job ? jobName(job) : id}.`;
    });
  }

  /** The export file of a job (the component saves it). */
  async exportFile(id: string): Promise<{ fileName: string; blob: Blob } | null> {
    if (!this.deps) return null;
    let out: { fileName: string; blob: Blob } | null = null;
    await this.act('Exporting', async () => {
      const records = await this.deps!.store.jobRecords(id);
      out = { fileName: exportFileName(records.job), blob: await exportJob(records) };
    });
    return out;
  }

  /** Restores an exported job; it is shown paused, to continue with Resume. */
  async importFile(file: File): Promise<boolean> {
    if (!(await this.attached.promise) || !this.deps) return false;
    return this.act('Importing', async () => {
      const { header, records: read } = await readJobFile(file, file.name);
      const store = this.deps!.store;
      // The same job imported twice (or back into the browser it came from) becomes a second job.
      const records = (await store.getJob(read.job.id)) ? withJobId(read, newJobId()) : read;
      const job = records.job;
      job.origin = { kind: 'import', fileName: file.name, exportedAt: header.exportedAt, appVersion: header.appVersion };
      job.runIntent = 'pause';
      if (job.id !== read.job.id) job.name = `${jobName(job)} (imported)`;
      job.bytes = jobBytes(records);
      await store.putJob(records);
      this.after(job.id);
      const p = jobProgress(job);
      const next = this.run.busy ? ' (open it from this list once the running job is paused)' : p.remaining > 0 ? ' (press Resume to continue it here)' : '';
      this.notice = `Imported ${jobName(job)}: ${p.done} done, ${p.failed} failed, ${p.remaining} remaining${next}.`;
      await this.run.open(job.id);
    });
  }

  private after(jobId: string): void {
    this.channel.post(jobId, 'list');
    void this.refresh();
    this.onChanged();
  }

  private async act(what: string, body: () => Promise<void>): Promise<boolean> {
    this.working = what;
    this.error = null;
    this.notice = null;
    try {
      await body();
      return this.error === null;
    } catch (err) {
      this.error = toAppError(err, 'storage-failed').message;
      return false;
    } finally {
      this.working = null;
    }
  }
}
