import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockMast } from '../mock-mast/server.ts';
import { launchBrowser, serveApp } from '../helpers/browser.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';

const SAMPLE_LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/sample-list.csv');

const progressText = async (page: Page) => (await page.getByTestId('progress').textContent()) ?? '';

describe('a second tab on a running job', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: Awaited<ReturnType<typeof startMockMast>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await serveApp();
    // Slow downloads keep the job running while the second tab opens.
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES, downloadLatencyMs: 3000 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await mast?.close();
    await app?.close();
  });

  it('only watches: it cannot resume the job and follows its progress to the end', async () => {
    const url = `${app.url}?mast=${encodeURIComponent(mast.url)}`;
    const runner = await browser.context.newPage();
    await runner.goto(url);
    await runner.getByLabel('Sample list', { exact: true }).setInputFiles(SAMPLE_LIST);
    await runner.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => progressText(runner)).toContain('Running');

    const watcher = await browser.context.newPage();
    await watcher.goto(url);
    await expect.poll(() => progressText(watcher), { timeout: 20_000 }).toContain('Running in another tab');
    expect(await watcher.getByRole('button', { name: 'Resume', exact: true }).isDisabled()).toBe(true);

    await expect.poll(() => progressText(runner), { timeout: 200_000, interval: 250 }).toContain('Finished');
    await expect.poll(() => progressText(watcher), { timeout: 20_000 }).toContain('Finished');
    const count = (text: string) => /(\d+) done · (\d+) failed · (\d+) remaining/.exec(text.replace(/\s+/g, ' '))?.slice(1);
    expect(count(await progressText(watcher))).toEqual(count(await progressText(runner)));
    // Every work unit was downloaded by the running tab alone.
    for (const entry of mast.log.filter((e) => e.uri)) expect(mast.downloads(entry.uri!.split('/').pop()!)).toBe(1);
  });
});
