import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Papa from 'papaparse';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mergeConfig, preview } from 'vite';
import { expect } from 'vitest';
import type { AppServerOptions } from '../../src/server/mast-relay.ts';
import { appConfig } from '../../vite.config.ts';
import { REPO_ROOT } from './paths.ts';

/** Flags this machine's Chromium needs: no sandbox as root, no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A browser profile of its own (fresh IndexedDB), kept across pages so that reopening finds the job. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Serves the built app (`dist/`, made by `npm run build`) on a free port of 127.0.0.1 as `npm start`
 * does: vite preview with the app's config (security headers, CSP, the MAST relay). `mast` is
 * `npm start -- --mast BASE`; `relay: false` serves it as a static host would.
 */
export async function serveApp(options: AppServerOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const server = await preview(
    mergeConfig(appConfig(options), {
      configFile: false,
      root: REPO_ROOT,
      logLevel: 'silent',
      preview: { port: 0, host: '127.0.0.1' },
    }),
  );
  const { port } = server.httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/**
 * Opens the Settings panel (a <details>): clicks its summary until the panel is open, since a click
 * that lands while the page is still laying itself out (a loaded machine) can miss or toggle twice.
 */
export async function openSettings(page: Page): Promise<void> {
  const panel = page.locator('section.settings > details');
  await expect
    .poll(
      async () => {
        if (await panel.evaluate((d) => (d as HTMLDetailsElement).open).catch(() => false)) return true;
        await page.getByText('Settings', { exact: true }).click({ timeout: 5_000 }).catch(() => {});
        return panel.evaluate((d) => (d as HTMLDetailsElement).open).catch(() => false);
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(true);
}

/**
 * Saves the workers and Run TLS in Settings (when given), loads the sample list and presses Start;
 * returns the time (ms since the epoch) at which Start was pressed.
 */
export async function startJob(page: Page, list: string, settings: { workers?: number; runTls?: boolean } = {}): Promise<number> {
  await openSettings(page);
  if (settings.workers !== undefined) await page.getByLabel('Workers', { exact: true }).fill(String(settings.workers));
  if (settings.runTls !== undefined) await page.getByLabel('Run TLS', { exact: true }).setChecked(settings.runTls);
  await page.getByRole('button', { name: 'Save settings', exact: true }).click();
  await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
  const started = Date.now();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  return started;
}

/** Waits until the page's job says Finished. */
export async function waitForFinished(page: Page, timeout = 200_000): Promise<void> {
  await expect.poll(async () => (await page.getByTestId('progress').textContent()) ?? '', { timeout, interval: 250 }).toContain('Finished');
}

/** Presses Download CSV, as a person would, and returns the file's rows keyed by column. */
export async function downloadCsvRows(page: Page): Promise<Array<Record<string, string>>> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV', exact: true }).click();
  const csv = readFileSync((await (await download).path())!, 'utf8');
  return Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
}
