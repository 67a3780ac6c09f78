import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResultsCsv } from '../../src/lib/export/csv.ts';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import { FEATURE_COLUMNS } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { launchBrowser, serveApp, waitForFinished, downloadCsvRows } from '../helpers/browser.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { startMockMast } from '../mock-mast/server.ts';

/** Two known planets and the quiet K2 star, with the files the MAST stand-in serves for each. */
const TARGETS: Array<[string, string]> = [
  ['TIC 231663901', 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits'],
  ['TIC 281459670', 'tess2018206045859-s0001-0000000281459670-0120-s_lc.fits'],
  ['EPIC 211495446', 'ktwo211495446-c05_llc.fits'],
];

describe('the same features from the app (browser, MAST stand-in) and from Node', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: Awaited<ReturnType<typeof startMockMast>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await serveApp();
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await mast?.close();
    await app?.close();
  });

  it('writes the same feature columns for the same file and default settings (search bit-identical, the rest to 1e-9)', async () => {
    const list = path.join(mkdtempSync(path.join(tmpdir(), 'features-e2e-')), 'features-list.csv');
    writeFileSync(list, `target\n${TARGETS.map(([t]) => t).join('\n')}\n`);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${app.url}?mast=${encodeURIComponent(mast.url)}`);
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('3 valid rows');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page, 120_000);
    const appRows = await downloadCsvRows(page);

    const engine = await createBlsEngine(await loadKernelBytes('release'));
    const nodeCsv = buildResultsCsv(
      ['target'],
      FEATURE_COLUMNS,
      await Promise.all(
        TARGETS.map(async ([target, name]) => {
          const result = await analyzeFiles([lightCurveFile(name)], DEFAULT_SEARCH_SETTINGS, engine);
          return { values: [target], status: result.status, features: result.features };
        }),
      ),
    );
    const nodeRows = Papa.parse<Record<string, string>>(nodeCsv, { header: true, skipEmptyLines: true }).data;

    expect(appRows.map((r) => [r.target, r.status])).toEqual(TARGETS.map(([t]) => [t, 'ok']));
    // The kernels are the same WASM bytes, so the search agrees to the bit; the features use the
    // host's Math.sin/cos (the harmonic fit), which may differ in the last bits between Chromium's
    // and Node's V8, so numbers agree to 1e-9 relative and everything else exactly.
    const differing: string[] = [];
    for (const [i, [target]] of TARGETS.entries()) {
      for (const column of FEATURE_COLUMNS) {
        const a = appRows[i][column];
        const b = nodeRows[i][column];
        const numeric = a !== '' && b !== '' && Number.isFinite(Number(a)) && Number.isFinite(Number(b));
        if (numeric ? Math.abs(Number(a) - Number(b)) > 1e-9 * Math.max(Math.abs(Number(b)), 1e-300) : a !== b) differing.push(`${target} ${column}: ${a} vs ${b}`);
      }
    }
    expect(differing).toEqual([]);
    for (const column of ['bls_period', 'bls_t0', 'bls_depth', 'bls_snr', 'bls_power', 'n_points', 'flux_std']) {
      expect(appRows.map((r) => r[column]), column).toEqual(nodeRows.map((r) => r[column]));
    }
    // The comparison means something: real values, not two empty rows.
    expect(Number(appRows[0].bls_snr)).toBeGreaterThan(20);
    expect(appRows[0].detrend).toBe('biweight');
    expect(Number(appRows[2].bls_snr)).toBeLessThan(20);
    expect(errors).toEqual([]);
  });
});
