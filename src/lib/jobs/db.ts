import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { AppError } from '../errors.ts';
import { jobRecordBytes, recordBytes } from './record-size.ts';
import type { TargetSummary } from '../search/summary/index.ts';
import type { JobRecord, LocalFileRecord, SampleRecord, TargetRecord } from './types.ts';

export const DB_NAME = 'transit-features';

export interface JobsSchema extends DBSchema {
  jobs: { key: string; value: JobRecord; indexes: { 'by-created': number } };
  samples: { key: [string, number]; value: SampleRecord };
  targets: {
    key: [string, string];
    value: TargetRecord;
    indexes: { 'by-job-order': [string, number]; 'by-job-status': [string, string] };
  };
  /** Version 3: each result's plot summary, apart so that listing a job's targets never reads them. */
  summaries: { key: [string, string]; value: { jobId: string; key: string; summary: TargetSummary } };
  /** Version 3: the light-curve files of a local-files job, so that it resumes after a reload. */
  localFiles: { key: [string, string]; value: LocalFileRecord };
}

export type JobsDb = IDBPDatabase<JobsSchema>;

/**
 * One step of the schema. `upgrade` runs inside the version-change transaction and may read and
 * rewrite records, but must only await IndexedDB requests of `tx` (the transaction ends at the first
 * await of anything else). A step never drops a user's job or result.
 */
export interface Migration {
  /** The schema version this step produces; steps run in order, each exactly once. */
  version: number;
  /** What the step changes (shown in the tests' names). */
  description: string;
  // The stores a later step adds are not in today's schema type, so steps see the database untyped.
  upgrade(db: IDBPDatabase<unknown>, tx: IDBPTransaction<unknown, string[], 'versionchange'>): void | Promise<void>;
}

type AnyTx = IDBPTransaction<unknown, string[], 'versionchange'>;
const store = (tx: AnyTx, name: StoreNames<JobsSchema>) => tx.objectStore(name as string);

/**
 * The schema's history. To change it, append a step with the next version number (for a new object
 * store, also add it to `JobsSchema`); never edit a step that has shipped.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs, their input rows and their targets',
    upgrade(db) {
      const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
      jobs.createIndex('by-created', 'createdAt');
      db.createObjectStore('samples', { keyPath: ['jobId', 'index'] });
      const targets = db.createObjectStore('targets', { keyPath: ['jobId', 'key'] });
      targets.createIndex('by-job-order', ['jobId', 'order']);
    },
  },
  {
    version: 2,
    description: "a job's name and size on disk; pending targets found by an index instead of reading every result",
    async upgrade(_db, tx) {
      store(tx, 'targets').createIndex('by-job-status', ['jobId', 'status']);
      // Sizes are summed per job in one pass over each store (a job's records are contiguous by key).
      const bytes = new Map<string, number>();
      for (const name of ['samples', 'targets'] as const) {
        for (let c = await store(tx, name).openCursor(); c; c = await c.continue()) {
          const value = c.value as SampleRecord | TargetRecord;
          bytes.set(value.jobId, (bytes.get(value.jobId) ?? 0) + recordBytes(value));
        }
      }
      for (let c = await store(tx, 'jobs').openCursor(); c; c = await c.continue()) {
        const job = c.value as JobRecord;
        const named: JobRecord = { ...job, name: job.name ?? job.fileName };
        await c.update({ ...named, bytes: (bytes.get(job.id) ?? 0) + jobRecordBytes(named) });
      }
    },
  },
  {
    version: 3,
    description: "each result's plot summary, and the light-curve files of local-files jobs (issue 14)",
    upgrade(db) {
      db.createObjectStore('summaries', { keyPath: ['jobId', 'key'] });
      db.createObjectStore('localFiles', { keyPath: ['jobId', 'name'] });
    },
  },
];

/**
 * The object stores whose records belong to one job, keyed `[jobId, …]`. Deleting, measuring,
 * exporting, importing and duplicating a job go through this list, so a store that a migration step
 * adds needs only an entry here. `onDuplicate`: `rebuild` (made anew for the copy: its rows and
 * targets), `copy` (the copy needs them too, e.g. light-curve files the user gave), `drop` (they
 * belong to results, which a copy does not have).
 */
export const JOB_STORES: readonly JobStoreSpec[] = [
  { name: 'samples', onDuplicate: 'rebuild' },
  { name: 'targets', onDuplicate: 'rebuild' },
  // Plot summaries belong to results; a local-files job's copy needs its files.
  { name: 'summaries', onDuplicate: 'drop' },
  { name: 'localFiles', onDuplicate: 'copy' },
];

export interface JobStoreSpec {
  name: string;
  onDuplicate: 'rebuild' | 'copy' | 'drop';
}

/** Every key `[jobId, …]` of one job, whatever the rest of the key holds (arrays sort after numbers, strings, dates and binary). */
export function jobKeys(jobId: string): IDBKeyRange {
  return IDBKeyRange.bound([jobId], [jobId, []]);
}

/** The schema version this build writes. */
export const DB_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export interface OpenJobsDbOptions {
  /** An IndexedDB of its own (tests use fake-indexeddb). */
  factory?: IDBFactory;
  /** Opens at an older or newer version (tests of the migrations). */
  version?: number;
  migrations?: readonly Migration[];
  /**
   * A newer page wants to upgrade the database: this connection is closed at once so as not to block
   * it, and this tab must be reloaded to use storage again.
   */
  onOutdated?: () => void;
  /** Another tab (an older page that does not let go) keeps this upgrade waiting; called once. */
  onBlocked?: () => void;
}

/** Connections closed for a newer tab's upgrade; the store answers with a clear error instead of `InvalidStateError`. */
const outdated = new WeakSet<object>();

export function isOutdated(db: object): boolean {
  return outdated.has(db);
}

export const OUTDATED_MESSAGE = 'This page was updated in another tab — reload';

export function outdatedError(): AppError {
  return new AppError('storage-outdated', OUTDATED_MESSAGE);
}

export async function openJobsDb(options: IDBFactory | OpenJobsDbOptions = {}): Promise<JobsDb> {
  const opts: OpenJobsDbOptions = 'open' in options ? { factory: options as IDBFactory } : options;
  const migrations = opts.migrations ?? MIGRATIONS;
  const version = opts.version ?? migrations[migrations.length - 1].version;
  // idb uses the global indexedDB; tests swap in fake-indexeddb by setting it before opening.
  if (opts.factory) (globalThis as { indexedDB?: IDBFactory }).indexedDB = opts.factory;
  let failure: unknown;
  const db = await openDB<JobsSchema>(DB_NAME, version, {
    async upgrade(db, oldVersion, newVersion, tx) {
      try {
        for (const step of migrations) {
          if (step.version > oldVersion && step.version <= (newVersion ?? version)) {
            await step.upgrade(db as unknown as IDBPDatabase<unknown>, tx as unknown as AnyTx);
          }
        }
      } catch (err) {
        // A half-done migration must not be committed: the database stays at its old version.
        failure = err;
        tx.done.catch(() => {});
        tx.abort();
      }
    },
    blocked() {
      opts.onBlocked?.();
    },
    blocking() {
      // A newer tab wants to upgrade: step aside rather than block it, and say so.
      outdated.add(db);
      db.close();
      opts.onOutdated?.();
    },
  }).catch((err: unknown) => {
    if (failure) throw new AppError('storage-failed', `the job database could not be upgraded to version ${version}: ${(failure as Error).message ?? failure}`);
    // A newer version of the page already upgraded this browser's jobs: this (cached, older) page cannot read them.
    if ((err as Error)?.name === 'VersionError') throw new AppError('storage-outdated', `${OUTDATED_MESSAGE} (this browser's jobs were stored by a newer version of the page)`);
    throw err;
  });
  return db;
}
