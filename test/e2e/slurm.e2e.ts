/**
 * docs/cluster.md's job array, for real: a one-node Slurm started by this test (munge, slurmctld,
 * slurmd; everything in a temporary folder, stopped after, also on failure) runs docs/slurm/submit.sh
 * with 4 shards against the MAST stand-in; the merge step runs after the array; its CSV must be the
 * CSV of a single `run` of the same list, row for row and byte for byte (timing columns aside).
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, runCli } from '../helpers/cli.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';
import { run, startSlurm, waitForJob, type SlurmCluster } from '../helpers/slurm.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

const TIMING = /(_ms|_seconds|_at)$/;

const LIST = [
  'target,note',
  'EPIC 211495446,quiet',
  'TIC 55652896,no SPOC light curve',
  'EPIC 211436265,variable',
  'KIC 11442793x,a typo',
  'EPIC 211719918,short-period variable',
  'TIC 123,not in MAST',
  'EPIC 211495446,the quiet star again',
].join('\n');

/** The CSV without the columns that measure time. */
function comparable(csv: string): string[][] {
  const rows = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  const keep = rows[0].map((c, i) => (TIMING.test(c) ? -1 : i)).filter((i) => i >= 0);
  return rows.map((r) => keep.map((i) => r[i]));
}

describe('a Slurm job array of cli run shards', () => {
  let cluster: SlurmCluster | undefined;
  let mast: MockMast;
  const folders: string[] = [];

  beforeAll(async () => {
    builtCli();
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES });
    cluster = await startSlurm();
  });

  afterAll(async () => {
    await cluster?.stop();
    await mast?.close();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it('docs/cluster.md shows the scripts the test runs', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/cluster.md'), 'utf8');
    for (const script of ['array.sbatch', 'merge.sbatch', 'submit.sh']) {
      expect(doc, script).toContain(readFileSync(path.join(REPO_ROOT, 'docs/slurm', script), 'utf8').trim());
    }
  });

  it('4 array tasks and the dependent merge give the CSV of a single run', async () => {
    const c = cluster!;
    const work = mkdtempSync(path.join(os.tmpdir(), 'tf-slurm-job-'));
    folders.push(work);
    // The jobs run as this user, but a test run as root must not make the folder unreadable to the daemons.
    chmodSync(work, 0o755);
    const list = path.join(work, 'list.csv');
    writeFileSync(list, `${LIST}\n`);
    const out = path.join(work, 'results');
    const env = { ...c.env, TF: builtCli(), SAMPLES: list, OUT: out, MAST: mast.url, CACHE: path.join(work, 'cache') };
    const submitted = await run(path.join(REPO_ROOT, 'docs/slurm/submit.sh'), ['4', '--cpus-per-task=1', '--mem=1G', '--time=00:10:00'], { env, cwd: work });
    const [arrayId, mergeId] = submitted.stdout.trim().split(/\s+/);
    expect(arrayId).toMatch(/^\d+$/);
    expect(mergeId).toMatch(/^\d+$/);

    const single = path.join(work, 'single.csv');
    const alone = await runCli(['run', list, '--out', single, '--mast', mast.url, '--workers', '2']);
    expect(alone.code, alone.stderr).toBe(0);

    const mergeState = await waitForJob(c, mergeId, 180_000);
    const taskStates = await waitForJob(c, arrayId, 10_000);
    const logs = readdirSync(work).filter((f) => f.endsWith('.log')).map((f) => `--- ${f}\n${readFileSync(path.join(work, f), 'utf8')}`).join('\n');
    expect(taskStates, logs).toBe('COMPLETED,COMPLETED,COMPLETED,COMPLETED');
    expect(mergeState, logs).toBe('COMPLETED');

    // One log per task, each a shard of its own.
    const taskLogs = readdirSync(work).filter((f) => /^transit-features-\d+_\d\.log$/.test(f)).sort();
    expect(taskLogs).toHaveLength(4);
    for (const [k, f] of taskLogs.entries()) expect(readFileSync(path.join(work, f), 'utf8')).toContain(`(shard ${k}/4 of 7)`);
    expect(readdirSync(out).filter((f) => /^part-\d\.csv$/.test(f)).sort()).toEqual(['part-0.csv', 'part-1.csv', 'part-2.csv', 'part-3.csv']);

    const merged = readFileSync(path.join(out, 'results.csv'), 'utf8');
    const reference = readFileSync(single, 'utf8');
    expect(comparable(merged)).toEqual(comparable(reference));
    expect(merged).toBe(reference);
    const statuses = comparable(merged).slice(1).map((r) => r[2]);
    expect(statuses).toEqual(['ok', 'failed', 'ok', 'failed', 'ok', 'failed', 'ok']);
  });
});
