import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DB_VERSION, MIGRATIONS, OUTDATED_MESSAGE, openJobsDb, type Migration } from '../../src/lib/jobs/db.ts';
import { jobCsv } from '../../src/lib/jobs/export.ts';
import { IdbJobStore, buildJobRecords, jobBytes } from '../../src/lib/jobs/store.ts';
import type { JobRecord, TargetRecord } from '../../src/lib/jobs/types.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { mulberry32 } from '../helpers/random.ts';

/** A list of n stars with catalogue values, one invalid row every 7th. */
function list(n: number, fileName = 'koi.csv'): SampleList {
  const rows: SampleList['rows'] = [];
  for (let i = 0; i < n; i++) {
    const id = 10_000_000 + i;
    rows.push(
      i % 7 === 3
        ? { index: i, line: i + 2, values: [`KIC ${id}x`, `row ${i}`], problem: `column "target": "KIC ${id}x" is not a TIC, KIC or EPIC id` }
        : { index: i, line: i + 2, values: [`KIC ${id}`, `row ${i}`], target: { mission: 'Kepler', id }, key: `Kepler:${id}`, period: 1 + i / 10 },
    );
  }
  return { fileName, format: 'ours', columns: ['target', 'note'], rows, nValid: rows.filter((r) => !r.problem).length, nInvalid: rows.filter((r) => r.problem).length };
}

function result(random: () => number, i: number): TargetResult {
  return i % 5 === 0
    ? { status: 'failed', error: { code: 'no-light-curve', message: `nothing for star ${i}` }, features: {} }
    : { status: 'ok', features: { bls_period: 1 + random() * 10, bls_snr: random() * 50, n_points: 1000 + i, mission: 'Kepler' }, kernelVersion: 'abc123' };
}

/** What version 1 of the app wrote: the same records without the fields schema 2 added. */
function asVersion1(job: JobRecord): JobRecord {
  const { name: _name, bytes: _bytes, ...v1 } = job;
  return v1;
}

describe('job database migrations', () => {
  it('has one step per version, in order, ending at DB_VERSION', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(DB_VERSION).toBe(MIGRATIONS.length);
  });

  it('opens a database written by schema 1 at the current version and keeps every job, row and result', async () => {
    const factory = new IDBFactory();
    const random = mulberry32(7);
    const old = await openJobsDb({ factory, version: 1 });
    expect(old.objectStoreNames.contains('jobs')).toBe(true);
    const written: Array<{ job: JobRecord; samples: unknown[]; targets: TargetRecord[] }> = [];
    for (const [j, n] of [[0, 40], [1, 25]] as const) {
      const records = buildJobRecords(list(n, `list-${j}.csv`), DEFAULT_SEARCH_SETTINGS, `job-${j}`, 1000 + j);
      const job = asVersion1(records.job);
      // As schema 1's store did: results written into the targets, counters on the job.
      records.targets.forEach((t, i) => {
        if (i % 3 === 2) return;
        const r = result(random, i);
        Object.assign(t, { status: r.status, result: r, finishedAt: 5000 + i });
        if (r.status === 'ok') job.done++;
        else job.failed++;
      });
      const tx = old.transaction(['jobs', 'samples', 'targets'], 'readwrite');
      await Promise.all([
        tx.objectStore('jobs').put(job),
        ...records.samples.map((s) => tx.objectStore('samples').put(s)),
        ...records.targets.map((t) => tx.objectStore('targets').put(t)),
        tx.done,
      ]);
      written.push({ job, samples: records.samples, targets: records.targets });
    }
    old.close();

    const store = new IdbJobStore(await openJobsDb({ factory }));
    for (const w of written) {
      const job = (await store.getJob(w.job.id))!;
      expect(job).toEqual({ ...w.job, name: w.job.fileName, bytes: jobBytes({ job: { ...w.job, name: w.job.fileName }, samples: w.samples as never, targets: w.targets }) });
      expect(await store.samples(w.job.id)).toEqual(w.samples);
      expect(await store.targets(w.job.id)).toEqual(w.targets);
      // The new status index finds exactly the targets still pending, in input order.
      expect((await store.pendingTargets(w.job.id)).map((t) => t.key)).toEqual(w.targets.filter((t) => t.status === 'pending').map((t) => t.key));
    }
    // The migrated job goes on: a result stored now counts, and the size follows it.
    const before = (await store.getJob('job-0'))!;
    const [pending] = await store.pendingTargets('job-0');
    const { job: after } = await store.recordResult('job-0', pending.key, { status: 'ok', features: { bls_period: 2 } }, 9);
    expect(after.done).toBe(before.done + 1);
    expect(after.bytes).toBeGreaterThan(before.bytes!);
  });

  it('opens a database written by this version with the next schema version, keeps every result, and tells the open tab to reload', async () => {
    const factory = new IDBFactory();
    const onOutdated = vi.fn();
    const current = new IdbJobStore(await openJobsDb({ factory, onOutdated }));
    const random = mulberry32(11);
    const job = await current.createJob(list(30), DEFAULT_SEARCH_SETTINGS);
    const targets = await current.targets(job.id);
    for (let i = 0; i < targets.length; i += 2) await current.recordResult(job.id, targets[i].key, result(random, i), 100 + i);
    const csvBefore = jobCsv((await current.getJob(job.id))!, await current.samples(job.id), await current.targets(job.id));
    const recordsBefore = await current.jobRecords(job.id);

    // The kind of step a later version appends (engineer F's local files, say).
    const next: Migration = {
      version: DB_VERSION + 1,
      description: 'local light-curve files',
      upgrade(db) {
        db.createObjectStore('files', { keyPath: 'id' });
      },
    };
    const upgraded = await openJobsDb({ factory, migrations: [...MIGRATIONS, next] });
    expect(upgraded.version).toBe(DB_VERSION + 1);
    expect((upgraded.objectStoreNames as DOMStringList).contains('files')).toBe(true);
    expect(onOutdated).toHaveBeenCalledTimes(1);

    const newer = new IdbJobStore(upgraded);
    expect(await newer.jobRecords(job.id)).toEqual(recordsBefore);
    expect(jobCsv((await newer.getJob(job.id))!, await newer.samples(job.id), await newer.targets(job.id))).toBe(csvBefore);

    // The older tab's store says what happened instead of a bare InvalidStateError.
    await expect(current.getJob(job.id)).rejects.toMatchObject({ name: 'storage-outdated', message: OUTDATED_MESSAGE });
    const [pending] = await newer.pendingTargets(job.id);
    await expect(current.recordResult(job.id, pending.key, { status: 'ok', features: {} })).rejects.toMatchObject({ name: 'storage-outdated' });
    // A page of this version opened after the upgrade says the same, instead of a bare VersionError.
    await expect(openJobsDb({ factory })).rejects.toMatchObject({ name: 'storage-outdated', message: expect.stringContaining(OUTDATED_MESSAGE) });
    // Nothing the old tab tried was written.
    expect((await newer.getJob(job.id))!.done + (await newer.getJob(job.id))!.failed).toBe(recordsBefore.job.done + recordsBefore.job.failed);
  });

  it('leaves the database at its old version, with its data, when a step fails', async () => {
    const factory = new IDBFactory();
    const store = new IdbJobStore(await openJobsDb({ factory }));
    const job = await store.createJob(list(5), DEFAULT_SEARCH_SETTINGS);
    const broken: Migration = {
      version: DB_VERSION + 1,
      description: 'a step that fails half-way',
      async upgrade(_db, tx) {
        await tx.objectStore('jobs').delete(job.id);
        throw new Error('disk on fire');
      },
    };
    await expect(openJobsDb({ factory, migrations: [...MIGRATIONS, broken] })).rejects.toMatchObject({ name: 'storage-failed', message: expect.stringContaining('disk on fire') });
    const reopened = await openJobsDb({ factory });
    expect(reopened.version).toBe(DB_VERSION);
    expect((await new IdbJobStore(reopened).getJob(job.id))?.id).toBe(job.id);
  });
});
