import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { TargetSummary } from '../search/summary/index.ts';
import type { JobRecord, LocalFileRecord, SampleRecord, TargetRecord } from './types.ts';

export const DB_NAME = 'transit-features';
/** Bump only with a migration below that keeps every stored job and result. */
export const DB_VERSION = 2;

export interface JobsSchema extends DBSchema {
  jobs: { key: string; value: JobRecord; indexes: { 'by-created': number } };
  samples: { key: [string, number]; value: SampleRecord };
  targets: {
    key: [string, string];
    value: TargetRecord;
    indexes: { 'by-job-order': [string, number] };
  };
  /** Version 2: each result's plot summary, apart so that listing a job's targets never reads them. */
  summaries: { key: [string, string]; value: { jobId: string; key: string; summary: TargetSummary } };
  /** Version 2: the light-curve files of a local-files job, so that it resumes after a reload. */
  localFiles: { key: [string, string]; value: LocalFileRecord };
}

export type JobsDb = IDBPDatabase<JobsSchema>;

export async function openJobsDb(factory?: IDBFactory): Promise<JobsDb> {
  // idb uses the global indexedDB; tests swap in fake-indexeddb by setting it before opening.
  if (factory) (globalThis as { indexedDB?: IDBFactory }).indexedDB = factory;
  const db = await openDB<JobsSchema>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
        jobs.createIndex('by-created', 'createdAt');
        db.createObjectStore('samples', { keyPath: ['jobId', 'index'] });
        const targets = db.createObjectStore('targets', { keyPath: ['jobId', 'key'] });
        targets.createIndex('by-job-order', ['jobId', 'order']);
      }
      // Version 2 (issue 14): plot summaries and local light-curve files; nothing stored is touched.
      if (oldVersion < 2) {
        db.createObjectStore('summaries', { keyPath: ['jobId', 'key'] });
        db.createObjectStore('localFiles', { keyPath: ['jobId', 'name'] });
      }
    },
    blocking() {
      // A newer tab wants to upgrade: step aside rather than block it.
      db.close();
    },
  });
  return db;
}
