import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCsvRows, launchBrowser, openSettings, serveApp, startJob, waitForFinished } from '../helpers/browser.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

const progressText = async (page: Page) => ((await page.getByTestId('progress').textContent()) ?? '').replace(/\s+/g, ' ');

/**
 * In Chromium: a job whose very first requests are refused (a MAST host that sends no CORS headers,
 * which a browser cannot tell from a host that is down) pauses with every target pending and says
 * both possibilities and what to do; pointed at a host that answers, Try again finishes it. Then
 * Retry failed, with its choice, runs the failed target again and the CSV counts the attempts.
 */
describe('a refused first request, then Retry failed', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: MockMast;
  let closed: MockMast;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-outage-'));
  const list = path.join(dir, 'outage.csv');

  beforeAll(async () => {
    app = await serveApp();
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES });
    closed = await startMockMast({ lightcurveDir: LIGHTCURVES, corsOrigin: null });
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

  it('explains instead of failing or waiting, goes on when MAST answers, and retries the failed target on request', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const settings = { mast: { apiBase: closed.url, downloadBase: closed.url, archiveBase: closed.url, cloudBase: '', proxyPrefix: '' }, workers: 2 };
    await page.addInitScript((value) => localStorage.setItem('transit-features:settings:v1', value), JSON.stringify(settings));
    await page.goto(app.url);
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    const banner = page.getByTestId('outage-banner');
    await expect.poll(async () => (await banner.isVisible()) && (await banner.textContent()), { timeout: 60_000 }).toContain(`Could not reach MAST (${new URL(closed.url).host})`);
    const text = (await banner.textContent())!.replace(/\s+/g, ' ');
    expect(text).toMatch(/Either MAST or your network is down, or MAST refuses requests from this page/);
    expect(text).toMatch(/npm start/);
    expect(text).toMatch(/proxy prefix in Settings › MAST/);
    await expect.poll(() => progressText(page), { timeout: 20_000 }).toMatch(/Paused · 0 done · 0 failed · 3 remaining/);
    // The host was asked, and refused: the browser had an answer it would not show.
    expect(closed.log.filter((e) => e.method === 'POST').length).toBeGreaterThan(0);

    // Point Settings at a host that answers, then Try again.
    await openSettings(page);
    await page.getByText('Advanced', { exact: true }).click(); // the MAST hosts are under Advanced (issue 14)
    for (const label of ['MAST API base URL', 'Download base URL', 'Archive base URL']) await page.getByLabel(label, { exact: true }).fill(mast.url);
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();
    await banner.getByRole('button', { name: 'Try again', exact: true }).click();
    await waitForFinished(page, 120_000);
    expect(await banner.isVisible()).toBe(false);
    expect(await progressText(page)).toMatch(/2 done · 1 failed · 0 remaining/);

    // Retry failed: the unknown star's code is not transient, so only "All" runs it again.
    await page.getByRole('button', { name: 'Retry failed', exact: true }).click();
    const transient = page.getByLabel(/Only transient failures \(0/);
    const all = page.getByLabel(/All failed targets \(1\)/);
    await transient.check();
    expect(await page.getByRole('button', { name: 'Retry', exact: true }).isDisabled()).toBe(true);
    await all.check();
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await expect.poll(() => mast.log.filter((e) => JSON.stringify(e.params ?? '').includes('12345')).length, { timeout: 60_000 }).toBeGreaterThan(1);
    await waitForFinished(page, 120_000);

    const rows = await downloadCsvRows(page);
    expect(rows.map((r) => [r.target, r.status, r.error.split(':')[0], r.attempts])).toEqual([
      ['TIC 25155310', 'ok', '', '1'],
      ['TIC 12345', 'failed', 'target-not-found', '2'],
      ['TIC 231663901', 'ok', '', '1'],
    ]);
    expect(errors).toEqual([]);
  });

  it('pauses a long TLS search at once instead of waiting for it, and runs it again on Resume', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(app.url);
    // One K2 target whose TLS grid takes seconds; one worker, so that nothing else is in flight.
    await startJob(page, path.join(REPO_ROOT, 'test/fixtures/e2e/tls-split-list.csv'), { workers: 1, runTls: true });
    await expect.poll(() => progressText(page), { timeout: 30_000 }).toMatch(/Running/);
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => progressText(page), { timeout: 30_000 }).toMatch(/Paused/);
    // Paused before its search could end: nothing was stored, the target is pending.
    expect(await progressText(page)).toMatch(/0 done · 0 failed · 1 remaining/);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitForFinished(page, 200_000);
    const rows = await downloadCsvRows(page);
    expect(rows.map((r) => [r.status, r.attempts, r.tls_error])).toEqual([['ok', '1', '']]);
    expect(Number(rows[0].tls_sde)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
