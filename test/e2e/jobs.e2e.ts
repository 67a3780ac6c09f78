import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockMast } from '../mock-mast/server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveApp, startJob } from '../helpers/browser.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';

const SAMPLE_LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/sample-list.csv');

/** Makes every write of a target record fail as a full quota does, while `window.__quotaFull` is set. */
const QUOTA_SWITCH = () => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if ((globalThis as { __quotaFull?: boolean }).__quotaFull && this.name === 'targets') {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return put.apply(this, args);
  };
};

async function progress(page: Page) {
  const text = ((await page.getByTestId('progress').textContent()) ?? '').replace(/\s+/g, ' ');
  const grab = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? NaN);
  return { done: grab('done'), failed: grab('failed'), remaining: grab('remaining'), text };
}

const waitFor = (page: Page, word: string, timeout = 120_000) =>
  expect.poll(async () => (await progress(page)).text, { timeout, interval: 200 }).toContain(word);

/** Presses a button that saves a file and returns the file's bytes and name. */
async function save(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer; path: string }> {
  const download = page.waitForEvent('download');
  await click();
  const d = await download;
  const file = (await d.path())!;
  return { name: d.suggestedFilename(), bytes: readFileSync(file), path: file };
}

const downloadCsv = (page: Page) => save(page, () => page.getByRole('button', { name: 'Download CSV', exact: true }).click());
const rowsOf = (csv: Buffer) => Papa.parse<Record<string, string>>(csv.toString('utf8'), { header: true, skipEmptyLines: true }).data;
/** A locator's text with its whitespace collapsed, as a reader sees it. */
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');
const jobRow = (page: Page, name: string) => page.getByRole('table', { name: 'Jobs' }).locator('tr[data-job]').filter({ has: page.getByRole('button', { name: `Open ${name}`, exact: true }) });

describe('jobs: the list, export and import, storage, upgrades', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: Awaited<ReturnType<typeof startMockMast>>;
  let browser: Browser;
  /** Two browser profiles of one Chromium: "this browser" and "another browser". */
  let here: BrowserContext;
  let there: BrowserContext;
  let url: string;
  const errors: string[] = [];
  let exported: { name: string; bytes: Buffer; path: string };
  let csvAtExport: Buffer;

  beforeAll(async () => {
    app = await serveApp();
    // Slow enough downloads that a Pause leaves targets pending.
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES, downloadLatencyMs: 300 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    here = await browser.newContext({ acceptDownloads: true });
    there = await browser.newContext({ acceptDownloads: true });
    await here.addInitScript(QUOTA_SWITCH);
    url = `${app.url}?mast=${encodeURIComponent(mast.url)}`;
  });

  afterAll(async () => {
    await browser?.close();
    await mast?.close();
    await app?.close();
  });

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    return page;
  }

  it('lists every job; renames one, duplicates it with other settings (reusing the cached light curves), refuses and then empties a full quota, deletes after a confirmation', async () => {
    const page = await open(here);
    await expect.poll(() => text(page.getByTestId('persistence'))).toMatch(/Persistent storage: (granted|not granted|unknown)/);
    await expect.poll(() => text(page.getByTestId('storage-estimate'))).toMatch(/Used .* of .* this browser allows this site \(.* available\)/);

    // A job paused half-way.
    await startJob(page, SAMPLE_LIST, { workers: 1 });
    await expect.poll(async () => (await progress(page)).done, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitFor(page, 'Paused');
    const paused = await progress(page);
    expect(paused.remaining).toBeGreaterThan(0);

    const first = jobRow(page, 'sample-list.csv');
    await expect.poll(() => text(first)).toContain(`${paused.done} / ${paused.failed} / ${paused.remaining}`);
    expect(await text(first)).toMatch(/BLS optimal grid · biweight 0\.99 d/);
    expect(await text(first)).toMatch(/\d+(\.\d)? kB/);

    // Saved for the other browser (next test) as it stands.
    csvAtExport = (await downloadCsv(page)).bytes;
    exported = await save(page, () => first.getByRole('button', { name: 'Export job', exact: true }).click());
    expect(exported.name).toBe('sample-list.job.ndjson.gz');
    expect([exported.bytes[0], exported.bytes[1]]).toEqual([0x1f, 0x8b]);

    await first.getByRole('button', { name: 'Rename', exact: true }).click();
    await first.getByLabel('Job name', { exact: true }).fill('First run');
    await first.getByRole('button', { name: 'Save name', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: 'Job: First run' }).count()).toBe(1);
    const renamed = jobRow(page, 'First run');

    // Other search settings, then a duplicate: every target pending, shown, not started.
    // (startJob left Settings open.)
    await page.getByText('Advanced', { exact: true }).click(); // the search's details are under Advanced (issue 14)
    await page.getByLabel('Objective', { exact: true }).selectOption('snr');
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();
    await renamed.getByRole('button', { name: 'Duplicate', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: 'Job: First run (copy)' }).count()).toBe(1);
    const copy = jobRow(page, 'First run (copy)');
    expect(await text(copy)).toMatch(/0 \/ 0 \/ 10/);
    expect(await text(copy)).toMatch(/BLS optimal grid, snr/);
    expect(await text(copy)).toContain('copy of First run');
    await waitFor(page, 'Not started');

    // A full quota pauses the run, and the page offers to empty the cache.
    await page.evaluate(() => ((globalThis as { __quotaFull?: boolean }).__quotaFull = true));
    const downloadsBefore = mast.log.filter((e) => e.uri).length;
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitFor(page, 'Paused');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'storage quota is full' }).count()).toBeGreaterThan(0);
    const storage = page.getByRole('region', { name: 'Storage' });
    const empty = storage.getByRole('button', { name: /^Empty the light-curve cache/ });
    expect(await text(empty)).toMatch(/\(\d+(\.\d)? MB\)/);
    await page.evaluate(() => ((globalThis as { __quotaFull?: boolean }).__quotaFull = false));

    // Resumed with the cache intact, the copy downloads nothing that the first run already fetched.
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitFor(page, 'Finished', 200_000);
    // The finished run let its lock go: the list says so at once, and Delete is offered.
    await expect.poll(() => text(copy), { timeout: 5_000 }).toContain('finished');
    expect(await text(copy)).not.toContain('running');
    expect(await copy.getByRole('button', { name: 'Delete', exact: true }).isEnabled()).toBe(true);
    const fetchedByFirst = new Set(mast.log.slice(0, downloadsBefore).filter((e) => e.uri).map((e) => e.uri));
    expect(fetchedByFirst.size).toBeGreaterThan(0);
    for (const entry of mast.log.slice(downloadsBefore).filter((e) => e.uri)) expect(fetchedByFirst.has(entry.uri), entry.uri).toBe(false);
    for (const uri of fetchedByFirst) expect(mast.downloads(uri!.split('/').pop()!), uri).toBe(1);
    expect((await progress(page)).done + (await progress(page)).failed).toBe(10);

    await empty.click();
    await expect.poll(() => text(page.getByTestId('storage-estimate'))).toContain('Light-curve cache: 0 B');

    // Delete asks first; "Keep it" keeps it.
    await copy.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm delete' });
    expect(await text(confirm)).toMatch(/Delete First run \(copy\) with its 11 input rows and 10 results/);
    await confirm.getByRole('button', { name: 'Keep it', exact: true }).click();
    expect(await copy.count()).toBe(1);
    await copy.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('alertdialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete for good', exact: true }).click();
    await expect.poll(() => copy.count()).toBe(0);
    expect(await renamed.count()).toBe(1);
    // The first job is still whole: open it, its CSV is what it was.
    await renamed.getByRole('button', { name: 'Open First run', exact: true }).click();
    await waitFor(page, 'Paused');
    expect((await downloadCsv(page)).bytes.equals(csvAtExport)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('moves the paused job to another browser: the CSV after import is byte-identical, and the job continues there; a bad file is refused', async () => {
    const page = await open(there);
    await page.getByLabel('Import job', { exact: true }).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('target\nTIC 1\n') });
    await expect.poll(() => page.getByRole('region', { name: 'Jobs' }).getByRole('alert').textContent()).toMatch(/notes\.txt cannot be imported: it is not a job export of this app/);

    await page.getByLabel('Import job', { exact: true }).setInputFiles(exported.path);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Imported sample-list\.csv: \d+ done, \d+ failed, \d+ remaining/);
    await waitFor(page, 'Paused');
    const imported = await downloadCsv(page);
    expect(imported.name).toBe('sample-list-features.csv');
    expect(imported.bytes.equals(csvAtExport)).toBe(true);

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitFor(page, 'Finished', 200_000);
    const before = rowsOf(csvAtExport);
    const after = rowsOf((await downloadCsv(page)).bytes);
    expect(after.map((r) => r.target)).toEqual(before.map((r) => r.target));
    for (const [i, row] of before.entries()) {
      if (row.status === 'pending') expect(after[i].status, row.target).not.toBe('pending');
      else expect(after[i], row.target).toEqual(row);
    }
    expect(after.filter((r) => r.status === 'ok').length).toBe(8);
    expect(errors).toEqual([]);
  });

  it('says "This page was updated in another tab — reload" when a newer page upgrades the database', async () => {
    const page = await open(there);
    await waitFor(page, 'Finished');
    const newer = await there.newPage();
    // A page of the same origin standing in for a newer app (the real one would open its own version first).
    await newer.route(`${app.url}newer.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<p>a newer page</p>' }));
    await newer.goto(`${app.url}newer.html`);
    const version = await newer.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const probe = indexedDB.open('transit-features');
          probe.onsuccess = () => {
            const next = probe.result.version + 1;
            probe.result.close();
            const open = indexedDB.open('transit-features', next);
            open.onupgradeneeded = () => open.result.createObjectStore('files', { keyPath: 'id' });
            open.onsuccess = () => {
              open.result.close();
              resolve(next);
            };
            open.onerror = () => reject(open.error);
            open.onblocked = () => reject(new Error('blocked: the older tab did not let go'));
          };
        }),
    );
    expect(version).toBeGreaterThan(2);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('This page was updated in another tab — reload');
    expect(errors).toEqual([]);
  });

  it('waits for a tab of an older page to let go of the stored jobs, and a Start pressed meanwhile goes ahead once it has', async () => {
    const context = await browser.newContext();
    try {
      // An older page (schema 1) that does not let go when asked, as no page of ours does.
      const older = await context.newPage();
      await older.route(`${app.url}older.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<p>an older page</p>' }));
      await older.goto(`${app.url}older.html`);
      await older.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open('transit-features', 1);
            open.onupgradeneeded = () => {
              const db = open.result;
              db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
              db.createObjectStore('samples', { keyPath: ['jobId', 'index'] });
              db.createObjectStore('targets', { keyPath: ['jobId', 'key'] }).createIndex('by-job-order', ['jobId', 'order']);
            };
            open.onsuccess = () => {
              (globalThis as { olderDb?: IDBDatabase }).olderDb = open.result;
              resolve();
            };
            open.onerror = () => reject(open.error);
          }),
      );
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(app.url);
      await expect.poll(() => text(page.getByRole('alert').first())).toContain('Waiting for another tab of this page to let go of the stored jobs');
      await page.getByRole('button', { name: 'Try the demo', exact: true }).click();
      await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('4 valid rows');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await older.evaluate(() => (globalThis as { olderDb?: IDBDatabase }).olderDb!.close());
      await waitFor(page, 'Finished');
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await text(page.getByRole('table', { name: 'Jobs' }))).toContain('demo-sample-list.csv');
    } finally {
      await context.close();
    }
    expect(errors).toEqual([]);
  });
});
