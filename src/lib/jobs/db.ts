import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { JobRecord, SampleRecord, TargetRecord } from './types.ts';

export const DB_NAME = 'transit-features';
/** Bump only with a migration below that keeps every stored job and result. */
export const DB_VERSION = 1;

export interface JobsSchema extends DBSchema {
  jobs: { key: string; value: JobRecord; indexes: { 'by-created': number } };
  samples: { key: [string, number]; value: SampleRecord };
  targets: {
    key: [string, string];
    value: TargetRecord;
    indexes: { 'by-job-order': [string, number] };
  };
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
    },
    blocking() {
      // A newer tab wants to upgrade: step aside rather than block it.
      db.close();
    },
  });
  return db;
}
