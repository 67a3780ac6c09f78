// One TLS target in a pool of two workers: the idle worker computes chunks of the target's period
// grid (tls_workers = 2), and every tls_* value is the one a single worker writes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCsvRows, launchBrowser, serveApp, startJob, waitForFinished } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const LIST = path.join(REPO_ROOT, 'test/fixtures/e2e/tls-split-list.csv');

describe('one TLS target split across the pool', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;

  beforeAll(async () => {
    app = await serveApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Runs the list with Run TLS and `workers` workers in a fresh profile; the CSV row and the seconds the job took. */
  async function run(workers: number): Promise<{ row: Record<string, string>; seconds: number }> {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(app.url);
      const started = await startJob(page, LIST, { workers, runTls: true });
      await waitForFinished(page);
      const seconds = (Date.now() - started) / 1000;
      const rows = await downloadCsvRows(page);
      expect(rows).toHaveLength(1);
      expect(errors).toEqual([]);
      return { row: rows[0], seconds };
    } finally {
      await browser.close();
    }
  }

  it('two workers compute the grid of the one target and write the tls_* values of one worker', async () => {
    const shared = await run(2);
    const alone = await run(1);
    for (const { row } of [shared, alone]) {
      expect(row.status, row.error).toBe('ok');
      expect(row.tls_error).toBe('');
      expect(Number(row.tls_n_periods)).toBeGreaterThan(5000);
    }
    expect(shared.row.tls_workers).toBe('2');
    expect(alone.row.tls_workers).toBe('1');
    const tlsColumns = Object.keys(alone.row).filter((c) => c.startsWith('tls_') && c !== 'tls_workers');
    expect(tlsColumns.length).toBeGreaterThan(25);
    const differing = tlsColumns.filter((c) => shared.row[c] !== alone.row[c]).map((c) => `${c}: ${shared.row[c]} vs ${alone.row[c]}`);
    expect(differing).toEqual([]);
    console.info(`one TLS target: ${shared.seconds.toFixed(1)} s with 2 workers, ${alone.seconds.toFixed(1)} s with 1 (whole job, page to Finished)`);
  });
});
