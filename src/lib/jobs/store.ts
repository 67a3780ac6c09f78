import { AppError, toAppError } from '../errors.ts';
import type { SampleList } from '../samples/index.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { JobsDb } from './db.ts';
import { MAX_WORKER_FAILURES, retryable, type RetryChoice } from './failures.ts';
import type { CatalogValues, JobRecord, SampleRecord, TargetRecord } from './types.ts';

/** Persistence seen by the runner and the UI; an interface so tests can swap the backend. */
export interface JobStore {
  createJob(list: SampleList, settings: SearchSettings): Promise<JobRecord>;
  getJob(id: string): Promise<JobRecord | undefined>;
  latestJob(): Promise<JobRecord | undefined>;
  listJobs(): Promise<JobRecord[]>;
  samples(jobId: string): Promise<SampleRecord[]>;
  targets(jobId: string): Promise<TargetRecord[]>;
  pendingTargets(jobId: string): Promise<TargetRecord[]>;
  /**
   * Stores a finished target and bumps the job's counters in one transaction. A second write for a
   * target that is already finished changes nothing, so a duplicate delivery cannot double-count.
   */
  recordResult(jobId: string, key: string, result: TargetResult, finishedAt?: number): Promise<{ job: JobRecord; written: boolean }>;
  /**
   * A worker crashed, trapped or timed out on a pending target: one more attempt and one more worker
   * failure, in one transaction; at MAX_WORKER_FAILURES the target is stored failed with `error`
   * (`final`), otherwise it stays pending. Nothing changes for a target that is already finished.
   */
  recordWorkerFailure(jobId: string, key: string, error: WorkerFailure, at?: number): Promise<{ job: JobRecord; target: TargetRecord; final: boolean; written: boolean }>;
  /** Makes the failed targets that `choice` selects pending again, keeping their attempts; one transaction. */
  retryFailed(jobId: string, choice: RetryChoice): Promise<{ job: JobRecord; retried: number }>;
  deleteJob(id: string): Promise<void>;
}

export type WorkerFailure = NonNullable<TargetResult['error']>;

/** Work-unit key: the star, or the star plus its explicit light-curve URLs. */
export function workKey(key: string, urls: string[] | undefined): string {
  return urls && urls.length > 0 ? `${key}|${urls.join(';')}` : key;
}

function newJobId(): string {
  const rand = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `job-${Date.now().toString(36)}-${rand.slice(0, 8)}`;
}

function catalogOf(row: SampleList['rows'][number]): { catalog?: CatalogValues } {
  const catalog: CatalogValues = {};
  if (row.period !== undefined) catalog.period = row.period;
  if (row.depthPpm !== undefined) catalog.depthPpm = row.depthPpm;
  if (row.durationHours !== undefined) catalog.durationHours = row.durationHours;
  if (row.epochBjd !== undefined) catalog.epochBjd = row.epochBjd;
  return Object.keys(catalog).length > 0 ? { catalog } : {};
}

/** Builds the records of a new job; exported for tests of the mapping from rows to work units. */
export function buildJobRecords(list: SampleList, settings: SearchSettings, id = newJobId(), now = Date.now()) {
  const samples: SampleRecord[] = [];
  const targets = new Map<string, TargetRecord>();
  for (const row of list.rows) {
    const sample: SampleRecord = { jobId: id, index: row.index, line: row.line, values: row.values, ...catalogOf(row) };
    if ((row.target || row.name) && row.key && !row.problem) {
      // Rows of one star share its download and search; each catalogue candidate gets its own cat_* columns.
      const key = workKey(row.key, row.lightcurveUrls);
      sample.targetKey = key;
      const { catalog } = catalogOf(row);
      if (!targets.has(key)) {
        targets.set(key, {
          jobId: id,
          key,
          order: row.index,
          ...(row.target ? { target: row.target } : {}),
          ...(row.name ? { name: row.name } : {}),
          ...(row.nameMission ? { nameMission: row.nameMission } : {}),
          ...(row.lightcurveUrls && row.lightcurveUrls.length > 0 ? { lightcurveUrls: row.lightcurveUrls } : {}),
          ...(row.star ? { star: row.star } : {}),
          ...(catalog ? { catalog } : {}),
          status: 'pending',
        });
      }
      if (catalog?.period !== undefined) (targets.get(key)!.candidates ??= []).push({ row: row.index, catalog });
    } else {
      sample.problem = row.problem ?? 'the row has no target';
    }
    samples.push(sample);
  }
  const job: JobRecord = {
    id,
    createdAt: now,
    fileName: list.fileName,
    format: list.format,
    columns: list.columns,
    nSamples: list.rows.length,
    nInvalid: samples.filter((s) => s.problem).length,
    nTargets: targets.size,
    done: 0,
    failed: 0,
    settings,
  };
  if (job.nTargets === 0) job.finishedAt = now;
  return { job, samples, targets: [...targets.values()] };
}

function storageError(err: unknown, what: string): AppError {
  const e = toAppError(err, 'storage-failed');
  if (e.name === 'storage-quota') return new AppError('storage-quota', `${what}: the browser's storage quota is full (${e.message}); free space or download the CSV`);
  if (e.name === 'storage-failed') return new AppError('storage-failed', `${what}: ${e.message}`);
  return e;
}

export class IdbJobStore implements JobStore {
  constructor(private readonly db: JobsDb) {}

  async createJob(list: SampleList, settings: SearchSettings): Promise<JobRecord> {
    const { job, samples, targets } = buildJobRecords(list, settings);
    try {
      const tx = this.db.transaction(['jobs', 'samples', 'targets'], 'readwrite');
      const writes: Promise<unknown>[] = [tx.objectStore('jobs').put(job)];
      for (const s of samples) writes.push(tx.objectStore('samples').put(s));
      for (const t of targets) writes.push(tx.objectStore('targets').put(t));
      await Promise.all([...writes, tx.done]);
    } catch (err) {
      throw storageError(err, `could not save the job for ${list.fileName}`);
    }
    return job;
  }

  getJob(id: string) {
    return this.db.get('jobs', id);
  }

  async latestJob() {
    const cursor = await this.db.transaction('jobs').store.index('by-created').openCursor(null, 'prev');
    return cursor?.value;
  }

  async listJobs() {
    return (await this.db.getAllFromIndex('jobs', 'by-created')).reverse();
  }

  samples(jobId: string) {
    return this.db.getAll('samples', IDBKeyRange.bound([jobId, -Infinity], [jobId, Infinity]));
  }

  targets(jobId: string) {
    return this.db.getAllFromIndex('targets', 'by-job-order', IDBKeyRange.bound([jobId, -Infinity], [jobId, Infinity]));
  }

  async pendingTargets(jobId: string) {
    return (await this.targets(jobId)).filter((t) => t.status === 'pending');
  }

  /** One target and its job in a read-write transaction, both checked to exist. */
  private async targetAndJob(jobId: string, key: string) {
    const tx = this.db.transaction(['targets', 'jobs'], 'readwrite');
    const targets = tx.objectStore('targets');
    const jobs = tx.objectStore('jobs');
    const [target, job] = await Promise.all([targets.get([jobId, key]), jobs.get(jobId)]);
    if (!job) throw new AppError('storage-failed', `job ${jobId} is not in storage`);
    if (!target) throw new AppError('storage-failed', `target ${key} is not part of job ${jobId}`);
    return { tx, targets, jobs, target, job };
  }

  async recordResult(jobId: string, key: string, result: TargetResult, finishedAt = Date.now()) {
    try {
      const { tx, targets, jobs, target, job } = await this.targetAndJob(jobId, key);
      if (target.status !== 'pending') {
        await tx.done;
        return { job, written: false };
      }
      finish(job, target, result, finishedAt);
      await Promise.all([targets.put(target), jobs.put(job), tx.done]);
      return { job, written: true };
    } catch (err) {
      throw storageError(err, `could not save the result of ${key}`);
    }
  }

  async recordWorkerFailure(jobId: string, key: string, error: WorkerFailure, at = Date.now()) {
    try {
      const { tx, targets, jobs, target, job } = await this.targetAndJob(jobId, key);
      if (target.status !== 'pending') {
        await tx.done;
        return { job, target, final: true, written: false };
      }
      target.workerFailures = (target.workerFailures ?? 0) + 1;
      const final = target.workerFailures >= MAX_WORKER_FAILURES;
      if (final) {
        const message = `${error.message} (the ${ordinal(target.workerFailures)} time for this target; it is not retried automatically again)`;
        finish(job, target, { status: 'failed', error: { code: error.code, message }, features: {} }, at);
      } else {
        target.attempts = (target.attempts ?? 0) + 1;
      }
      await Promise.all([targets.put(target), ...(final ? [jobs.put(job)] : []), tx.done]);
      return { job, target, final, written: true };
    } catch (err) {
      throw storageError(err, `could not save the worker failure of ${key}`);
    }
  }

  async retryFailed(jobId: string, choice: RetryChoice) {
    try {
      const tx = this.db.transaction(['targets', 'jobs'], 'readwrite');
      const targets = tx.objectStore('targets');
      const jobs = tx.objectStore('jobs');
      const range = IDBKeyRange.bound([jobId, -Infinity], [jobId, Infinity]);
      const [all, job] = await Promise.all([targets.index('by-job-order').getAll(range), jobs.get(jobId)]);
      if (!job) throw new AppError('storage-failed', `job ${jobId} is not in storage`);
      const chosen = all.filter((t) => retryable(t, choice));
      const writes: Promise<unknown>[] = [];
      for (const t of chosen) {
        // The attempts stay: the earlier outcome is gone from the row, not from the count.
        t.attempts = t.attempts ?? 1;
        t.status = 'pending';
        delete t.result;
        delete t.finishedAt;
        writes.push(targets.put(t));
      }
      if (chosen.length > 0) {
        job.failed -= chosen.length;
        delete job.finishedAt;
        writes.push(jobs.put(job));
      }
      await Promise.all([...writes, tx.done]);
      return { job, retried: chosen.length };
    } catch (err) {
      throw storageError(err, 'could not mark the failed targets for another try');
    }
  }

  async deleteJob(id: string) {
    const tx = this.db.transaction(['jobs', 'samples', 'targets'], 'readwrite');
    await Promise.all([
      tx.objectStore('jobs').delete(id),
      tx.objectStore('samples').delete(IDBKeyRange.bound([id, -Infinity], [id, Infinity])),
      tx.objectStore('targets').delete(IDBKeyRange.bound([id, ''], [id, '\uffff'])),
      tx.done,
    ]);
  }
}

/** Stores an outcome on a pending target and counts it on the job (inside the caller's transaction). */
function finish(job: JobRecord, target: TargetRecord, result: TargetResult, at: number): void {
  target.status = result.status;
  target.result = result;
  target.finishedAt = at;
  target.attempts = (target.attempts ?? 0) + 1;
  if (result.status === 'ok') job.done += 1;
  else job.failed += 1;
  if (job.done + job.failed >= job.nTargets) job.finishedAt = at;
}

function ordinal(n: number): string {
  return n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}
