import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockMast } from '../mock-mast/server.ts';
import { launchBrowser, openSettings, serveApp } from '../helpers/browser.ts';
import { storedTargets } from '../helpers/stored-targets.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';

const SAMPLE_LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/sample-list.csv');

/** The files MAST serves for each work unit (real names, as the stand-in publishes them). */
const FILES: Record<string, string[]> = {
  'TESS:25155310': ['tess2018206045859-s0001-0000000025155310-0120-s_lc.fits'],
  'TESS:38846515': ['tess2018206045859-s0001-0000000038846515-0120-s_lc.fits'],
  'TESS:231663901': ['tess2018206045859-s0001-0000000231663901-0120-s_lc.fits'],
  'TESS:281459670': ['tess2018206045859-s0001-0000000281459670-0120-s_lc.fits'],
  'Kepler:11442793': [
    'kplr011442793-2009350155506_llc.fits',
    'kplr011442793-2010009091648_llc.fits',
    'kplr011442793-2010174085026_llc.fits',
  ],
  'K2:211495446': ['ktwo211495446-c05_llc.fits'],
  'K2:211436265': ['ktwo211436265-c05_llc.fits'],
  'K2:211719918': ['ktwo211719918-c05_llc.fits'],
};

/** Catalogue periods (TOI table, fixtures README) of the planets whose transits are in the files. */
const KNOWN_PERIODS: Record<string, number> = {
  'TIC 25155310': 3.2887898,
  'TIC 38846515': 2.8493825,
  'TIC 231663901': 1.4303699,
  'TIC 281459670': 3.1743504,
};


async function progress(page: Page): Promise<{ done: number; failed: number; remaining: number; text: string }> {
  const text = (await page.getByTestId('progress').textContent()) ?? '';
  const grab = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? NaN);
  return { done: grab('done'), failed: grab('failed'), remaining: grab('remaining'), text };
}

describe('a job in the browser: upload, start, close mid-run, resume, download', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: Awaited<ReturnType<typeof startMockMast>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await serveApp();
    // Slow downloads keep several targets in flight when the page closes.
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES, downloadLatencyMs: 1500 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await mast?.close();
    await app?.close();
  });

  it('finishes every target once and finds the known planets', async () => {
    const url = `${app.url}?mast=${encodeURIComponent(mast.url)}`;
    const errors: string[] = [];
    let page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);

    // One worker, set as a user would, keeps several targets waiting when the page closes.
    await openSettings(page);
    await page.getByLabel('Workers', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();

    await page.getByLabel('Sample list', { exact: true }).setInputFiles(SAMPLE_LIST);
    const summary = page.getByTestId('sample-summary');
    await expect.poll(() => summary.textContent()).toContain('10 valid rows');
    expect(await summary.textContent()).toContain('1 invalid rows');
    const invalid = page.getByRole('table', { name: 'Invalid rows' });
    expect(await invalid.textContent()).toMatch(/9.*KIC 11442793x/);

    await page.getByRole('button', { name: 'Start', exact: true }).click();

    // Pause stops handing out work: once the targets in flight are stored, nothing moves.
    await expect.poll(async () => {
      const p = await progress(page);
      return p.done + p.failed;
    }, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(async () => (await progress(page)).text, { timeout: 120_000, interval: 100 }).toMatch(/Paused/);
    const paused = await progress(page);
    expect(paused.remaining).toBeGreaterThan(0);
    await page.waitForTimeout(2500);
    expect((await progress(page)).done + (await progress(page)).failed).toBe(paused.done + paused.failed);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();

    await expect.poll(async () => {
      const p = await progress(page);
      return p.done + p.failed;
    }, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(paused.done + paused.failed + 1);

    const snapshot = await storedTargets(page);
    await page.close();

    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    const resume = page.getByRole('button', { name: 'Resume', exact: true });
    await expect.poll(() => resume.isEnabled(), { timeout: 20_000 }).toBe(true);
    // What storage holds on reopening is what finished before the close (a target may have finished
    // between the snapshot and the close); nothing seen finished in the snapshot may be lost or redone.
    const beforeClose = await storedTargets(page);
    const finishedBeforeClose = beforeClose.filter((t) => t.status !== 'pending');
    for (const t of snapshot.filter((s) => s.status !== 'pending')) {
      expect(finishedBeforeClose.find((f) => f.key === t.key)?.finishedAt, t.key).toBe(t.finishedAt);
    }
    // The test means something only if the page closed with work left to do.
    expect(finishedBeforeClose.length).toBeGreaterThanOrEqual(2);
    expect(beforeClose.length - finishedBeforeClose.length).toBeGreaterThan(0);
    const reopened = await progress(page);
    expect(reopened.done + reopened.failed).toBe(finishedBeforeClose.length);
    await resume.click();
    await expect.poll(async () => (await progress(page)).remaining, { timeout: 200_000, interval: 250 }).toBe(0);
    await expect.poll(async () => (await progress(page)).text, { timeout: 20_000 }).toContain('Finished');

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV', exact: true }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe('sample-list-features.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;

    const input = Papa.parse<Record<string, string>>(readFileSync(SAMPLE_LIST, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => r.target)).toEqual(input.map((r) => r.target));
    expect(rows.map((r) => r.note)).toEqual(input.map((r) => r.note));

    for (const [target, period] of Object.entries(KNOWN_PERIODS)) {
      const row = rows.find((r) => r.target === target)!;
      expect(row.status, `${target}: ${row.error}`).toBe('ok');
      expect(Math.abs(Number(row.bls_period) / period - 1), `${target} period ${row.bls_period}`).toBeLessThan(0.01);
      expect(Number(row.bls_snr)).toBeGreaterThan(10);
    }
    // The catalogue values reach the input_* columns in the seed's units (days, fraction).
    const wasp126 = rows.find((r) => r.target === 'TIC 25155310')!;
    expect(Number(wasp126.input_period)).toBe(3.2887898);
    expect(Number(wasp126.input_depth)).toBeCloseTo(0.007006, 9);
    expect(Number(wasp126.input_duration)).toBeCloseTo(3.44 / 24, 9);
    expect(wasp126.input_epoch).toBe('');
    const unknown = rows.find((r) => r.target === 'TIC 999999999')!;
    expect(unknown.status).toBe('failed');
    expect(unknown.error).toMatch(/^target-not-found: .*TIC 999999999/);
    expect(unknown.bls_period).toBe('');
    const hlspOnly = rows.find((r) => r.target === 'TIC 55652896')!;
    expect(hlspOnly.status).toBe('failed');
    expect(hlspOnly.error).toMatch(/^no-light-curve: /);
    const typo = rows.find((r) => r.target === 'KIC 11442793x')!;
    expect(typo.status).toBe('failed');
    expect(typo.error).toMatch(/^invalid-sample-row: line 9: .*KIC 11442793x/);
    for (const target of ['KIC 11442793', 'EPIC 211495446', 'EPIC 211436265', 'EPIC 211719918']) {
      const row = rows.find((r) => r.target === target)!;
      expect(row.status, `${target}: ${row.error}`).toBe('ok');
      expect(Number(row.n_points)).toBeGreaterThan(1000);
    }

    // Nothing finished before the close was downloaded or computed again.
    const after = await storedTargets(page);
    for (const t of finishedBeforeClose) {
      expect(after.find((a) => a.key === t.key)?.finishedAt, t.key).toBe(t.finishedAt);
      for (const file of FILES[t.key] ?? []) expect(mast.downloads(file), file).toBe(1);
    }
    for (const files of Object.values(FILES)) for (const file of files) expect(mast.downloads(file), file).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
  });
});
