/**
 * `run` and `merge` end to end: the built CLI in child processes against the MAST stand-in, which
 * counts every download. One stand-in for the file; the tests share its counts in order.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_COLUMNS } from '../../src/lib/search/result.ts';
import { builtCli, runCli, spawnCli } from '../helpers/cli.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { startMockMast, SYNTHETIC_TIC_BASE, type MockMast } from '../mock-mast/index.ts';

const K2_FILES = ['ktwo211495446-c05_llc.fits', 'ktwo211436265-c05_llc.fits', 'ktwo211719918-c05_llc.fits'];

/** Three K2 stars (one named twice), a mistyped id, a star with no SPOC light curve, a TIC MAST does not know. */
const LIST = [
  'target,label,note',
  'EPIC 211495446,quiet,"null control, no planet"',
  'EPIC 211436265,variable,',
  'KIC 11442793x,,a typo',
  'EPIC 211719918,,"two',
  'lines"',
  'TIC 55652896,,TOI-216: only an HLSP',
  'EPIC 211495446,again,the same star as row 1',
  'TIC 123,,not in MAST',
].join('\n');

const rows = (csv: string) => Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });

describe('cli run against the MAST stand-in', () => {
  let mast: MockMast;
  let dir: string;
  let list: string;
  let cache: string;
  let full: string;

  beforeAll(async () => {
    builtCli();
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES, syntheticTargets: 4, downloadLatencyMs: 0 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'tf-cli-run-'));
    list = path.join(dir, 'list.csv');
    writeFileSync(list, `${LIST}\n`);
    cache = path.join(dir, 'cache');
  });

  afterAll(async () => {
    await mast?.close();
  });

  it("writes the app's CSV with every row ended, logs one line per target, and exits 0 although rows failed", async () => {
    const out = path.join(dir, 'full.csv');
    const r = await runCli(['run', list, '--out', out, '--mast', mast.url, '--workers', '2', '--cache', cache]);
    expect(r.stderr).toMatch(/7 rows, 5 targets: checkpoint .*full\.csv\.checkpoint/);
    expect(r.code).toBe(0);
    full = readFileSync(out, 'utf8');
    const parsed = rows(full);
    // The app's layout: the input columns, status, error, (run bookkeeping,) the features in order.
    expect(parsed.meta.fields?.slice(0, 5)).toEqual(['target', 'label', 'note', 'status', 'error']);
    expect(parsed.meta.fields?.slice(-FEATURE_COLUMNS.length)).toEqual([...FEATURE_COLUMNS]);
    expect(parsed.data.map((d) => [d.target, d.status])).toEqual([
      ['EPIC 211495446', 'ok'],
      ['EPIC 211436265', 'ok'],
      ['KIC 11442793x', 'failed'],
      ['EPIC 211719918', 'ok'],
      ['TIC 55652896', 'failed'],
      ['EPIC 211495446', 'ok'],
      ['TIC 123', 'failed'],
    ]);
    expect(parsed.data[3].note).toBe('two\nlines');
    expect(parsed.data[2].error).toMatch(/^invalid-sample-row: line 4: /);
    expect(parsed.data[4].error).toMatch(/^no-light-curve: /);
    expect(parsed.data[6].error).toMatch(/^target-not-found: /);
    expect(parsed.data[5].bls_period).toBe(parsed.data[0].bls_period);
    expect(Number(parsed.data[0].n_points)).toBeGreaterThan(3000);
    // Not a terminal: one plain, timestamped line per target, no redrawn line.
    const lines = r.stderr.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z \[\d\/5 targets/.test(l));
    expect(lines).toHaveLength(5);
    expect(r.stderr).toContain('] EPIC 211495446: ok');
    expect(r.stderr).toMatch(/\] TIC 123: failed \(target-not-found: /);
    expect(r.stderr).not.toContain('\r');
    for (const f of K2_FILES) expect(mast.downloads(f), f).toBe(1);
  });

  it('with the same --cache, a run with other settings downloads nothing and asks MAST nothing about the cached stars', async () => {
    const before = { log: mast.log.length, downloads: K2_FILES.map((f) => mast.downloads(f)) };
    const out = path.join(dir, 'other-settings.csv');
    const r = await runCli(['run', list, '--out', out, '--mast', mast.url, '--workers', '2', '--cache', cache, '--detrend', 'none', '--signals', '2']);
    expect(r.code).toBe(0);
    expect(K2_FILES.map((f) => mast.downloads(f))).toEqual(before.downloads);
    // The two failed stars are asked again (a failure is not cached); the three K2 stars are not.
    const asked = mast.log.slice(before.log).filter((e) => e.path === '/api/v0/invoke');
    expect(asked.length).toBeGreaterThan(0);
    expect(JSON.stringify(asked.map((e) => e.params))).not.toMatch(/ktwo|2114|2117/);
    const parsed = rows(readFileSync(out, 'utf8')).data;
    expect(parsed.filter((d) => d.status === 'ok')).toHaveLength(4);
    expect(parsed[0].detrend).toBe('none');
    expect(parsed[0].bls2_period).not.toBe('');
    expect(r.stderr).toMatch(/0 files downloaded \(0\.0 MB\), 3 from the cache/);
  });

  it('three shards merged give the single run byte for byte; merge refuses a missing or repeated part', async () => {
    const parts = [0, 1, 2].map((k) => path.join(dir, `part-${k}.csv`));
    const results = await Promise.all(
      parts.map((out, k) => runCli(['run', list, '--out', out, '--mast', mast.url, '--workers', '1', '--cache', cache, '--shard', `${k}/3`])),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const partRows = parts.map((p) => rows(readFileSync(p, 'utf8')));
    expect(partRows[0].meta.fields?.slice(0, 2)).toEqual(['shard', 'sample_row']);
    // Both rows of EPIC 211495446 are in one shard.
    const holding = partRows.filter((p) => p.data.some((d) => d.target === 'EPIC 211495446'));
    expect(holding).toHaveLength(1);
    expect(holding[0].data.filter((d) => d.target === 'EPIC 211495446')).toHaveLength(2);

    const merged = path.join(dir, 'merged.csv');
    const m = await runCli(['merge', merged, parts[2], parts[0], parts[1]]);
    expect(m.code).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(full);

    const missing = await runCli(['merge', path.join(dir, 'bad.csv'), parts[0], parts[2]]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/sample rows are missing \(rows .*\); no part holds shard 1\/3/);
    const twice = await runCli(['merge', path.join(dir, 'bad.csv'), parts[0], parts[1], parts[2], parts[1]]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/present twice/);
    expect(existsSync(path.join(dir, 'bad.csv'))).toBe(false);
  });

  it('stopped by SIGTERM, then killed with SIGKILL, the same command continues and downloads nothing that was finished', async () => {
    const names = Array.from({ length: 4 }, (_, i) => `tess2018206045859-s0001-${String(SYNTHETIC_TIC_BASE + 1 + i).padStart(16, '0')}-0120-s_lc.fits`);
    const synthetic = path.join(dir, 'synthetic.csv');
    writeFileSync(synthetic, `target\n${names.map((_, i) => `TIC ${SYNTHETIC_TIC_BASE + 1 + i}`).join('\n')}\n`);
    const out = path.join(dir, 'synthetic-features.csv');
    const checkpoint = `${out}.checkpoint`;
    const args = ['run', synthetic, '--out', out, '--mast', mast.url, '--workers', '1', '--downloads', '1'];
    const finishedKeys = () => (existsSync(checkpoint) ? readFileSync(checkpoint, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => JSON.parse(l).k as string) : []);
    /** Starts the run, waits until `count` targets are in the checkpoint, sends `signal`. */
    const interrupt = async (count: number, signal: NodeJS.Signals) => {
      const child = spawnCli(args);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
      const deadline = Date.now() + 120_000;
      while (finishedKeys().length < count && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
      child.kill(signal);
      return { ...(await ended), stderr };
    };

    // SIGTERM (a Slurm time limit, a shutdown): in-flight work is dropped, the CSV is written with pending rows.
    const term = await interrupt(1, 'SIGTERM');
    expect(term.code, term.stderr).toBe(143);
    expect(term.stderr).toContain('SIGTERM: stopping');
    const afterTerm = rows(readFileSync(out, 'utf8')).data.map((d) => d.status);
    expect(afterTerm.filter((x) => x === 'ok').length).toBe(finishedKeys().length);
    expect(afterTerm).toContain('pending');

    // SIGKILL: nothing runs after it; the checkpoint alone remembers.
    const killed = await interrupt(finishedKeys().length + 1, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const finished = finishedKeys();
    expect(finished.length, killed.stderr).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(4);
    expect(new Set(finished).size).toBe(finished.length);
    const finishedFiles = names.filter((_, i) => finished.includes(`TESS:${SYNTHETIC_TIC_BASE + 1 + i}`));
    const before = new Map(names.map((n) => [n, mast.downloads(n)]));
    // A kill in the middle of a write leaves a cut line behind: the rerun must drop it.
    appendFileSync(checkpoint, '{"m":"recordResult","k":"TESS:9000000004","t":1,"a":"/w9BAyIV');

    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('dropped its last line');
    expect(again.stderr).toContain(`continuing from ${checkpoint} (${finished.length} targets already finished)`);
    for (const n of finishedFiles) expect(mast.downloads(n), n).toBe(before.get(n));
    for (const n of names) expect(mast.downloads(n), n).toBeGreaterThanOrEqual(1);
    const result = rows(readFileSync(out, 'utf8')).data;
    expect(result.map((d) => d.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Every synthetic star serves the same light curve: results replayed from the checkpoint equal
    // those computed after the kill, column for column (but `files`, which names each star's own file).
    const features = (d: Record<string, string>) => FEATURE_COLUMNS.filter((c) => c !== 'files').map((c) => d[c]).join(',');
    expect(result.map((d) => d.files)).toEqual(names);
    expect(new Set(result.map(features)).size).toBe(1);
    expect(Number(result[0].bls_snr)).toBeGreaterThan(20);
  });

  it('draws a progress line on a terminal', async () => {
    const out = path.join(dir, 'tty.csv');
    const cmd = [process.execPath, builtCli(), 'run', list, '--out', out, '--mast', mast.url, '--workers', '1', '--cache', cache].map((a) => `'${a}'`).join(' ');
    // script(1) gives the CLI a pseudo-terminal and copies what it draws to stdout.
    const shown = await new Promise<string>((resolve, reject) =>
      execFile('script', ['-qfec', cmd, '/dev/null'], { maxBuffer: 1 << 24 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(shown).toContain('\r\x1b[2K0/5 targets · 0 failed');
    expect(shown).toMatch(/\r\x1b\[2K5\/5 targets · 2 failed · [\d.]+\/min/);
    expect(shown).toMatch(/ETA \d/);
    expect(shown).toContain('TIC 123: failed (target-not-found');
    expect(shown).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
  });

  it('exits non-zero only when the run cannot go on, saying why', async () => {
    const usage = await runCli(['run', list]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('run needs --out RESULTS.csv');
    const noList = await runCli(['run', path.join(dir, 'nope.csv'), '--out', path.join(dir, 'x.csv')]);
    expect(noList.code).toBe(1);
    expect(noList.stderr).toMatch(/^invalid-sample-file: cannot read the sample list .*nope\.csv/);
    const other = await runCli(['run', list, '--out', path.join(dir, 'full.csv'), '--mast', mast.url, '--oversample', '5']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/belongs to another run: oversample \(it was 10, now 5\)/);
    expect(readFileSync(path.join(dir, 'full.csv'), 'utf8')).toBe(full);
    // MAST unreachable from the first request: the run stops, nothing is marked failed.
    const refused = path.join(dir, 'refused.csv');
    const closed = await runCli(['run', list, '--out', refused, '--mast', 'http://127.0.0.1:9']);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/could not reach MAST \(127\.0\.0\.1:9\): .*Nothing was marked failed/);
    expect(rows(readFileSync(refused, 'utf8')).data.map((d) => d.status)).toEqual(['pending', 'pending', 'failed', 'pending', 'pending', 'pending', 'pending']);
  });

  it('runs the failed targets of the checkpoint again with --retry-failed', async () => {
    const out = path.join(dir, 'full.csv');
    const again = await runCli(['run', list, '--out', out, '--mast', mast.url, '--cache', cache, '--retry-failed', 'all']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('--retry-failed all: 2 failed targets will run again');
    expect(again.stderr).toMatch(/\] TIC 123: failed \(target-not-found/);
    const before = rows(full).data;
    const after = rows(readFileSync(out, 'utf8')).data;
    expect(after.map((d) => [d.target, d.status, d.error])).toEqual(before.map((d) => [d.target, d.status, d.error]));
    // The two stars tried again say so; the invalid row was never a target.
    expect(after.map((d) => d.attempts)).toEqual(['1', '1', '', '1', '2', '1', '2']);
  });
});
