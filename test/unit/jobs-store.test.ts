import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { jobCsv } from '../../src/lib/jobs/export.ts';
import { IdbJobStore, buildJobRecords, jobBytes } from '../../src/lib/jobs/store.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import Papa from 'papaparse';

/** A list as the parser would return it: two rows of one star, one other star, one invalid row. */
function sampleList(): SampleList {
  const row = (index: number, target: string, extra: Partial<SampleList['rows'][number]>) => ({
    index,
    line: index + 2,
    values: [target, `note ${index}`],
    ...extra,
  });
  return {
    fileName: 'mine.csv',
    format: 'ours',
    columns: ['target', 'note'],
    rows: [
      row(0, 'TIC 25155310', {
        target: { mission: 'TESS', id: 25155310 },
        key: 'TESS:25155310',
        period: 3.2887898,
        epochBjd: 2458327.519958,
        star: { radiusRsun: 1.24175, logg: 4.28004 },
      }),
      row(1, 'KIC 11442793', { target: { mission: 'Kepler', id: 11442793 }, key: 'Kepler:11442793' }),
      row(2, 'oops', { problem: 'column "target": "oops" is not a TIC, KIC or EPIC id' }),
      row(3, 'TIC 25155310', { target: { mission: 'TESS', id: 25155310 }, key: 'TESS:25155310' }),
    ],
    nValid: 3,
    nInvalid: 1,
  };
}

const OK: TargetResult = { status: 'ok', features: { bls_period: 3.2888, bls_snr: 41.5 } };
const FAILED: TargetResult = { status: 'failed', error: { code: 'target-not-found', message: 'MAST has no TESS light curves for TIC 1' }, features: {} };

describe('IdbJobStore', () => {
  let store: IdbJobStore;
  beforeEach(async () => {
    store = new IdbJobStore(await openJobsDb(new IDBFactory()));
  });

  it('creates one work unit per star, in input order, and keeps every row', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    expect(job).toMatchObject({ nSamples: 4, nInvalid: 1, nTargets: 2, done: 0, failed: 0 });
    const targets = await store.pendingTargets(job.id);
    expect(targets.map((t) => t.key)).toEqual(['TESS:25155310', 'Kepler:11442793']);
    expect((await store.samples(job.id)).map((s) => s.targetKey)).toEqual(['TESS:25155310', 'Kepler:11442793', undefined, 'TESS:25155310']);
    // The first row naming a star gives its catalogue values and stellar parameters.
    expect(targets[0].catalog).toEqual({ period: 3.2887898, epochBjd: 2458327.519958 });
    expect(targets[0].star).toEqual({ radiusRsun: 1.24175, logg: 4.28004 });
    expect(targets[1].catalog).toBeUndefined();
  });

  it('counts a result once even when it is written twice', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    const first = await store.recordResult(job.id, 'TESS:25155310', OK, 1000);
    const second = await store.recordResult(job.id, 'TESS:25155310', { ...OK, features: { bls_period: 99 } }, 2000);
    expect(first.written).toBe(true);
    expect(second.written).toBe(false);
    const stored = await store.getJob(job.id);
    expect(stored).toMatchObject({ done: 1, failed: 0 });
    const [target] = (await store.targets(job.id)).filter((t) => t.key === 'TESS:25155310');
    expect(target.finishedAt).toBe(1000);
    expect(target.result?.features.bls_period).toBe(3.2888);
    expect((await store.pendingTargets(job.id)).map((t) => t.key)).toEqual(['Kepler:11442793']);
  });

  it('marks the job finished when the last target is stored, and finds it again after reopening', async () => {
    const factory = new IDBFactory();
    const first = new IdbJobStore(await openJobsDb(factory));
    const job = await first.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    await first.recordResult(job.id, 'Kepler:11442793', FAILED, 5);
    const reopened = new IdbJobStore(await openJobsDb(factory));
    expect((await reopened.latestJob())?.id).toBe(job.id);
    expect((await reopened.pendingTargets(job.id)).map((t) => t.key)).toEqual(['TESS:25155310']);
    const { job: done } = await reopened.recordResult(job.id, 'TESS:25155310', OK, 9);
    expect(done).toMatchObject({ done: 1, failed: 1, finishedAt: 9 });
  });

  it('refuses a result for a target that is not in the job', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    await expect(store.recordResult(job.id, 'TESS:1', OK)).rejects.toMatchObject({ name: 'storage-failed' });
  });

  it('writes one CSV row per input row with status, error and features', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    await store.recordResult(job.id, 'TESS:25155310', OK);
    const csv = jobCsv(job, await store.samples(job.id), await store.targets(job.id));
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.data.map((r) => [r.target, r.note, r.status])).toEqual([
      ['TIC 25155310', 'note 0', 'ok'],
      ['KIC 11442793', 'note 1', 'pending'],
      ['oops', 'note 2', 'failed'],
      ['TIC 25155310', 'note 3', 'ok'],
    ]);
    expect(parsed.data[0].bls_period).toBe('3.2888');
    expect(parsed.data[0].bls_snr).toBe('41.5');
    expect(parsed.data[1].bls_period).toBe('');
    expect(parsed.data[2].error).toBe('invalid-sample-row: line 4: column "target": "oops" is not a TIC, KIC or EPIC id');
    // Each row keeps its own catalogue values, even when rows share a star and its search.
    expect(parsed.data[0].input_period).toBe('3.2887898');
    expect(parsed.data[0].input_epoch).toBe('2458327.519958');
    expect(parsed.data[3].input_period).toBe('');
  });

  it('keeps one work unit per star with every catalogue candidate of its rows, and gives each row its own cat_* columns', async () => {
    const list = sampleList();
    list.rows[3] = { ...list.rows[3], period: 1.5 };
    const job = await store.createJob(list, DEFAULT_SEARCH_SETTINGS);
    const targets = await store.targets(job.id);
    expect(targets.map((t) => t.key)).toEqual(['TESS:25155310', 'Kepler:11442793']);
    expect(targets[0].candidates).toEqual([
      { row: 0, catalog: { period: 3.2887898, epochBjd: 2458327.519958 } },
      { row: 3, catalog: { period: 1.5 } },
    ]);
    expect(targets[1].candidates).toBeUndefined();
    const result: TargetResult = { ...OK, candidates: { 0: { cat_depth: 0.006, bls_matches_catalog: 1 }, 3: { cat_depth: 0.0001, bls_matches_catalog: 0 } } };
    await store.recordResult(job.id, 'TESS:25155310', result);
    const csv = jobCsv(job, await store.samples(job.id), await store.targets(job.id));
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => [r.target, r.bls_period, r.cat_depth, r.bls_matches_catalog, r.input_period])).toEqual([
      ['TIC 25155310', '3.2888', '0.006', '1', '3.2887898'],
      ['KIC 11442793', '', '', '', ''],
      ['oops', '', '', '', ''],
      ['TIC 25155310', '3.2888', '0.0001', '0', '1.5'],
    ]);
  });

  it('deletes a job with its rows and results', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    await store.deleteJob(job.id);
    expect(await store.getJob(job.id)).toBeUndefined();
    expect(await store.samples(job.id)).toEqual([]);
    expect(await store.targets(job.id)).toEqual([]);
  });

  it('keeps the job\'s size on disk up to date with every write', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    const size = async () => {
      const records = await store.jobRecords(job.id);
      return { counted: records.job.bytes, measured: jobBytes(records) };
    };
    expect(job.bytes).toBeGreaterThan(0);
    let s = await size();
    expect(s.counted).toBe(s.measured);
    await store.recordResult(job.id, 'TESS:25155310', OK);
    await store.recordResult(job.id, 'Kepler:11442793', FAILED);
    await store.updateJob(job.id, { name: 'a much longer name than the file had', runIntent: 'run' });
    s = await size();
    expect(s.counted).toBe(s.measured);
    expect(s.counted).toBeGreaterThan(job.bytes!);
    // Engineer A's writes keep it too: a failed target made pending again, a worker failure counted.
    await store.retryFailed(job.id, 'all');
    s = await size();
    expect(s.counted).toBe(s.measured);
    await store.recordWorkerFailure(job.id, 'Kepler:11442793', { code: 'worker-crashed', message: 'the worker died' });
    s = await size();
    expect(s.counted).toBe(s.measured);
  });

  it('renames a job and keeps what the user asked for, without touching its results', async () => {
    const job = await store.createJob(sampleList(), DEFAULT_SEARCH_SETTINGS);
    expect(job.name).toBe('mine.csv');
    await store.recordResult(job.id, 'TESS:25155310', OK, 7);
    const renamed = await store.updateJob(job.id, { name: 'KOI run, March', runIntent: 'pause' });
    expect(renamed).toMatchObject({ name: 'KOI run, March', runIntent: 'pause', done: 1, fileName: 'mine.csv' });
    expect(await store.getJob(job.id)).toEqual(renamed);
    await expect(store.updateJob('job-nope', { name: 'x' })).rejects.toMatchObject({ name: 'storage-failed' });
  });

  it('duplicates a job with other search settings: the same rows, work units as a new upload would make, nothing finished', async () => {
    const list = sampleList();
    list.rows[3] = { ...list.rows[3], period: 1.5 };
    const source = await store.createJob(list, DEFAULT_SEARCH_SETTINGS);
    await store.recordResult(source.id, 'TESS:25155310', OK);
    const settings = { ...DEFAULT_SEARCH_SETTINGS, catalogSearch: false, runTls: true, maxSignals: 2 };
    const copy = await store.duplicateJob(source.id, settings);
    expect(copy.id).not.toBe(source.id);
    expect(copy).toMatchObject({ name: 'mine.csv (copy)', origin: { kind: 'duplicate', jobId: source.id }, done: 0, failed: 0, settings });
    const direct = buildJobRecords(list, settings, copy.id, copy.createdAt);
    expect(await store.targets(copy.id)).toEqual(direct.targets);
    expect(await store.samples(copy.id)).toEqual(direct.samples);
    // Each row's catalogue candidate comes along (the star's two periods).
    expect((await store.targets(copy.id))[0].candidates?.map((c) => c.catalog.period)).toEqual([3.2887898, 1.5]);
    // The source is untouched.
    expect((await store.getJob(source.id))!.done).toBe(1);
  });

  it('duplicates a job stored when each catalogue period was a work unit of its own into one unit per star', async () => {
    const list = sampleList();
    list.rows[3] = { ...list.rows[3], period: 1.5 };
    // What the store wrote then for a catalogue-window job: keys with "@P=<period>", one unit per period.
    const now = buildJobRecords(list, DEFAULT_SEARCH_SETTINGS, 'job-old', 5);
    const old = {
      job: { ...now.job, nTargets: 3 },
      samples: now.samples.map((s) => (s.targetKey === 'TESS:25155310' ? { ...s, targetKey: `TESS:25155310@P=${s.catalog!.period}` } : s)),
      targets: [
        { ...now.targets[0], key: 'TESS:25155310@P=3.2887898', candidates: undefined },
        now.targets[1],
        { ...now.targets[0], key: 'TESS:25155310@P=1.5', order: 3, catalog: { period: 1.5 }, candidates: undefined },
      ].map(({ candidates: _c, ...t }) => t),
    };
    await store.putJob(old);
    const copy = await store.duplicateJob('job-old', DEFAULT_SEARCH_SETTINGS);
    const direct = buildJobRecords(list, DEFAULT_SEARCH_SETTINGS, copy.id, copy.createdAt);
    expect(await store.targets(copy.id)).toEqual(direct.targets);
    expect(await store.samples(copy.id)).toEqual(direct.samples);
  });

  it('duplicates a job whose rows give light-curve URLs', async () => {
    const list = sampleList();
    list.rows[1] = { ...list.rows[1], lightcurveUrls: ['demo/a.fits', 'demo/b.fits'] };
    const source = await store.createJob(list, DEFAULT_SEARCH_SETTINGS);
    const copy = await store.duplicateJob(source.id, { ...DEFAULT_SEARCH_SETTINGS, catalogSearch: false });
    expect(await store.targets(copy.id)).toEqual(buildJobRecords(list, DEFAULT_SEARCH_SETTINGS, copy.id).targets);
  });

  it('writes a whole job at once and refuses an id already stored', async () => {
    const records = buildJobRecords(sampleList(), DEFAULT_SEARCH_SETTINGS, 'job-x', 5);
    await store.putJob(records);
    // The job's other stores (issue 14's plot summaries and local files) come back empty.
    expect(await store.jobRecords('job-x')).toEqual({ ...records, extra: { summaries: [], localFiles: [] } });
    await expect(store.putJob({ ...records, job: { ...records.job, name: 'other' } })).rejects.toMatchObject({ name: 'storage-failed', message: expect.stringContaining('already stored') });
    expect((await store.getJob('job-x'))!.name).toBe('mine.csv');
  });
});
