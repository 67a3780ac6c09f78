/**
 * The same sample list through the app (headless Chromium, Download CSV) and through `cli run`
 * (the built file, in Node), both against the MAST stand-in with default settings: the same CSV,
 * column for column and row for row. The kernels are the same WASM, so the search agrees to the
 * bit; values that pass through the host's Math functions (the harmonic fit, the refined period)
 * may differ in the last bits between Chromium's and Node's V8, so numbers agree to 1e-9 relative
 * and everything else exactly. Timing columns (none today) are left aside.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FEATURE_COLUMNS } from '../../src/lib/search/result.ts';
import { useAppAndMast } from '../helpers/app-and-mast.ts';
import { downloadCsvRows, waitForFinished } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';

/** Columns that measure time, which no two runs share. */
const TIMING = /(_ms|_seconds|_at)$/;

const LIST = [
  'target,label,period,depth_ppm,duration_hours,status,note',
  'TIC 231663901,KP,1.4303699,18961,1.62,PC,"TOI-101, sector 1"',
  'EPIC 211495446,,,,,,quiet K2 star',
  'KIC 11442793x,,,,,,a typo',
  'TIC 55652896,PC,24.3,,,,TOI-216: no SPOC light curve',
  'TIC 231663901,KP,1.43,,,,the same star again',
  'EPIC 211719918,,,,,,"variable,',
  'with a line break"',
].join('\n');

describe('cli run and the app write the same CSV', () => {
  const env = useAppAndMast();

  it('same columns, same rows in the same order, same values', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-run-e2e-'));
    const list = path.join(dir, 'mixed-list.csv');
    writeFileSync(list, `${LIST}\n`);

    const out = path.join(dir, 'results.csv');
    const cli = runCli(['run', list, '--out', out, '--mast', env.mast.url]);

    const page = await env.browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${env.app.url}?mast=${encodeURIComponent(env.mast.url)}`);
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page, 180_000);
    const appRows = await downloadCsvRows(page);

    const done = await cli;
    expect(done.code, done.stderr).toBe(0);
    const cliCsv = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8'), { header: true, skipEmptyLines: true });
    const appColumns = Object.keys(appRows[0]);
    expect(cliCsv.meta.fields).toEqual(appColumns);
    expect(appColumns.slice(0, 9)).toEqual(['target', 'label', 'period', 'depth_ppm', 'duration_hours', 'input_status', 'note', 'status', 'error']);
    expect(appColumns.slice(-FEATURE_COLUMNS.length)).toEqual([...FEATURE_COLUMNS]);
    const cliRows = cliCsv.data;
    expect(cliRows.map((r) => [r.target, r.note, r.status])).toEqual(appRows.map((r) => [r.target, r.note, r.status]));
    expect(cliRows.map((r) => r.status)).toEqual(['ok', 'ok', 'failed', 'failed', 'ok', 'ok']);

    const differing: string[] = [];
    const compared = appColumns.filter((c) => !TIMING.test(c));
    for (const [i, appRow] of appRows.entries()) {
      for (const column of compared) {
        const a = appRow[column];
        const b = cliRows[i][column];
        const numeric = a !== '' && b !== '' && Number.isFinite(Number(a)) && Number.isFinite(Number(b));
        if (numeric ? Math.abs(Number(a) - Number(b)) > 1e-9 * Math.max(Math.abs(Number(b)), 1e-300) : a !== b) differing.push(`row ${i + 1} ${column}: ${a} vs ${b}`);
      }
    }
    expect(differing).toEqual([]);
    // The search's own outputs agree to the bit (the refined period and what follows from it pass
    // through the host's Math.exp, hence the 1e-9 above).
    for (const column of ['n_periods', 'bls_sde', 'n_transits', 'n_points', 'flux_std', 'kernel_version', 'error', 'attempts']) {
      expect(cliRows.map((r) => r[column]), column).toEqual(appRows.map((r) => r[column]));
    }
    // The comparison means something: real values, input columns renamed alike, failures with reasons.
    expect(Number(cliRows[0].bls_snr)).toBeGreaterThan(20);
    expect(cliRows[0].input_period).toBe('1.4303699');
    expect(cliRows[4].input_period).toBe('1.43');
    expect(cliRows[3].error).toMatch(/^no-light-curve: /);
    expect(errors).toEqual([]);
  });
});
