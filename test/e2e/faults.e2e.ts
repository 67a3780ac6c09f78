import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, serveApp, waitForFinished, downloadCsvRows } from '../helpers/browser.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

/**
 * A job in Chromium against the stand-in with faults on: real CORS (the Download host sends no CORS
 * headers, so the browser blocks it and the client falls back to the archive path on a host that
 * does), a 503 burst and EXECUTING answers from the Portal API, a 504 and a cut body from the files.
 * Two TESS stars end ok, an unknown one fails with its code, and the job finishes.
 */
describe('a job in the browser with MAST faults switched on', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: MockMast;
  let closed: MockMast;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-faults-'));
  const list = path.join(dir, 'faults.csv');

  beforeAll(async () => {
    app = await serveApp();
    mast = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
    closed = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: null });
    browser = await launchBrowser();
    writeFileSync(list, 'target\nTIC 25155310\nTIC 12345\nTIC 231663901\n');
  });

  afterAll(async () => {
    await browser?.close();
    await closed?.close();
    await mast?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries the transient faults, falls back past the blocked host, fails the unknown star, and finishes', async () => {
    mast.faults = {
      invokeErrors: { status: 503, count: 2 },
      executing: 1,
      downloadErrors: { status: 504, count: 1 },
      truncate: { count: 1, mode: 'dropped' },
    };
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const settings = {
      mast: { apiBase: mast.url, downloadBase: closed.url, archiveBase: mast.url, cloudBase: '', proxyPrefix: '' },
      workers: 2,
    };
    await page.addInitScript((value) => localStorage.setItem('transit-features:settings:v1', value), JSON.stringify(settings));
    await page.goto(app.url);
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('3 valid rows');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page, 50_000);

    const rows = await downloadCsvRows(page);
    expect(rows.map((r) => [r.target, r.status, r.error.split(':')[0]])).toEqual([
      ['TIC 25155310', 'ok', ''],
      ['TIC 12345', 'failed', 'target-not-found'],
      ['TIC 231663901', 'ok', ''],
    ]);

    // Every fault was met: the browser really was refused by the host without CORS headers (it
    // answered, but the files came from the archive path), and the bursts were used up.
    expect(closed.log.filter((e) => e.method === 'GET').length).toBe(2);
    const archive = mast.log.filter((e) => e.method === 'GET' && e.path.startsWith('/missions/tess/tid/s0001/'));
    expect(archive.filter((e) => e.status === 200 && e.bytes === 2_039_040)).toHaveLength(2);
    expect(archive.filter((e) => e.status === 504)).toHaveLength(1);
    expect(mast.log.filter((e) => e.status === 503)).toHaveLength(2);
    expect(mast.faults.truncate?.count).toBe(0);
    expect(errors).toEqual([]);
  });
});
