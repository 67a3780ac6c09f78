import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, serveApp, waitForFinished, downloadCsvRows } from '../helpers/browser.ts';

describe('the built-in demo', () => {
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

  it('runs on the bundled light curves without touching any other host', async () => {
    const page = await browser.context.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(app.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    // The demo runs under the Content-Security-Policy that serveApp sends, as npm start does.
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));
    page.on('console', (m) => m.text().startsWith('CSP: ') && errors.push(m.text()));
    // No ?mast=: the default is the real MAST, which the demo must not need.
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Try the demo', exact: true }).click();
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('4 valid rows');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page);

    const rows = await downloadCsvRows(page);
    expect(rows.map((r) => [r.target, r.status])).toEqual([
      ['TIC 25155310', 'ok'],
      ['TIC 231663901', 'ok'],
      ['KIC 11442793', 'ok'],
      ['EPIC 211495446', 'ok'],
    ]);
    for (const row of rows.slice(0, 2)) {
      expect(Math.abs(Number(row.bls_period) / Number(row.period) - 1), row.target).toBeLessThan(0.01);
    }
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reads a CSV dropped on the page, and names the file and the problem when it is not a sample list', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    const drop = (name: string, text: string) =>
      page.evaluate(
        ([n, t]) => {
          const data = new DataTransfer();
          data.items.add(new File([t], n, { type: 'text/csv' }));
          window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        },
        [name, text] as const,
      );
    await drop('stars.csv', 'name,ra,dec\nVega,279.2,38.8\n');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/stars\.csv/);
    expect(await page.getByRole('alert').first().textContent()).toMatch(/target/);
    await drop('mine.csv', 'target,note\nTIC 25155310,WASP-126\nKIC abc,typo\n');
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('1 valid rows');
    expect(await page.getByTestId('sample-summary').textContent()).toContain('1 invalid rows');
    expect(await page.getByRole('table', { name: 'Invalid rows' }).textContent()).toMatch(/3.*KIC abc/);
  });
});
