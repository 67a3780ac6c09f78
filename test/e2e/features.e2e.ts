import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { buildResultsCsv } from '../../src/lib/export/csv.ts';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import { inputColumns } from '../../src/lib/search/input-columns.ts';
import { FEATURE_COLUMNS } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { useAppAndMast } from '../helpers/app-and-mast.ts';
import { downloadCsvRows, waitForFinished } from '../helpers/browser.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';
import { TOI101 } from '../helpers/known-planets.ts';

/** The catalogue rows added for TOI-101 (TOI table: P, Tmid, duration). */
const CANDIDATE_ROWS = [TOI101, { period: 2 * TOI101.period! }];

/** Two known planets and the quiet K2 star, with the files the MAST stand-in serves for each. */
const TARGETS: Array<[string, string]> = [
  ['TIC 231663901', 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits'],
  ['TIC 281459670', 'tess2018206045859-s0001-0000000281459670-0120-s_lc.fits'],
  ['EPIC 211495446', 'ktwo211495446-c05_llc.fits'],
];

describe('the same features from the app (browser, MAST stand-in) and from Node', () => {
  const env = useAppAndMast();

  it('writes the same feature columns for the same file and default settings (search bit-identical, the rest to 1e-9)', async () => {
    const list = path.join(mkdtempSync(path.join(tmpdir(), 'features-e2e-')), 'features-list.csv');
    // TOI-101.01 and a made-up second candidate of the same star (twice its period): one download, one
    // search, each row its own cat_* columns.
    writeFileSync(list, `target,period,epoch_bjd,duration_hours\n${TARGETS.map(([t]) => `${t},,,`).join('\n')}\n${CANDIDATE_ROWS.map((c) => `TIC 231663901,${c.period},${c.epochBjd ?? ''},${c.durationHours ?? ''}`).join('\n')}\n`);
    const page = await env.browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${env.app.url}?mast=${encodeURIComponent(env.mast.url)}`);
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('5 valid rows');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page, 120_000);
    const appRows = await downloadCsvRows(page);

    const engine = await createBlsEngine(await loadKernelBytes('release'));
    const candidates = CANDIDATE_ROWS.map((catalog, k) => ({ row: TARGETS.length + k, catalog }));
    const results = await Promise.all(
      TARGETS.map(([, name], i) => analyzeFiles([lightCurveFile(name)], DEFAULT_SEARCH_SETTINGS, engine, i === 0 ? { candidates } : {})),
    );
    // The rows as the app writes them: the star's features, then the row's own candidate.
    const nodeCsv = buildResultsCsv(
      ['target'],
      FEATURE_COLUMNS,
      [
        ...TARGETS.map(([target], i) => ({ values: [target], status: results[i].status, features: results[i].features })),
        ...candidates.map(({ row, catalog }) => ({
          values: ['TIC 231663901'],
          status: results[0].status,
          features: { ...results[0].features, ...results[0].candidates![row], ...inputColumns(catalog) },
        })),
      ],
    );
    const nodeRows = Papa.parse<Record<string, string>>(nodeCsv, { header: true, skipEmptyLines: true }).data;

    expect(appRows.map((r) => [r.target, r.status])).toEqual([...TARGETS.map(([t]) => [t, 'ok']), ['TIC 231663901', 'ok'], ['TIC 231663901', 'ok']]);
    // The kernels are the same WASM bytes, so the search agrees to the bit; the features use the
    // host's Math.sin/cos (the harmonic fits) and Math.exp (the transit times behind the refined
    // period), which may differ in the last bits between Chromium's and Node's V8, so numbers agree to
    // 1e-9 relative and everything else exactly.
    const differing: string[] = [];
    for (const [i, { target }] of appRows.entries()) {
      for (const column of FEATURE_COLUMNS) {
        const a = appRows[i][column];
        const b = nodeRows[i][column];
        const numeric = a !== '' && b !== '' && Number.isFinite(Number(a)) && Number.isFinite(Number(b));
        if (numeric ? Math.abs(Number(a) - Number(b)) > 1e-9 * Math.max(Math.abs(Number(b)), 1e-300) : a !== b) differing.push(`${target} ${column}: ${a} vs ${b}`);
      }
    }
    expect(differing).toEqual([]);
    // What comes from the search itself agrees to the bit: its grid, its peak's SDE, the data.
    for (const column of ['n_periods', 'bls_sde', 'n_transits', 'n_points', 'flux_std']) {
      expect(appRows.map((r) => r[column]), column).toEqual(nodeRows.map((r) => r[column]));
    }
    // The comparison means something: real values, not two empty rows.
    expect(Number(appRows[0].bls_snr)).toBeGreaterThan(20);
    expect(appRows[0].detrend).toBe('biweight');
    expect(Number(appRows[2].bls_snr)).toBeLessThan(20);
    // Rows of one star: the same blind search, each its own candidate (the rows without one have none).
    expect(appRows[3].bls_period).toBe(appRows[0].bls_period);
    expect(appRows[3].bls_matches_catalog).toBe('1');
    expect(appRows[4].bls_matches_catalog).toBe('1');
    expect(appRows[4].bls_catalog_ratio).toBe('0.5');
    expect(appRows[3].cat_depth).not.toBe(appRows[4].cat_depth);
    expect(appRows[0].cat_depth).toBe('');
    expect(errors).toEqual([]);
  });
});
