import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_NAME, openJobsDb } from '../../src/lib/jobs/db.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { buildSummary } from '../../src/lib/search/summary/index.ts';

const list: SampleList = {
  fileName: 'one.csv',
  format: 'ours',
  columns: ['target'],
  rows: [{ index: 0, line: 2, values: ['TIC 1'], target: { mission: 'TESS', id: 1 }, key: 'TESS:1' }],
  nValid: 1,
  nInvalid: 0,
};

function summary() {
  const time = Float64Array.from({ length: 500 }, (_, i) => i * 0.02);
  const flux = Float64Array.from(time, (t) => 1 - (Math.abs(((t - 0.5 + 1) % 2) - 1) < 0.05 ? 0.01 : 0));
  const periods = Float64Array.from({ length: 100 }, (_, i) => 1 + i * 0.02);
  const power = Float64Array.from(periods, (p) => (p === periods[50] ? 10 : 1));
  const pg = { period: periods, power, depth: power, depthErr: power, duration: power, transitTime: power, depthSnr: power, logLikelihood: power, objective: 'likelihood' as const };
  return buildSummary({ time, flux, bjdRef: 2457000 }, pg, { period: periods[50], power: 10, depth: 0.01, depthErr: 1e-3, duration: 0.1, transitTime: 0.5, depthSnr: 10, logLikelihood: 1 });
}

describe('plot summaries in the job store', () => {
  it('keeps the summary apart from the target row, reads it back, and deletes it with the job', async () => {
    const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
    const job = await store.createJob(list, DEFAULT_SEARCH_SETTINGS);
    const s = summary();
    await store.recordResult(job.id, 'TESS:1', { status: 'ok', features: { bls_period: 2 }, summary: s });
    const [target] = await store.targets(job.id);
    expect(target.result?.features.bls_period).toBe(2);
    expect(target.result && 'summary' in target.result).toBe(false);
    const back = await store.summary(job.id, 'TESS:1');
    expect(back?.periodogram.period).toEqual(s.periodogram.period);
    expect(back?.fold?.transit.flux).toEqual(s.fold?.transit.flux);
    await store.deleteJob(job.id);
    expect(await store.summary(job.id, 'TESS:1')).toBeUndefined();
  });

  it('upgrades a version-1 database without losing its jobs', async () => {
    const factory = new IDBFactory();
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = factory;
    const v1 = await openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
        db.createObjectStore('samples', { keyPath: ['jobId', 'index'] });
        db.createObjectStore('targets', { keyPath: ['jobId', 'key'] }).createIndex('by-job-order', ['jobId', 'order']);
      },
    });
    await v1.put('jobs', { id: 'job-old', createdAt: 1, fileName: 'old.csv', format: 'ours', columns: ['target'], nSamples: 0, nInvalid: 0, nTargets: 0, done: 0, failed: 0, settings: DEFAULT_SEARCH_SETTINGS });
    v1.close();
    const store = new IdbJobStore(await openJobsDb(factory));
    expect((await store.getJob('job-old'))?.fileName).toBe('old.csv');
    expect(await store.summary('job-old', 'x')).toBeUndefined();
  });
});
