import { AppError, toAppError } from '../errors.ts';
import type { SampleList } from '../samples/index.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import { JOB_STORES, isOutdated, jobKeys, outdatedError, type JobsDb } from './db.ts';
import type { IDBPDatabase } from 'idb';
import { sampleListOfJob } from './duplicate.ts';
import { jobRecordBytes, recordBytes } from './record-size.ts';
import { MAX_WORKER_FAILURES, retryable, type RetryChoice } from './failures.ts';
import type { CatalogValues, JobOrigin, JobRecord, LocalFileRecord, SampleRecord, TargetRecord } from './types.ts';
import type { IDBPTransaction } from 'idb';
import type { JobsSchema } from './db.ts';
import type { TargetSummary } from '../search/summary/index.ts';
import { localJobFiles, type LocalFile } from './local-files.ts';

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

/** What a user may change on a stored job without touching its rows or results. */
export type JobPatch = Partial<Pick<JobRecord, 'name' | 'runIntent'>>;

/** A whole job as records: what an export file carries and an import writes back. */
export interface JobRecords {
  job: JobRecord;
  samples: SampleRecord[];
  targets: TargetRecord[];
  /** Records of the job's other stores (`JOB_STORES` beyond samples and targets), by store. */
  extra?: Record<string, Array<{ jobId: string }>>;
}

/** The stores of `JOB_STORES` beyond the samples and targets. */
export const extraStores = () => JOB_STORES.filter((s) => s.name !== 'samples' && s.name !== 'targets');

/** The jobs list's operations on stored jobs (the browser's store; the CLI needs none of them). */
export interface JobLibrary {
  updateJob(id: string, patch: JobPatch): Promise<JobRecord>;
  /** A new job of the same input rows with other search settings; every target pending again. */
  duplicateJob(id: string, settings: SearchSettings, name?: string): Promise<JobRecord>;
  /** Writes a whole job in one transaction (an import); refuses an id already in storage. */
  putJob(records: JobRecords): Promise<JobRecord>;
  /** Every record of a job, read in one transaction (an export). */
  jobRecords(id: string): Promise<JobRecords>;
}

/** Work-unit key: the star, or the star plus its explicit light-curve URLs. */
export function workKey(key: string, urls: string[] | undefined): string {
  return urls && urls.length > 0 ? `${key}|${urls.join(';')}` : key;
}

export function newJobId(): string {
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
    name: list.fileName,
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
  const records = { job, samples, targets: [...targets.values()] };
  job.bytes = jobBytes(records);
  return records;
}

/** The size the job's records take (`JobRecord.bytes`), the job record itself included. */
export function jobBytes({ job, samples, targets, extra }: JobRecords): number {
  let bytes = 0;
  for (const s of samples) bytes += recordBytes(s);
  for (const t of targets) bytes += recordBytes(t);
  for (const records of Object.values(extra ?? {})) for (const r of records) bytes += recordBytes(r);
  return bytes + jobRecordBytes(job);
}

/** A target of a copy: the same star, nothing run yet. */
function unrun(t: TargetRecord, jobId: string): TargetRecord {
  const { result: _r, finishedAt: _f, attempts: _a, workerFailures: _w, ...rest } = t;
  return { ...rest, jobId, status: 'pending' };
}

function storageError(err: unknown, what: string): AppError {
  const e = toAppError(err, 'storage-failed');
  if (e.name === 'storage-outdated') return e;
  if (e.name === 'storage-quota') return new AppError('storage-quota', `${what}: the browser's storage quota is full (${e.message}); free space or download the CSV`);
  if (e.name === 'storage-failed') return new AppError('storage-failed', `${what}: ${e.message}`);
  return e;
}

const jobRange = (id: string) => IDBKeyRange.bound([id, -Infinity], [id, Infinity]);

export class IdbJobStore implements JobStore, JobLibrary {
  constructor(private readonly connection: JobsDb) {}

  /** The connection, or the clear error of a tab whose database a newer tab is upgrading. */
  private get db(): JobsDb {
    if (isOutdated(this.connection)) throw outdatedError();
    return this.connection;
  }

  async createJob(list: SampleList, settings: SearchSettings): Promise<JobRecord> {
    return this.writeNew(buildJobRecords(list, settings), `could not save the job for ${list.fileName}`);
  }

  async getJob(id: string) {
    return this.db.get('jobs', id);
  }

  async latestJob() {
    const cursor = await this.db.transaction('jobs').store.index('by-created').openCursor(null, 'prev');
    return cursor?.value;
  }

  async listJobs() {
    return (await this.db.getAllFromIndex('jobs', 'by-created')).reverse();
  }

  async samples(jobId: string) {
    return this.db.getAll('samples', jobRange(jobId));
  }

  async targets(jobId: string) {
    return this.db.getAllFromIndex('targets', 'by-job-order', jobRange(jobId));
  }

  /** In input order; read through the status index, so finished results are not read. */
  async pendingTargets(jobId: string) {
    const pending = await this.db.getAllFromIndex('targets', 'by-job-status', [jobId, 'pending']);
    return pending.sort((a, b) => a.order - b.order);
  }

  /** One target and its job in a read-write transaction, both checked to exist. */
  private async targetAndJob(jobId: string, key: string, withSummaries = false) {
    // With the summaries store when a result is written (issue 14: plot summaries are kept apart).
    const tx = this.db.transaction(withSummaries ? ['targets', 'jobs', 'summaries'] : ['targets', 'jobs'], 'readwrite') as unknown as IDBPTransaction<JobsSchema, ['targets', 'jobs'], 'readwrite'>;
    const targets = tx.objectStore('targets');
    const jobs = tx.objectStore('jobs');
    const [target, job] = await Promise.all([targets.get([jobId, key]), jobs.get(jobId)]);
    if (!job) throw new AppError('storage-failed', `job ${jobId} is not in storage`);
    if (!target) throw new AppError('storage-failed', `target ${key} is not part of job ${jobId}`);
    return { tx, targets, jobs, target, job };
  }

  async recordResult(jobId: string, key: string, result: TargetResult, finishedAt = Date.now()) {
    try {
      const { tx, targets, jobs, target, job } = await this.targetAndJob(jobId, key, true);
      if (target.status !== 'pending') {
        await tx.done;
        return { job, written: false };
      }
      const before = sizeOf(job, target);
      // The plot summary lives in its own store: listing a job's targets never reads it. A result
      // without one (a failure, say, after Retry failed) leaves no older summary behind.
      const { summary, ...row } = result;
      finish(job, target, row, finishedAt);
      resize(job, before, target);
      const summaries = (tx as unknown as IDBPTransaction<JobsSchema, ['summaries'], 'readwrite'>).objectStore('summaries');
      await Promise.all([targets.put(target), jobs.put(job), summary ? summaries.put({ jobId, key, summary }) : summaries.delete([jobId, key]), tx.done]);
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
      const before = sizeOf(job, target);
      target.workerFailures = (target.workerFailures ?? 0) + 1;
      const final = target.workerFailures >= MAX_WORKER_FAILURES;
      if (final) {
        const message = `${error.message} (the ${ordinal(target.workerFailures)} time for this target; it is not retried automatically again)`;
        finish(job, target, { status: 'failed', error: { code: error.code, message }, features: {} }, at);
      } else {
        target.attempts = (target.attempts ?? 0) + 1;
      }
      resize(job, before, target);
      await Promise.all([targets.put(target), jobs.put(job), tx.done]);
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
      const before = jobRecordBytes(job) + chosen.reduce((sum, t) => sum + recordBytes(t), 0);
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
        job.bytes = (job.bytes ?? 0) + jobRecordBytes(job) + chosen.reduce((sum, t) => sum + recordBytes(t), 0) - before;
        writes.push(jobs.put(job));
      }
      await Promise.all([...writes, tx.done]);
      return { job, retried: chosen.length };
    } catch (err) {
      throw storageError(err, 'could not mark the failed targets for another try');
    }
  }

  /** Up to `count` input rows from row `fromIndex` on, in input order (the table reads a job in pages; issue 14). */
  samplesPage(jobId: string, fromIndex: number, count: number) {
    return this.db.getAll('samples', IDBKeyRange.bound([jobId, fromIndex], [jobId, Infinity]), count);
  }

  /** Up to `count` targets from input order `fromOrder` on. */
  targetsPage(jobId: string, fromOrder: number, count: number) {
    return this.db.getAllFromIndex('targets', 'by-job-order', IDBKeyRange.bound([jobId, fromOrder], [jobId, Infinity]), count);
  }

  target(jobId: string, key: string) {
    return this.db.get('targets', [jobId, key]);
  }

  /** The plot summary stored with a finished target (issue 14), if any. */
  async summary(jobId: string, key: string): Promise<TargetSummary | undefined> {
    return (await this.db.get('summaries', [jobId, key]))?.summary;
  }

  /** A job of light-curve files from the user's disk, stored with its files (issue 14). */
  async createLocalJob(files: LocalFile[], settings: SearchSettings): Promise<JobRecord> {
    const { job, samples, targets, localFiles } = localJobFiles(files, settings, newJobId());
    return this.writeNew({ job, samples, targets, extra: { localFiles } }, 'could not store the light-curve files');
  }

  /** A local-files job's file (issue 14). */
  async localFile(jobId: string, name: string): Promise<LocalFileRecord | undefined> {
    return this.db.get('localFiles', [jobId, name]);
  }

  async deleteJob(id: string) {
    const names = ['jobs', ...JOB_STORES.map((s) => s.name)];
    const tx = this.untyped.transaction(names, 'readwrite');
    await Promise.all([tx.objectStore('jobs').delete(id), ...JOB_STORES.map((s) => tx.objectStore(s.name).delete(jobKeys(id))), tx.done]);
  }

  /** The connection without the schema's types, for the stores of `JOB_STORES` taken by name. */
  private get untyped(): IDBPDatabase {
    return this.db as unknown as IDBPDatabase;
  }

  async updateJob(id: string, patch: JobPatch): Promise<JobRecord> {
    try {
      const tx = this.db.transaction('jobs', 'readwrite');
      const job = await tx.store.get(id);
      if (!job) throw new AppError('storage-failed', `job ${id} is not in storage`);
      const updated: JobRecord = { ...job, ...patch };
      updated.bytes = (job.bytes ?? 0) + jobRecordBytes(updated) - jobRecordBytes(job);
      await Promise.all([tx.store.put(updated), tx.done]);
      return updated;
    } catch (err) {
      throw storageError(err, `could not change job ${id}`);
    }
  }

  async duplicateJob(id: string, settings: SearchSettings, name?: string): Promise<JobRecord> {
    const source = await this.jobRecords(id);
    const list = sampleListOfJob(source.job, source.samples, source.targets);
    const records: JobRecords = buildJobRecords(list, settings);
    const copyId = records.job.id;
    // The rows map to work units as a new upload would; each unit keeps its star as the source had it
    // (including what a new upload could not know, such as a local-files job's file names).
    const sourceTarget = new Map(source.samples.map((s) => [s.index, source.targets.find((t) => t.key === s.targetKey)]));
    records.targets = records.targets.map((t) => {
      const from = sourceTarget.get(t.order);
      if (!from) return t;
      // Keys, order and each row's catalogue values (the unit's and its rows' candidates) are the rebuild's.
      const { catalog: _catalog, candidates: _candidates, ...star } = unrun(from, copyId);
      return { ...star, key: t.key, order: t.order, ...(t.catalog ? { catalog: t.catalog } : {}), ...(t.candidates ? { candidates: t.candidates } : {}) };
    });
    records.extra = {};
    for (const store of extraStores()) {
      if (store.onDuplicate !== 'copy') continue;
      records.extra[store.name] = (source.extra?.[store.name] ?? []).map((r) => ({ ...r, jobId: copyId }));
    }
    const origin: JobOrigin = { kind: 'duplicate', jobId: id, name: source.job.name ?? source.job.fileName };
    records.job.name = name ?? `${origin.name} (copy)`;
    records.job.origin = origin;
    records.job.bytes = jobBytes(records);
    return this.writeNew(records, `could not save the copy of ${origin.name}`);
  }

  async putJob(records: JobRecords): Promise<JobRecord> {
    return this.writeNew(records, `could not save the job ${records.job.name ?? records.job.fileName}`);
  }

  async jobRecords(id: string): Promise<JobRecords> {
    const names = ['jobs', ...JOB_STORES.map((s) => s.name)];
    const tx = this.untyped.transaction(names);
    const others = extraStores();
    const [job, samples, targets, ...extra] = await Promise.all([
      tx.objectStore('jobs').get(id) as Promise<JobRecord | undefined>,
      tx.objectStore('samples').getAll(jobKeys(id)) as Promise<SampleRecord[]>,
      tx.objectStore('targets').index('by-job-order').getAll(jobRange(id)) as Promise<TargetRecord[]>,
      ...others.map((s) => tx.objectStore(s.name).getAll(jobKeys(id)) as Promise<Array<{ jobId: string }>>),
    ]);
    await tx.done;
    if (!job) throw new AppError('storage-failed', `job ${id} is not in storage`);
    return { job, samples, targets, ...(others.length > 0 ? { extra: Object.fromEntries(others.map((s, i) => [s.name, extra[i]])) } : {}) };
  }

  /** Writes a new job's records in one transaction: all of them or, on any failure, none. */
  private async writeNew({ job, samples, targets, extra }: JobRecords, what: string): Promise<JobRecord> {
    try {
      const names = ['jobs', ...JOB_STORES.map((s) => s.name)];
      const tx = this.untyped.transaction(names, 'readwrite');
      const jobs = tx.objectStore('jobs');
      // Nothing is written before this check, so the transaction commits empty.
      if (await jobs.getKey(job.id)) {
        throw new AppError('storage-failed', `${what}: a job with id ${job.id} is already stored`);
      }
      const done = tx.done;
      done.catch(() => {}); // observed below; a failed slice rejects first
      const records: Array<[string, unknown]> = [...samples.map((r) => ['samples', r] as [string, unknown]), ...targets.map((r) => ['targets', r] as [string, unknown])];
      for (const [name, rs] of Object.entries(extra ?? {})) {
        if (!extraStores().some((s) => s.name === name)) throw new AppError('storage-failed', `${what}: this page has no store "${name}"`);
        for (const r of rs) records.push([name, r]);
      }
      // In slices (issue 14): each put clones its record on the calling thread, and 15,000 of them at
      // once froze the page for 0.4-0.8 s. Awaiting a slice's requests keeps the transaction open (the
      // next slice is issued from their success events) while the page handles input and paints.
      await jobs.add(job);
      for (let i = 0; i < records.length; i += CREATE_SLICE) {
        await Promise.all(records.slice(i, i + CREATE_SLICE).map(([name, value]) => tx.objectStore(name).put(value)));
      }
      await done;
    } catch (err) {
      throw storageError(err, what);
    }
    return job;
  }
}

/** Records written per slice when a job is created. */
const CREATE_SLICE = 250;

/** The bytes a target and its job take: `JobRecord.bytes` follows every change of either. */
function sizeOf(job: JobRecord, target: TargetRecord): number {
  return recordBytes(target) + jobRecordBytes(job);
}

function resize(job: JobRecord, before: number, target: TargetRecord): void {
  job.bytes = (job.bytes ?? 0) + sizeOf(job, target) - before;
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
