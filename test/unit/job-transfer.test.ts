import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openJobsDb, DB_VERSION } from '../../src/lib/jobs/db.ts';
import { jobCsv } from '../../src/lib/jobs/export.ts';
import { JobRunner, type AnalysisPool, type LightCurveSource } from '../../src/lib/jobs/runner.ts';
import { IdbJobStore, type JobRecords } from '../../src/lib/jobs/store.ts';
import { EXPORT_FORMAT_VERSION, exportFileName, exportJob, readJobFile, withJobId } from '../../src/lib/jobs/transfer.ts';
import type { TargetRecord } from '../../src/lib/jobs/types.ts';
import type { SampleList } from '../../src/lib/samples/index.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { mulberry32 } from '../helpers/random.ts';

function list(n: number): SampleList {
  const rows: SampleList['rows'] = Array.from({ length: n }, (_, i) =>
    i === 4
      ? { index: i, line: i + 2, values: ['TIC 5x', 'a "quoted", note'], problem: 'column "target": "TIC 5x" is not a TIC, KIC or EPIC id' }
      : { index: i, line: i + 2, values: [`TIC ${i + 1}`, `note ${i}, with a comma`], target: { mission: 'TESS' as const, id: i + 1 }, key: `TESS:${i + 1}`, period: 1 + i / 3 },
  );
  return { fileName: 'toi list.csv', format: 'ours', columns: ['target', 'note'], rows, nValid: n - 1, nInvalid: 1 };
}

/** Results with every awkward value a stored record can hold: -0, NaN, huge and tiny numbers, unicode, binary arrays. */
function awkwardResult(random: () => number, i: number): TargetResult {
  if (i % 4 === 3) return { status: 'failed', error: { code: 'fits-invalid', message: `file ${i} ends after 2880 bytes — “truncated”` }, features: {}, downloadMs: 12.5 };
  const extra = { summary: { phase: new Float32Array([random(), -0, 1e-30]), counts: new Int32Array([1, -2, 3]) } };
  return {
    status: 'ok',
    features: {
      bls_period: 1 + random() * 10,
      bls_depth: -0,
      bls_snr: NaN,
      bls_power: 1.7976931348623157e308,
      flux_std: 5e-324,
      mission: 'TESS',
      transit_times_bjd: '2458327.1;2458330.4',
    },
    kernelVersion: 'a1b2c3d4e5f60718',
    analysisMs: random() * 1000,
    ...(extra as object),
  } as TargetResult;
}

async function storeWith(factory = new IDBFactory()) {
  return new IdbJobStore(await openJobsDb(factory));
}

async function csvOf(store: IdbJobStore, id: string) {
  return jobCsv((await store.getJob(id))!, await store.samples(id), await store.targets(id));
}

/** A job half done: every other target finished with awkward values, the rest pending. */
async function halfDone(store: IdbJobStore, n = 12) {
  const random = mulberry32(2024);
  const job = await store.createJob(list(n), DEFAULT_SEARCH_SETTINGS);
  const targets = await store.targets(job.id);
  for (let i = 0; i < targets.length; i += 2) await store.recordResult(job.id, targets[i].key, awkwardResult(random, i), 1_700_000_000_000 + i);
  await store.updateJob(job.id, { name: 'TOI run · “März”' });
  return (await store.getJob(job.id))!;
}

class EchoSource implements LightCurveSource {
  async fetchFiles(target: TargetRecord) {
    return [{ name: `${target.target!.id}.fits`, bytes: new Float64Array([target.target!.id]).buffer }];
  }
}
class EchoPool implements AnalysisPool {
  readonly size = 1;
  async analyze(files: { bytes: ArrayBuffer }[]): Promise<TargetResult> {
    return { status: 'ok', features: { bls_period: new Float64Array(files[0].bytes)[0] * 1.5 } };
  }
}

describe('job export and import', () => {
  it('moves a whole job to another browser: the records come back exactly, the CSV is byte-identical, and the job continues there', async () => {
    const here = await storeWith();
    const job = await halfDone(here);
    const before = await here.jobRecords(job.id);
    const csvBefore = await csvOf(here, job.id);

    const file = await exportJob(before, 1_800_000_000_000);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(exportFileName(job)).toBe('TOI run · “März”.job.ndjson.gz');

    const { header, records } = await readJobFile(new Blob([bytes]), 'x.gz');
    expect(header).toMatchObject({ formatVersion: EXPORT_FORMAT_VERSION, schemaVersion: DB_VERSION, exportedAt: 1_800_000_000_000, counts: { samples: 12, targets: 11 } });
    expect(records).toEqual(before);
    // toEqual treats -0 as 0 and typed arrays loosely: check those exactly.
    const stored = records.targets[0].result as TargetResult;
    expect(Object.is(stored.features.bls_depth, -0)).toBe(true);
    expect(Number.isNaN(stored.features.bls_snr)).toBe(true);
    // The plot summary is kept in its own store (issue 14) and travels in the file with the job.
    const summary = (records.extra!.summaries[0] as unknown as { summary: { phase: Float32Array; counts: Int32Array } }).summary;
    expect(summary.phase).toBeInstanceOf(Float32Array);
    expect(Object.is(summary.phase[1], -0)).toBe(true);
    expect([...summary.counts]).toEqual([1, -2, 3]);

    const there = await storeWith();
    await there.putJob(records);
    expect(await csvOf(there, job.id)).toBe(csvBefore);
    expect(csvBefore).toContain(',-0,');

    // The pending half runs there, and only it.
    const analysed: string[] = [];
    await new JobRunner(there, new EchoSource(), new EchoPool(), { onResult: (_j, t) => analysed.push(t.key) }).run(job.id);
    expect(analysed).toEqual(before.targets.filter((t) => t.status === 'pending').map((t) => t.key));
    const finished = (await there.getJob(job.id))!;
    expect(finished.done + finished.failed).toBe(finished.nTargets);
    // Results stored before the move are untouched.
    const after = await there.targets(job.id);
    for (const t of before.targets.filter((b) => b.status !== 'pending')) expect(after.find((a) => a.key === t.key)).toEqual(t);
  });

  it('imports a job into a browser that already holds it under a new id', async () => {
    const store = await storeWith();
    const job = await halfDone(store, 6);
    const { records } = await readJobFile(await exportJob(await store.jobRecords(job.id)));
    const copy = withJobId(records, 'job-imported');
    await store.putJob(copy);
    expect(await csvOf(store, 'job-imported')).toBe(await csvOf(store, job.id));
    expect((await store.listJobs()).map((j) => j.id).sort()).toEqual([job.id, 'job-imported'].sort());
  });

  it('refuses a file that is not an export, damaged, incomplete or from a newer version, saying which', async () => {
    const store = await storeWith();
    const job = await halfDone(store, 6);
    const records = await store.jobRecords(job.id);
    const good = new Uint8Array(await (await exportJob(records)).arrayBuffer());
    const text = (await new Response(new Blob([good]).stream().pipeThrough(new DecompressionStream('gzip'))).text()).split('\n');
    const gz = (lines: string[]) => new Blob([gzipSync(lines.join('\n'))]);
    const header = JSON.parse(text[0]).header;
    // The target lines (plot summaries, issue 14, come after them in their own store).
    const targetLines = text.flatMap((l, i) => (l.startsWith('{"target":') ? [i] : []));
    const lastTarget = targetLines[targetLines.length - 1];
    const cases: Array<[string, Blob, RegExp]> = [
      ['a CSV', new Blob(['target\nTIC 1\n']), /not a job export of this app/],
      ['a gzip of something else', new Blob([gzipSync('hello\n')]), /not a job export of this app/],
      ['cut short', new Blob([good.slice(0, Math.floor(good.length * 0.6))]), /damaged or incomplete|incomplete/],
      ['corrupted', new Blob([good.map((b, i) => (i > 40 && i % 97 === 0 ? b ^ 0xff : b))]), /damaged or incomplete|not valid|incomplete|do not match/],
      ['missing targets', gz(text.filter((_, i) => !targetLines.slice(-2).includes(i))), /incomplete: it holds 6 of 6 rows and \d+ of \d+ targets/],
      ['a newer file format', gz([JSON.stringify({ header: { ...header, formatVersion: EXPORT_FORMAT_VERSION + 1, appVersion: '9.0.0' } }), ...text.slice(1)]), /newer version of the app \(9\.0\.0.*Update the app/],
      ['a newer schema', gz([JSON.stringify({ header: { ...header, schemaVersion: DB_VERSION + 1 } }), ...text.slice(1)]), /newer version of the app/],
      ['a target of another job', gz(text.map((l, i) => (i === lastTarget ? l.replace(`"jobId":"${job.id}"`, '"jobId":"job-other"') : l))), /not a valid target of job/],
      ['counters that disagree', gz(text.map((l, i) => (i === 1 ? l.replace('"done":', '"done":1') : l))), /counters .* do not match/],
      ['an empty file', new Blob([gzipSync('')]), /empty/],
    ];
    for (const [what, blob, message] of cases) {
      await expect(readJobFile(blob, "job.gz"), what).rejects.toMatchObject({ name: 'invalid-job-file', message: expect.stringMatching(message) });
    }
    // The good file still reads.
    expect((await readJobFile(new Blob([good]))).records).toEqual(records as JobRecords);
  });
});
