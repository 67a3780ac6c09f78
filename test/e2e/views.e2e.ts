import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { downloadCsvRows, launchBrowser, openSettings, serveApp, startJob, waitForFinished } from '../helpers/browser.ts';
import { LIGHTCURVES, REPO_ROOT, SAMPLES } from '../helpers/paths.ts';
import { startMockMast } from '../mock-mast/server.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';

const LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/views-list.csv');
const TOI = path.join(SAMPLES, 'toi.csv');
/**
 * The README's screenshots are taken on every run (a view that breaks fails here), but written into
 * `docs/` only when asked (`UPDATE_SCREENSHOTS=1`, as `scripts/screenshot.mts` does): a plain
 * `npm test` leaves the working tree as it found it.
 */
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const DOCS = UPDATE_SCREENSHOTS ? path.join(REPO_ROOT, 'docs') : mkdtempSync(path.join(os.tmpdir(), 'views-screenshots-'));

/** Long tasks (> 50 ms on the main thread) since the page loaded, recorded by the browser itself. */
async function recordLongTasks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }> };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // No Long Tasks API: nothing is recorded, and the test reports none.
    }
    // Every text the progress line shows, from the first render on.
    const p = window as unknown as { __progress: string[] };
    p.__progress = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="progress"]')?.textContent?.replace(/\s+/g, ' ').trim();
      if (t && p.__progress[p.__progress.length - 1] !== t) p.__progress.push(t);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

async function longTasks(page: Page, since = 0): Promise<number[]> {
  return page.evaluate((t) => (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks.filter((e) => e.start >= t).map((e) => Math.round(e.duration)), since);
}

/** Elements that stick out past the right edge of the screen (outside any scrolling box), for a readable failure. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const width = document.documentElement.clientWidth;
    const clipped = (el: Element | null): boolean => {
      for (let p = el?.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5 && !clipped(el)) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)} px): ${(el.textContent ?? '').slice(0, 40)}`);
    }
    return out.slice(0, 10);
  });
}

const now = (page: Page) => page.evaluate(() => performance.now());

/** Steps of a test with their start times, so that each long task can be put down to a step. */
class Steps {
  private readonly marks: Array<[string, number]> = [];
  constructor(private readonly page: Page) {}
  async mark(label: string): Promise<void> {
    this.marks.push([label, await now(this.page)]);
  }
  /** `step: 120 ms, 60 ms` for each step with long tasks. */
  async report(): Promise<string> {
    const tasks = await this.page.evaluate(() => (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks);
    const by = new Map<string, number[]>();
    for (const t of tasks) {
      const step = [...this.marks].reverse().find(([, at]) => at <= t.start)?.[0] ?? 'page load';
      by.set(step, [...(by.get(step) ?? []), Math.round(t.duration)]);
    }
    return [...by.entries()].map(([step, d]) => `${step}: ${d.sort((a, b) => b - a).join(', ')} ms`).join('; ') || 'none';
  }
}

async function range(page: Page, figure: string, axis: 'x' | 'y' = 'x'): Promise<[number, number]> {
  const fig = page.getByRole('group', { name: figure, exact: true });
  const min = Number(await fig.getAttribute(`data-${axis}-min`));
  const max = Number(await fig.getAttribute(`data-${axis}-max`));
  return [min, max];
}

describe('the views: table, target view, overview, and a 7,700-row list', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: Awaited<ReturnType<typeof startMockMast>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await serveApp();
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES });
    browser = await launchBrowser();
    await recordLongTasks(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await mast?.close();
    await app?.close();
    if (!UPDATE_SCREENSHOTS) rmSync(DOCS, { recursive: true, force: true });
  });

  it('runs a small job, opens targets from the table and the scatter, zooms, filters, and takes the README screenshots', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewportSize({ width: 1280, height: 720 });
    const url = `${app.url}?mast=${encodeURIComponent(mast.url)}`;
    await page.goto(url);
    const steps = new Steps(page);
    await steps.mark('Start to Finished');
    const beforeRun = await now(page);
    await startJob(page, LIST, { workers: 2 });
    await waitForFinished(page);
    // The run let its lock go: the jobs list says finished, not "running in another tab".
    const jobsList = page.getByRole('region', { name: 'Jobs' });
    await expect.poll(async () => (await jobsList.textContent()) ?? '', { timeout: 10_000 }).toContain('finished');
    expect(await jobsList.textContent()).not.toContain('running');
    const runTasks = await longTasks(page, beforeRun);
    console.info(`small job, Start to Finished: ${runTasks.length} long tasks, longest ${Math.max(0, ...runTasks)} ms`);
    await steps.mark('Download CSV');
    const rows = await downloadCsvRows(page);
    await steps.mark('table');
    const byTarget = new Map(rows.map((r) => [r.target, r]));
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'failed', 'failed']);

    // The table counts rows as the CSV does, and says how it counts stars.
    const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ');
    await expect.poll(() => text('row-counts')).toMatch(/6 rows of the list naming 5 stars: 4 ok · 2 failed \(1 invalid rows\) · 0 pending/);
    await page.screenshot({ path: path.join(DOCS, 'screenshot.png'), fullPage: true });

    // Open WASP-126 from the table with the keyboard: its own row name, label and catalogue period are there.
    const table = page.getByRole('table', { name: 'Targets' });
    await expect.poll(() => table.locator('tbody tr[data-pos]').count()).toBe(6);
    const first = table.locator('tbody tr[data-pos="0"]');
    // The row's own catalogue period (3.2887898) beside the found one, as the CSV has it (8 significant digits).
    const found = Number(Number(byTarget.get('TIC 25155310')!.bls_period).toPrecision(8)).toString();
    await expect.poll(() => first.textContent()).toContain(`TOI-114.01KPok3.2887898${found}`);
    await first.focus();
    await steps.mark('opening a target view');
    const beforeTarget = await now(page);
    await page.keyboard.press('Enter');
    const region = page.getByRole('region', { name: /^Target/ });
    await region.waitFor();
    await expect.poll(() => region.getAttribute('aria-label')).toBe('Target TOI-114.01 (TIC 25155310)');
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(/^#\/job\/job-[^/]+\/target\/TESS:25155310$/);

    // The caption gives the CSV's bls_period to at least five significant digits.
    const caption = (await page.getByRole('group', { name: 'BLS periodogram', exact: true }).locator('figcaption').textContent()) ?? '';
    const shown = /best period ([\d.]+) d/.exec(caption)?.[1];
    expect(shown, caption).toBeDefined();
    const csvPeriod = Number(byTarget.get('TIC 25155310')!.bls_period);
    expect(shown!.replace(/^0\.0*|\./g, '').length).toBeGreaterThanOrEqual(5);
    expect(Math.abs(Number(shown) / csvPeriod - 1)).toBeLessThan(5e-6);

    // The light curve is read (from the cache, which the run filled) and drawn.
    await expect.poll(() => page.getByTestId('lc-note').textContent(), { timeout: 60_000 }).toMatch(/^From the light-curve cache \(1 file\)\.$/);
    const lcFigure = page.getByRole('group', { name: 'Normalised flux', exact: true });
    await expect.poll(() => lcFigure.getAttribute('data-x-max')).not.toBeNull();
    const targetTasks = await longTasks(page, beforeTarget);
    console.info(`opening a target view (18,000-point light curve, 15 plots): ${targetTasks.length} long tasks, longest ${Math.max(0, ...targetTasks)} ms`);
    await page.screenshot({ path: path.join(DOCS, 'target-view.png') });

    await steps.mark('zooming');
    // Pointer: a drag pans the light curve, Shift-drag zooms to a range, the wheel zooms (once the plot is clicked).
    const width = async (figure: string) => ((r) => r[1] - r[0])(await range(page, figure));
    const [lo, hi] = await range(page, 'Normalised flux');
    const over = lcFigure.locator('.u-over');
    const box = (await over.boundingBox())!;
    const drag = async (from: number, to: number) => {
      await page.mouse.move(box.x + box.width * from, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * to, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
    };
    await drag(0.5, 0.3);
    await expect.poll(async () => (await range(page, 'Normalised flux'))[0]).toBeGreaterThan(lo + 0.15 * (hi - lo));
    expect(await width('Normalised flux')).toBeCloseTo(hi - lo, 6);
    await page.keyboard.down('Shift');
    await drag(0.3, 0.5);
    await page.keyboard.up('Shift');
    await expect.poll(() => width('Normalised flux')).toBeLessThan((hi - lo) * 0.4);
    const beforeWheel = await width('Normalised flux');
    await page.mouse.wheel(0, -300);
    await expect.poll(() => width('Normalised flux')).toBeLessThan(beforeWheel * 0.8);
    const [plo, phi] = await range(page, 'BLS periodogram');
    await page.getByRole('button', { name: 'BLS periodogram: zoom in' }).click();
    await expect.poll(async () => Math.log((await range(page, 'BLS periodogram'))[1] / (await range(page, 'BLS periodogram'))[0])).toBeLessThan(0.6 * Math.log(phi / plo));
    await page.getByRole('group', { name: 'BLS periodogram', exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(DOCS, 'target-periodogram.png') });

    // A plot saves as PNG; the prepared light curve as CSV.
    const png = page.waitForEvent('download');
    await page.getByRole('button', { name: 'BLS periodogram: save PNG' }).click();
    const pngFile = readFileSync((await (await png).path())!);
    expect([(await png).suggestedFilename(), pngFile.subarray(1, 4).toString()]).toEqual(['BLS_periodogram.png', 'PNG']);
    const lcCsv = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save light curve CSV' }).click();
    const lcLines = readFileSync((await (await lcCsv).path())!, 'utf8').trim().split('\n');
    expect(lcLines[0]).toBe('time,time_bjd,flux_normalised,flux_detrended');
    expect(lcLines.length - 1).toBeGreaterThanOrEqual(Number(byTarget.get('TIC 25155310')!.n_points));

    // Back returns to the job; filter the table to the failed rows.
    await steps.mark('back to the job, filters');
    await page.goBack();
    await table.waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await expect.poll(() => table.locator('tbody tr[data-pos]').count()).toBe(2);
    expect(await table.locator('tbody tr[data-pos]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual(['failed', 'failed']);
    expect(await table.textContent()).toMatch(/invalid-sample-row/);
    // The overview's error-code counts filter the same way.
    await page.getByRole('group', { name: 'Failed rows by error code' }).getByRole('button', { name: /^target-not-found 1$/ }).click();
    await expect.poll(() => table.locator('tbody tr[data-pos]').count()).toBe(1);
    expect(await table.locator('tbody tr[data-pos]').textContent()).toMatch(/not in MAST/);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Error code', { exact: true }).selectOption('');

    await steps.mark('scatter, opening a target from it');
    // Open a target from the scatter (bls_depth against bls_period, log axes): click where TOI-101.01 is drawn.
    const scatter = page.getByRole('group', { name: 'bls_depth against bls_period', exact: true });
    await scatter.scrollIntoViewIfNeeded();
    await expect.poll(() => scatter.getAttribute('data-y-max')).not.toBeNull();
    await page.screenshot({ path: path.join(DOCS, 'overview.png') });
    const [xmin, xmax] = await range(page, 'bls_depth against bls_period', 'x');
    const [ymin, ymax] = await range(page, 'bls_depth against bls_period', 'y');
    const toi101 = byTarget.get('TIC 231663901')!;
    const sbox = (await scatter.locator('.u-over').boundingBox())!;
    const fx = Math.log(Number(toi101.bls_period) / xmin) / Math.log(xmax / xmin);
    const fy = Math.log(Number(toi101.bls_depth) / ymin) / Math.log(ymax / ymin);
    await page.mouse.click(sbox.x + fx * sbox.width, sbox.y + (1 - fy) * sbox.height);
    await region.waitFor();
    await expect.poll(() => region.getAttribute('aria-label')).toBe('Target TOI-101.01 (TIC 231663901)');

    // A phone: the bookmarked target view opens by itself, and nothing is wider than the screen.
    const phone = await browser.context.newPage();
    phone.on('pageerror', (e) => errors.push(String(e)));
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(page.url());
    await phone.getByRole('region', { name: /^Target TOI-101\.01/ }).waitFor();
    await expect.poll(() => phone.getByTestId('lc-note').textContent(), { timeout: 60_000 }).toMatch(/light-curve cache/);
    await expect.poll(() => phone.getByRole('group', { name: 'Normalised flux', exact: true }).getAttribute('data-x-max')).not.toBeNull();
    await phone.screenshot({ path: path.join(DOCS, 'phone-target.png') });
    expect(await overflowing(phone)).toEqual([]);
    await phone.goto(url);
    await phone.getByRole('table', { name: 'Targets' }).waitFor();
    expect(await overflowing(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(DOCS, 'phone-home.png') });
    await openSettings(phone);
    await phone.getByText('Advanced', { exact: true }).click();
    expect(await overflowing(phone)).toEqual([]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.getByRole('heading', { name: 'Settings' }).scrollIntoViewIfNeeded();
    await phone.screenshot({ path: path.join(DOCS, 'phone-settings.png') });
    await phone.close();

    const tasks = await longTasks(page);
    console.info(`small job, whole run: ${tasks.length} long tasks, longest ${Math.max(0, ...tasks)} ms; by step: ${await steps.report()}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('makes a job of local FITS files without MAST, stitches one star\'s files, resumes after a reload and plots from the stored files', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const mastCalls: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (r.url().includes(':9/')) mastCalls.push(r.url());
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    // MAST unreachable: the local files must not need it.
    await page.goto(`${app.url}?mast=${encodeURIComponent('http://127.0.0.1:9')}`);
    await openSettings(page);
    await page.getByLabel('Workers', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();
    const names = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits', 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits', 'test-lc-tess-pimen-corrupted-at-header.fits'];
    await page.getByLabel('Light curve files', { exact: true }).setInputFiles(names.map((n) => path.join(LIGHTCURVES, n)));
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 60_000 }).toMatch(/Running/);
    // Closed mid-run: the files were stored with the job, so it resumes.
    await page.reload();
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 60_000 }).toMatch(/Paused|Finished/);
    const shown = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    expect(shown[0], shown.join(' | ')).toMatch(/^(Paused|Finished)/);
    if (/Paused/.test((await page.getByTestId('progress').textContent()) ?? '')) await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitForFinished(page);
    const rows = await downloadCsvRows(page);
    expect(rows.map((r) => [r.target, r.status])).toEqual([
      ['KIC 11442793', 'ok'],
      ['TIC 25155310', 'ok'],
      ['', 'failed'],
    ]);
    expect(rows[0].files).toBe(names.slice(0, 3).join(' '));
    expect(rows[0].n_files).toBe('3');
    expect(rows[0].quarters).toBe('3 4 5');
    expect(rows[1].files).toBe(names[3]);
    expect(rows[2].error).toMatch(/invalid-sample-row: .*test-lc-tess-pimen-corrupted-at-header\.fits/);

    await page.getByRole('table', { name: 'Targets' }).locator('tbody tr[data-pos="0"]').click();
    await page.getByRole('region', { name: /^Target KIC 11442793/ }).waitFor();
    await expect.poll(() => page.getByTestId('lc-note').textContent(), { timeout: 60_000 }).toMatch(/^From the job's own files \(3\)\.$/);

    // A FITS file dropped on the page makes a job of it too.
    await page.goBack();
    const bytes = readFileSync(path.join(LIGHTCURVES, names[3])).toString('base64');
    await page.evaluate(
      ([name, b64]) => {
        const data = new DataTransfer();
        data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [names[3], bytes] as const,
    );
    await expect.poll(() => page.getByRole('heading', { level: 2, name: /^Job:/ }).textContent()).toBe(`Job: ${names[3]}`);
    await expect.poll(async () => ((await page.getByTestId('progress').textContent()) ?? '').replace(/\s+/g, ' '), { timeout: 120_000 }).toMatch(/^Finished · 1 done · 0 failed · 0 remaining \(stars\)/);
    expect((await downloadCsvRows(page)).map((r) => [r.target, r.status, r.files])).toEqual([['TIC 25155310', 'ok', names[3]]]);
    expect(mastCalls).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws and answers the overview of 12,000 finished targets without a stall', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(app.url);
    await page.getByLabel('Sample list', { exact: true }).waitFor();
    // A finished job of 12,000 stars written straight into the app's database (seeded values).
    await page.evaluate(async (settings) => {
      const open = indexedDB.open('transit-features');
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      let seed = 12345;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const labels = ['PC', 'FP', 'KP', 'CP', 'APC'];
      const n = 12_000;
      const jobId = 'job-overview-12000';
      const now = Date.now();
      const tx = db.transaction(['jobs', 'samples', 'targets'], 'readwrite');
      tx.objectStore('jobs').put({ id: jobId, createdAt: now + 1e7, fileName: 'twelve-thousand.csv', format: 'ours', columns: ['target', 'label'], nSamples: n, nInvalid: 0, nTargets: n, done: n, failed: 0, settings, finishedAt: now });
      for (let i = 0; i < n; i++) {
        const key = `TESS:${1000 + i}`;
        const period = 0.5 * Math.exp(rand() * 4.5);
        tx.objectStore('samples').put({ jobId, index: i, line: i + 2, values: [`TIC ${1000 + i}`, labels[i % 5]], targetKey: key });
        tx.objectStore('targets').put({
          jobId, key, order: i, target: { mission: 'TESS', id: 1000 + i }, status: 'ok', finishedAt: now - (n - i) * 500,
          result: { status: 'ok', features: { bls_period: period, bls_depth: 1e-4 * Math.exp(rand() * 6), bls_snr: 5 + 200 * rand() ** 3, bls_duration: 0.05 + 0.2 * rand(), n_points: 18000 } },
        });
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }, DEFAULT_SEARCH_SETTINGS);
    await page.reload();
    const t0 = await now(page);
    const scatter = page.getByRole('group', { name: 'bls_depth against bls_period', exact: true });
    await expect.poll(() => scatter.locator('figcaption').textContent(), { timeout: 60_000 }).toMatch(/^12,000 rows/);
    await expect.poll(() => scatter.getAttribute('data-y-max')).not.toBeNull();
    const drawTasks = await longTasks(page, t0);
    // Another feature on x, then log axes off: each redraws 12,000 points.
    const t1 = await now(page);
    await page.getByLabel('Scatter: x', { exact: true }).selectOption('bls_snr');
    await expect.poll(() => page.getByRole('group', { name: 'bls_depth against bls_snr', exact: true }).getAttribute('data-x-max')).not.toBeNull();
    await page.getByLabel('log y', { exact: true }).uncheck();
    const answerTasks = await longTasks(page, t1);
    console.info(`overview of 12,000 targets: opening ${drawTasks.length} long tasks (longest ${Math.max(0, ...drawTasks)} ms); changing a feature and an axis ${answerTasks.length} (longest ${Math.max(0, ...answerTasks)} ms)`);
    // Clicking a point opens its target.
    const sc = page.getByRole('group', { name: 'bls_depth against bls_snr', exact: true });
    const box = (await sc.locator('.u-over').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.1, box.y + box.height * 0.5);
    await page.getByRole('region', { name: /^Target TIC \d+/ }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows every row of the 7,703-row TOI export: the table scrolls to the last row with few rows in the DOM', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${app.url}?mast=${encodeURIComponent(mast.url)}`);
    const steps = new Steps(page);
    await steps.mark('reading the list');
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(TOI);
    await expect.poll(() => page.getByTestId('sample-summary').textContent(), { timeout: 60_000 }).toMatch(/valid rows/);
    await steps.mark('Start');
    const beforeStart = await now(page);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 60_000 }).toMatch(/Running/);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 60_000 }).toMatch(/Paused/);
    const startTasks = await longTasks(page, beforeStart);
    await steps.mark('table, scrolling and keyboard');

    const table = page.getByRole('table', { name: 'Targets' });
    await expect.poll(() => page.getByTestId('row-counts').textContent(), { timeout: 60_000 }).toMatch(/^7,703 rows of the list/);
    // Rows follow the stars within the table's refresh: at least as many rows finished as stars.
    const finished = async () => {
      const p = ((await page.getByTestId('progress').textContent()) ?? '').replace(/\s+/g, ' ');
      const r = ((await page.getByTestId('row-counts').textContent()) ?? '').replace(/\s+/g, ' ').replace(/,/g, '');
      const n = (re: RegExp, t: string) => Number(re.exec(t)?.[1] ?? NaN);
      return n(/(\d+) ok/, r) + n(/(\d+) failed/, r) - (n(/(\d+) done/, p) + n(/(\d+) failed/, p));
    };
    await expect.poll(finished, { timeout: 10_000 }).toBeGreaterThanOrEqual(0);
    console.info(`TOI export, paused: ${(await page.getByTestId('progress').textContent())?.replace(/\s+/g, ' ')} | ${(await page.getByTestId('row-counts').textContent())?.replace(/\s+/g, ' ')}`);
    const scroller = table.locator('xpath=..');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = table.locator('tbody tr[aria-rowindex="7704"]');
    await last.waitFor();
    expect(await last.textContent()).toMatch(/TOI-/);
    const inDom = await table.locator('tbody tr[data-pos]').count();
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(60);
    // Keyboard: Home goes back to the first row.
    await last.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('2');

    await steps.mark('Download CSV');
    const beforeCsv = await now(page);
    const csv = await downloadCsvRows(page);
    expect(csv.length).toBe(7703);
    const csvTasks = await longTasks(page, beforeCsv);
    const all = await longTasks(page);
    console.info(
      `TOI export: Start ${startTasks.length} long tasks (longest ${Math.max(0, ...startTasks)} ms); ` +
        `Download CSV ${csvTasks.length} (longest ${Math.max(0, ...csvTasks)} ms); whole page ${all.length} (longest ${Math.max(0, ...all)} ms: ${all.sort((a, b) => b - a).slice(0, 5).join(', ')})`,
    );
    console.info(`TOI export, long tasks by step: ${await steps.report()}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
