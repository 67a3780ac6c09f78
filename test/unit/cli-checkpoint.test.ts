import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_KIND, CHECKPOINT_VERSION, CheckpointLog, fingerprintDifferences, type CheckpointFingerprint, type CheckpointHeader } from '../../src/cli/run/checkpoint.ts';
import { journaled, openCheckpointedJob, type Journal } from '../../src/cli/run/checkpoint-store.ts';
import { AppError } from '../../src/lib/errors.ts';
import { jobCsv } from '../../src/lib/jobs/export.ts';
import { parseSampleList } from '../../src/lib/samples/index.ts';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'tf-checkpoint-'));

const FINGERPRINT: CheckpointFingerprint = { samplesSha256: 'abc', samplesFile: 'list.csv', shard: null, settings: { detrend: 'biweight', maxSignals: 1 } };

function header(jobId = 'job-1'): CheckpointHeader {
  return { kind: CHECKPOINT_KIND, version: CHECKPOINT_VERSION, createdAt: '2026-01-01T00:00:00Z', jobId, fingerprint: FINGERPRINT };
}

const LIST_TEXT = [
  'target,note',
  'TIC 25155310,"first, with a comma"',
  'KIC 11442793,kepler',
  'KIC 11442793x,bad',
  'TIC 25155310,"second row of the same star',
  'over two lines"',
  'EPIC 211495446,k2',
].join('\n');

function result(i: number): TargetResult {
  // Values JSON would lose: NaN, infinities, -0.
  return { status: 'ok', features: { bls_period: 1 + i / 7, bls_snr: Number.NaN, tls_period_uncertainty: Infinity, bls_depth: -0, n_points: 100 + i }, kernelVersion: 'k', bytes: 10 };
}

describe('the checkpoint log', () => {
  it('gives back every appended call exactly (NaN, ±Infinity, -0, typed arrays), after the header', () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    const log = CheckpointLog.open(file, header());
    const args = [['job-1', 'TESS:1', { x: Number.NaN, y: -Infinity, z: -0, a: Float64Array.of(1.5, Number.NaN) }], ['job-1', 'TESS:2', 'plain']];
    for (const a of args) log.append({ method: 'recordResult', args: a }, String(a[1]));
    log.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1])).toMatchObject({ m: 'recordResult', k: 'TESS:1' });
    const again = CheckpointLog.open(file, header('job-other'));
    again.close();
    expect(again.header.jobId).toBe('job-1');
    expect(again.repairedTail).toBe(false);
    expect(again.entries.map((e) => e.method)).toEqual(['recordResult', 'recordResult']);
    const first = again.entries[0].args[2] as { x: number; y: number; z: number; a: Float64Array };
    expect(Number.isNaN(first.x)).toBe(true);
    expect(first.y).toBe(-Infinity);
    expect(Object.is(first.z, -0)).toBe(true);
    expect(first.a).toBeInstanceOf(Float64Array);
    expect(Array.from(first.a)).toEqual([1.5, Number.NaN]);
    expect(again.entries[1].args).toEqual(['job-1', 'TESS:2', 'plain']);
  });

  it('drops a last line cut short by a kill, cuts it off the file, and appends cleanly after it', () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    const log = CheckpointLog.open(file, header());
    log.append({ method: 'recordResult', args: ['job-1', 'TESS:1', 1] });
    log.close();
    const whole = statSync(file).size;
    appendFileSync(file, '{"m":"recordResult","k":"TESS:2","t":1,"a":"/w9BAy');
    const reopened = CheckpointLog.open(file, header());
    expect(reopened.repairedTail).toBe(true);
    expect(reopened.entries).toHaveLength(1);
    expect(statSync(file).size).toBe(whole);
    reopened.append({ method: 'recordResult', args: ['job-1', 'TESS:3', 3] });
    reopened.close();
    const third = CheckpointLog.open(file, header());
    third.close();
    expect(third.entries.map((e) => e.args[1])).toEqual(['TESS:1', 'TESS:3']);
  });

  it('starts again over a header cut short (a kill before the first line was down)', () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    writeFileSync(file, '{"kind":"transit-features checkp');
    const log = CheckpointLog.open(file, header('job-new'));
    log.close();
    expect(log.header.jobId).toBe('job-new');
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]).jobId).toBe('job-new');
  });

  it('refuses a damaged line in the middle, naming it, and a file that is not a checkpoint', () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    const log = CheckpointLog.open(file, header());
    log.append({ method: 'recordResult', args: ['job-1', 'TESS:1', 1] });
    log.close();
    appendFileSync(file, 'garbage\n');
    const e = (() => {
      try {
        CheckpointLog.open(file, header());
      } catch (err) {
        return err as AppError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(AppError);
    expect(e.name).toBe('storage-failed');
    expect(e.message).toMatch(/line 3, is damaged/);
    const other = path.join(dir(), 'results.csv');
    writeFileSync(other, 'target,status\nTIC 1,ok\n');
    expect(() => CheckpointLog.open(other, header())).toThrow(/is not a checkpoint of this program/);
  });

  it('names what differs between two fingerprints', () => {
    expect(fingerprintDifferences(FINGERPRINT, FINGERPRINT)).toEqual([]);
    const now = { ...FINGERPRINT, samplesSha256: 'def', shard: '1/4', settings: { detrend: 'none', maxSignals: 1, runTls: true } };
    expect(fingerprintDifferences(FINGERPRINT, now)).toEqual([
      "the sample list's content (it was list.csv)",
      'the shard (it was none, now 1/4)',
      'detrend (it was "biweight", now "none")',
      'runTls (it was unset, now true)',
    ]);
  });
});

describe('the journaled job store', () => {
  it('journals every call but the reads, after the store accepted it', async () => {
    const calls: Array<{ method: string; key?: string }> = [];
    const journal: Journal = { append: (e, key) => calls.push({ method: e.method, key }) };
    const store = {
      n: 0,
      async getJob() {
        return this.n;
      },
      async pendingTargets() {
        return [];
      },
      async recordResult(_job: string, _key: string) {
        this.n++;
        return { written: true };
      },
      async retryFailed(_job: string) {
        this.n += 10;
      },
      async failing(_job: string) {
        throw new Error('refused');
      },
    };
    const j = journaled(store, journal);
    await j.getJob();
    await j.pendingTargets();
    await expect(j.recordResult('job', 'TESS:1')).resolves.toEqual({ written: true });
    await j.retryFailed('job');
    await expect(j.failing('job')).rejects.toThrow('refused');
    expect(calls).toEqual([
      { method: 'recordResult', key: 'TESS:1' },
      { method: 'retryFailed', key: undefined },
    ]);
    expect(await j.getJob()).toBe(11);
    // A journal that cannot write makes the call fail, so the runner stops instead of going on unrecorded.
    const broken = journaled(store, { append: () => { throw new AppError('storage-failed', 'disk full'); } });
    await expect(broken.recordResult('job', 'TESS:2')).rejects.toThrow('disk full');
  });

  it('replays a checkpoint onto a new job: finished targets stay finished, the CSV is the same', async () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    const list = parseSampleList(LIST_TEXT, 'list.csv');
    const first = await openCheckpointedJob(file, list, DEFAULT_SEARCH_SETTINGS, FINGERPRINT);
    expect(first.replayed).toBe(0);
    const pending = await first.store.pendingTargets(first.job.id);
    expect(pending.map((t) => t.key)).toEqual(['TESS:25155310', 'Kepler:11442793', 'K2:211495446']);
    await first.store.recordResult(first.job.id, 'TESS:25155310', result(1));
    await first.store.recordResult(first.job.id, 'K2:211495446', { status: 'failed', error: { code: 'download-failed', message: 'HTTP 503 after 3 retries' }, features: {} });
    const csvBefore = jobCsv((await first.store.getJob(first.job.id))!, await first.store.samples(first.job.id), await first.store.targets(first.job.id));
    first.log.close();

    const second = await openCheckpointedJob(file, list, DEFAULT_SEARCH_SETTINGS, FINGERPRINT);
    second.log.close();
    expect(second.job.id).not.toBe(first.job.id);
    expect(second.replayed).toBe(2);
    expect([second.job.done, second.job.failed, second.job.nTargets]).toEqual([1, 1, 3]);
    expect((await second.store.pendingTargets(second.job.id)).map((t) => t.key)).toEqual(['Kepler:11442793']);
    const csvAfter = jobCsv(second.job, await second.store.samples(second.job.id), await second.store.targets(second.job.id));
    expect(csvAfter).toBe(csvBefore);
    expect(csvAfter).toContain(',ok,,');
    expect(csvAfter).toContain('failed,download-failed: HTTP 503 after 3 retries');
    expect(csvAfter).toContain(',Infinity,');
    expect(csvAfter).toContain(',-0,');
  });

  it('keeps working over several interrupted runs: each run logs under the first run\'s job id', async () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    const list = parseSampleList(LIST_TEXT, 'list.csv');
    const keys = ['TESS:25155310', 'Kepler:11442793', 'K2:211495446'];
    for (const [i, key] of keys.entries()) {
      const run = await openCheckpointedJob(file, list, DEFAULT_SEARCH_SETTINGS, FINGERPRINT);
      expect(run.replayed).toBe(i);
      await run.store.recordResult(run.job.id, key, result(i));
      run.log.close();
    }
    const last = await openCheckpointedJob(file, list, DEFAULT_SEARCH_SETTINGS, FINGERPRINT);
    last.log.close();
    expect([last.job.done, last.job.failed]).toEqual([3, 0]);
    expect(await last.store.pendingTargets(last.job.id)).toEqual([]);
  });

  it('refuses a checkpoint written for other settings, and leaves it untouched', async () => {
    const file = path.join(dir(), 'out.csv.checkpoint');
    const list = parseSampleList(LIST_TEXT, 'list.csv');
    const first = await openCheckpointedJob(file, list, DEFAULT_SEARCH_SETTINGS, FINGERPRINT);
    await first.store.recordResult(first.job.id, 'TESS:25155310', result(1));
    first.log.close();
    const before = readFileSync(file);
    const other = { ...FINGERPRINT, settings: { ...FINGERPRINT.settings, detrend: 'savgol' } };
    await expect(openCheckpointedJob(file, list, DEFAULT_SEARCH_SETTINGS, other)).rejects.toMatchObject({
      name: 'invalid-settings',
      message: expect.stringMatching(/belongs to another run: detrend \(it was "biweight", now "savgol"\)/),
    });
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
