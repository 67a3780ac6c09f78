import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCsvRows, launchBrowser, openSettings, serveApp, waitForFinished } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/tls-list.csv');

describe('a job with Run TLS', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await serveApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('fills the tls_* columns in the browser, with the star of the sample list', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(app.url);
    await openSettings(page);
    // The grid's size and cost are known before the job starts.
    await page.getByRole('button', { name: 'Estimate grid and time', exact: true }).click();
    const estimate = page.getByRole('table', { name: 'Grid estimate' });
    await expect.poll(() => estimate.textContent()).toMatch(/four years of Kepler.*\d/);
    await page.getByLabel('Run TLS', { exact: true }).check();
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(LIST);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page);

    const rows = await downloadCsvRows(page);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.status, row.error).toBe('ok');
      expect(row.tls_error).toBe('');
      expect(Math.abs(Number(row.tls_period) / Number(row.period) - 1), `${row.target} ${row.tls_period}`).toBeLessThan(0.005);
      expect(Number(row.tls_sde)).toBeGreaterThan(9);
      expect(row.tls_kernel_version).toMatch(/^[0-9a-f]{16}$/);
    }
    expect([rows[0].tls_r_star, rows[0].tls_m_star]).toEqual(['1', '1']);
    expect([rows[1].tls_r_star, rows[1].tls_m_star]).toEqual(['1.27', '1.12']);
    expect(errors).toEqual([]);
  });
});
