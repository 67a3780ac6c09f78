import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, serveApp, waitForFinished } from '../helpers/browser.ts';
import { kv } from '../helpers/fits-writer.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { mulberry32 } from '../helpers/random.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

const K2_FILE = 'ktwo211495446-c05_llc.fits';

/** A payload that calls `__xss(n)` if it ever runs, and makes an `<img>` or `<script>` if it is ever parsed as markup. */
const img = (n: number) => `<img src=x onerror=__xss(${n})>`;
const script = (n: number) => `<script>__xss(${n})</script>`;

/** A real light curve with some primary-header cards replaced (values must fit one card). */
function withCards(file: string, cards: Record<string, string>): Buffer {
  const bytes = Buffer.from(readFileSync(path.join(LIGHTCURVES, file)));
  for (const [key, value] of Object.entries(cards)) {
    let at = -1;
    for (let i = 0; i < 2880; i += 80) if (bytes.toString('latin1', i, i + 8) === key.padEnd(8)) at = i;
    if (at < 0) throw new Error(`${file} has no ${key} card`);
    bytes.write(kv(key, value).padEnd(80).slice(0, 80), at, 'latin1');
  }
  return bytes;
}

/** Serves the hostile light curves to the page (CORS open), and answers 403 for anything else. */
async function serveFiles(files: Record<string, Buffer>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const body = files[name];
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!body) return void res.writeHead(403, { 'Content-Type': 'text/plain' }).end('no');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** What the page did with the payloads: calls, CSP violations, requests for the payloads' `src=x`. */
async function trap(page: Page): Promise<{ report(): Promise<{ calls: number[]; violations: string[] }>; requests: string[]; errors: string[] }> {
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __xss(n: number): void; __calls: number[]; __violations: string[] };
    w.__calls = [];
    w.__violations = [];
    w.__xss = (n) => w.__calls.push(n);
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.sample}`));
  });
  return {
    requests,
    errors,
    report: () =>
      page.evaluate(() => {
        const w = window as unknown as { __calls: number[]; __violations: string[] };
        return { calls: w.__calls, violations: w.__violations };
      }),
  };
}

/** Whatever the page shows now: no element or handler came from data, and every payload it shows is shown as text. */
async function expectNoMarkupFromData(page: Page, payloads: string[]): Promise<void> {
  const dom = await page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    text: document.body.innerText + '\n' + document.body.textContent,
    made: [...document.querySelectorAll('body img, body script, iframe, object, embed, [onerror], [onload], [onclick]')].map((e) => e.outerHTML),
  }));
  expect(dom.made).toEqual([]);
  // Markup would appear in outerHTML as a tag; text appears escaped (&lt;img …).
  expect(dom.html).not.toMatch(/<img src="x"|<script>__xss/i);
  for (const payload of payloads) {
    expect(dom.html).not.toContain(payload);
    // A payload the page shows is shown whole, as the characters it was.
    // (A FITS keyword may come back upper-cased in a message: either case, whole.)
    const marker = /__xss\(\d+\)/i.exec(payload)![0];
    if (dom.text.toLowerCase().includes(marker.toLowerCase())) {
      expect(dom.text.includes(payload) || dom.text.includes(payload.toUpperCase()), payload).toBe(true);
    }
  }
}

describe('input that is not to be trusted', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let mast: MockMast;
  let files: Awaited<ReturnType<typeof serveFiles>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-input-'));

  beforeAll(async () => {
    app = await serveApp();
    mast = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
    files = await serveFiles({
      // A good light curve whose OBJECT keyword is hostile: the search runs on it.
      'object.fits': withCards(K2_FILE, { OBJECT: img(13) }),
      // Hostile mission keywords: the file is refused, and the message quotes them.
      'mission.fits': withCards(K2_FILE, { MISSION: script(11), TELESCOP: img(12) }),
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    files?.server.close();
    await mast?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inserts nothing from a sample list or a FITS header as markup: payloads in every field are shown as text, and none runs', async () => {
    const page = await browser.context.newPage();
    const t = await trap(page);
    await page.goto(`${app.url}?mast=${encodeURIComponent(mast.url)}`);

    // A file that is not a sample list: its header is quoted in the error.
    await page.getByLabel('Sample list', { exact: true }).setInputFiles({ name: 'header.csv', mimeType: 'text/csv', buffer: Buffer.from(`${img(9)},b\n1,2\n`) });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(img(9));
    await expectNoMarkupFromData(page, [img(9)]);

    const csv = [
      `target,label,lightcurve_url,${img(1)}`,
      `${img(2)},${img(3)},,${script(4)}`,
      `${script(5)},x,,y`,
      `EPIC 211495446,${script(6)},${files.url}/object.fits,z`,
      `EPIC 211495446,lbl,${files.url}/mission.fits,z`,
      `EPIC 211495446,lbl,${files.url}/${encodeURIComponent(img(7))}.fits,z`,
      `TIC ${img(8)},,,`,
    ].join('\n');
    const listName = `${img(10)}.csv`;
    await page.getByLabel('Sample list', { exact: true }).setInputFiles({ name: listName, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('5 valid rows');
    const all = [img(1), img(2), img(3), script(4), script(5), script(6), img(7), img(8), img(9), img(10), script(11), img(12), img(13)];
    // Before Start: the file name and an invalid row's reason, which quotes its cell.
    await expectNoMarkupFromData(page, all);
    const summary = await page.evaluate(() => document.body.innerText);
    for (const shown of [listName, `target "TIC ${img(8)}" is not a TIC, KIC or EPIC id`]) expect(summary, shown).toContain(shown);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitForFinished(page, 120_000);
    // The table lists every input row (issue 14), the invalid `TIC <img>` row last, as in the CSV.
    const statuses = await page.locator('table[aria-label="Targets"] tbody tr[data-status]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status));
    expect(statuses).toEqual(['failed', 'failed', 'ok', 'failed', 'failed', 'failed']);

    await expectNoMarkupFromData(page, [...all, script(11).toUpperCase(), img(12).toUpperCase()]);
    // The fields the page shows today, each literally: the file name, star names (and MAST's answer
    // quoting them), a FITS header's words in its error, a file name from a URL in a download error.
    const text = await page.evaluate(() => document.body.innerText);
    for (const shown of [listName, img(2), script(5), img(7), script(11).toUpperCase(), img(12).toUpperCase()]) {
      expect(text, shown).toContain(shown);
    }
    // The searched star's view: its list row (a label holding a script) and what its file calls it
    // (the hostile OBJECT keyword), both as text.
    await page.locator('table[aria-label="Targets"] tbody tr[data-status="ok"]').click();
    const view = page.getByRole('region', { name: /^Target/ });
    await expect.poll(() => page.getByTestId('fits-object').textContent(), { timeout: 30_000 }).toContain(`“${img(13)}” (FITS OBJECT)`);
    expect(await view.innerText()).toContain(script(6));
    await expectNoMarkupFromData(page, all);
    const { calls, violations } = await t.report();
    expect(calls).toEqual([]);
    expect(violations).toEqual([]);
    expect(t.requests.filter((u) => new URL(u).pathname === '/x')).toEqual([]);
    expect(t.errors).toEqual([]);
    await page.close();
  });

  it('reads a 100,000-row list off the main thread, with progress, and no task on the page takes 200 ms or more', async () => {
    const rand = mulberry32(20240611);
    const lines = ['target,label,period,depth_ppm,duration_hours,note'];
    let invalid = 0;
    let zeroDepth = 0;
    for (let i = 0; i < 100_000; i++) {
      const signed = i % 997 === 500;
      if (signed) invalid++;
      else if (i % 101 === 0) zeroDepth++;
      const tic = signed ? `-${1 + Math.floor(rand() * 4e8)}` : String(1 + Math.floor(rand() * 4e8));
      const depth = i % 101 === 0 ? '0' : (100 + rand() * 20_000).toFixed(1);
      lines.push(`TIC ${tic},${rand() < 0.5 ? 'PC' : 'FP'},${(0.5 + rand() * 50).toFixed(6)},${depth},${(1 + rand() * 10).toFixed(3)},row ${i}`);
    }
    const file = path.join(dir, 'big.csv');
    writeFileSync(file, lines.join('\n') + '\n');

    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __tasks: Array<[number, number]>; __progress: number[] };
      w.__tasks = [];
      w.__progress = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__tasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
      new MutationObserver(() => {
        const bar = document.querySelector<HTMLProgressElement>('[data-testid="sample-reading"] progress');
        if (bar && w.__progress.at(-1) !== bar.value) w.__progress.push(bar.value);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await page.goto(app.url);
    await expect.poll(() => page.getByRole('button', { name: 'Try the demo' }).isEnabled()).toBe(true);
    await page.waitForTimeout(500); // let the page's own start-up tasks end
    const t0 = await page.evaluate(() => performance.now());
    await page.getByLabel('Sample list', { exact: true }).setInputFiles(file);
    await expect.poll(() => page.getByTestId('sample-summary').textContent(), { timeout: 60_000 }).toContain(`${100_000 - invalid} valid rows`);
    await page.waitForTimeout(300); // long-task entries arrive after the task
    const { tasks, progress } = await page.evaluate(() => {
      const w = window as unknown as { __tasks: Array<[number, number]>; __progress: number[] };
      return { tasks: w.__tasks, progress: w.__progress };
    });
    const during = tasks.filter(([start]) => start >= t0).map(([, duration]) => duration);
    console.log(`100,000-row list: ${during.length} long tasks while it loaded, longest ${Math.max(0, ...during).toFixed(0)} ms; progress seen ${progress.map((p) => p.toFixed(2)).join(' ')}`);
    expect(Math.max(0, ...during)).toBeLessThan(200);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);

    const summary = await page.getByTestId('sample-summary').textContent();
    expect(summary).toContain(`${invalid} invalid rows`);
    expect(summary).toContain('comma-separated');
    expect(await page.getByTestId('sample-warnings').textContent()).toContain(`${zeroDepth} rows: depth_ppm not positive, left empty`);
    await page.close();
  });

  it('reads Windows-1252, UTF-16 and semicolon-separated lists, and says how', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    const cp1252 = Buffer.from('target;label;note\nTIC 25155310;KP;P\xe9rez\nTIC 231663901;PC;\xc5ngstr\xf6m\n', 'latin1');
    await page.getByLabel('Sample list', { exact: true }).setInputFiles({ name: 'excel.csv', mimeType: 'text/csv', buffer: cp1252 });
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('2 valid rows');
    const summary = await page.getByTestId('sample-summary').textContent();
    expect(summary).toContain('semicolon-separated');
    expect(summary).toContain('read as Windows-1252, since it is not valid UTF-8; 3 characters differ from UTF-8 (first on line 2)');

    const text = 'target\tlabel\nTIC 25155310\tKP\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await page.getByLabel('Sample list', { exact: true }).setInputFiles({ name: 'unicode.txt', mimeType: 'text/plain', buffer: utf16 });
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('unicode.txt');
    const second = await page.getByTestId('sample-summary').textContent();
    expect(second).toContain('1 valid rows');
    expect(second).toContain('tab-separated');
    expect(second).toContain('read as UTF-16 (little-endian, from its byte-order mark)');
    await page.close();
  });
});
