import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { JOB_STORES, MIGRATIONS, openJobsDb, type JobStoreSpec } from '../../src/lib/jobs/db.ts';
import { IdbJobStore, jobBytes } from '../../src/lib/jobs/store.ts';
import { exportJob, readJobFile } from '../../src/lib/jobs/transfer.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';

/**
 * A later schema step's stores (engineer F's local light-curve files and plot summaries, schema step 3,
 * listed in JOB_STORES): everything a job does with its records must include them.
 */
const NEXT = MIGRATIONS;

const list: SampleList = {
  fileName: 'files.csv',
  format: 'ours',
  columns: ['target'],
  rows: [1, 2].map((id, index) => ({ index, line: index + 2, values: [`TIC ${id}`], target: { mission: 'TESS' as const, id }, key: `TESS:${id}` })),
  nValid: 2,
  nInvalid: 0,
};

async function setup() {
  const db = await openJobsDb({ factory: new IDBFactory(), migrations: NEXT });
  const store = new IdbJobStore(db);
  const job = await store.createJob(list, DEFAULT_SEARCH_SETTINGS);
  const file = { jobId: job.id, name: 'tess-s0001.fits', bytes: new Uint8Array([1, 2, 3, 250]).buffer };
  const summary = { jobId: job.id, key: 'TESS:1', summary: { periods: new Float32Array([1.5, -0]) } };
  await db.put('localFiles' as never, file as never);
  await db.put('summaries' as never, summary as never);
  return { db, store, job, file, summary };
}

describe('a store added by a later schema step and listed in JOB_STORES', () => {
  it('is read, measured and exported with its job, and comes back on import', async () => {
    const { store, job, file, summary } = await setup();
    const records = await store.jobRecords(job.id);
    expect(records.extra).toEqual({ localFiles: [file], summaries: [summary] });
    expect(jobBytes(records)).toBeGreaterThan(jobBytes({ ...records, extra: {} }));

    const { header, records: read } = await readJobFile(await exportJob(records));
    expect(header.counts.extra).toEqual({ localFiles: 1, summaries: 1 });
    expect(new Uint8Array((read.extra!.localFiles[0] as typeof file).bytes)).toEqual(new Uint8Array([1, 2, 3, 250]));
    expect((read.extra!.summaries[0] as typeof summary).summary.periods).toBeInstanceOf(Float32Array);

    const there = new IdbJobStore(await openJobsDb({ factory: new IDBFactory(), migrations: NEXT }));
    await there.putJob(read);
    expect((await there.jobRecords(job.id)).extra).toEqual(records.extra);
  });

  it('is copied to a duplicate or not as its entry says, and deleted with its job', async () => {
    const { db, store, job, file } = await setup();
    const copy = await store.duplicateJob(job.id, DEFAULT_SEARCH_SETTINGS);
    expect((await store.jobRecords(copy.id)).extra).toEqual({ localFiles: [{ ...file, jobId: copy.id }], summaries: [] });
    await store.deleteJob(job.id);
    expect(await db.getAll('localFiles' as never)).toEqual([{ ...file, jobId: copy.id }]);
    expect(await db.getAll('summaries' as never)).toEqual([]);
    expect((await store.jobRecords(copy.id)).extra!.localFiles).toHaveLength(1);
  });

  it('makes an export refuse to import where the page does not know the store', async () => {
    const { store, job } = await setup();
    const blob = await exportJob(await store.jobRecords(job.id));
    const removed = (JOB_STORES as JobStoreSpec[]).splice(2);
    try {
      await expect(readJobFile(blob, 'x.gz')).rejects.toMatchObject({ name: 'invalid-job-file', message: expect.stringMatching(/not a record this page knows/) });
    } finally {
      (JOB_STORES as JobStoreSpec[]).push(...removed);
    }
  });
});
