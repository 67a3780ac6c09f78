import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockMast } from '../mock-mast/server.ts';
import { launchBrowser, serveApp } from '../helpers/browser.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';
import { storedTargets } from '../helpers/stored-targets.ts';

const SAMPLE_LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/sample-list.csv');

const progressText = async (page: Page) => ((await page.getByTestId('progress').textContent()) ?? '').replace(/\s+/g, ' ');
const counts = (text: string) => /(\d+) done · (\d+) failed · (\d+) remaining/.exec(text)?.slice(1).map(Number) ?? [];
const finishedCount = async (page: Page) => {
  const [done, failed] = counts(await progressText(page));
  return done + failed;
};

describe('two tabs of one browser on one job', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: Awaited<ReturnType<typeof startMockMast>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await serveApp();
    // Slow downloads keep the job running while the tabs come and go.
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES, downloadLatencyMs: 2500 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await mast?.close();
    await app?.close();
  });

  it('the watching tab can neither resume nor delete the job; a Pause is not a takeover; when the running tab closes, the other carries the job to the end', async () => {
    const url = `${app.url}?mast=${encodeURIComponent(mast.url)}`;
    const errors: string[] = [];
    const open = async () => {
      const page = await browser.context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      return page;
    };
    const a = await open();
    await a.getByLabel('Sample list', { exact: true }).setInputFiles(SAMPLE_LIST);
    await a.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => progressText(a)).toContain('Running');

    const b = await open();
    await expect.poll(() => progressText(b), { timeout: 20_000 }).toContain('Running in another tab');
    expect(await b.getByRole('button', { name: 'Resume', exact: true }).isDisabled()).toBe(true);
    const jobPanel = b.getByRole('region', { name: /^Job: / });
    expect(await jobPanel.getByRole('button', { name: 'Delete', exact: true }).isDisabled()).toBe(true);
    expect(await jobPanel.textContent()).toContain('Cannot be deleted: another tab is running it');

    // Paused in A: B is handed the lock but does not carry on; either tab may resume.
    await expect.poll(() => finishedCount(a), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    await a.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => progressText(a), { timeout: 120_000 }).toContain('Paused');
    await expect.poll(() => progressText(b), { timeout: 20_000 }).toContain('Paused');
    const paused = await finishedCount(a);
    await b.waitForTimeout(1500);
    expect(await progressText(b)).toContain('Paused');
    expect(await finishedCount(a)).toBe(paused);
    expect(await b.getByRole('button', { name: 'Resume', exact: true }).isEnabled()).toBe(true);

    // Resumed in B: B runs, A watches.
    await b.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => progressText(b), { timeout: 20_000 }).toMatch(/^Running ·/);
    await expect.poll(() => progressText(a), { timeout: 20_000 }).toContain('Running in another tab');
    await expect.poll(() => finishedCount(b), { timeout: 120_000, interval: 200 }).toBeGreaterThan(paused);

    // B closes mid-run: A takes the job's lock and finishes it by itself.
    const beforeClose = (await storedTargets(a)).filter((t) => t.status !== 'pending');
    // The test means something only if work was left when B closed.
    expect(beforeClose.length).toBeLessThan(10);
    const closedAt = Date.now();
    await b.close();
    await expect.poll(() => progressText(a), { timeout: 20_000 }).toMatch(/^(Running ·|Finished)/);
    await expect.poll(() => progressText(a), { timeout: 200_000, interval: 250 }).toContain('Finished');
    expect(counts(await progressText(a))).toEqual([8, 2, 0]);
    // Nothing stored before the close was computed again.
    const after = await storedTargets(a);
    expect(after.every((t) => t.status !== 'pending')).toBe(true);
    for (const t of beforeClose) expect(after.find((x) => x.key === t.key)?.finishedAt, t.key).toBe(t.finishedAt);
    expect(after.filter((t) => (t.finishedAt ?? 0) > closedAt).length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
