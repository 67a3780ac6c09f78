import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCsvRows, launchBrowser, openSettings, serveApp, startJob, waitForFinished } from '../helpers/browser.ts';
import { LIGHTCURVES, REPO_ROOT } from '../helpers/paths.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

/** Starts `npm start` as a user would (minus the build, done by `npm test`) and returns the address it prints. */
async function npmStart(args: string[]): Promise<{ url: string; output: string[]; process: ChildProcess }> {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-build', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      const m = /running at\s+(http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output.join('\n')}`)));
  });
  return { url, output, process: child };
}

/** Every CSP violation and page error from the first script on. */
async function watch(page: Page): Promise<{ violations(): Promise<string[]>; errors: string[] }> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { errors, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
}

describe('MAST through the relay of npm start, and the Content-Security-Policy', () => {
  let mast: MockMast;
  let server: Awaited<ReturnType<typeof npmStart>>;
  let staticApp: Awaited<ReturnType<typeof serveApp>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-relay-'));
  const list = path.join(dir, 'relay.csv');

  beforeAll(async () => {
    // No CORS headers at all: the browser can read none of the stand-in's answers directly.
    mast = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: null });
    server = await npmStart(['--port', '0', '--mast', mast.url]);
    staticApp = await serveApp({ relay: false });
    browser = await launchBrowser();
    writeFileSync(list, 'target,label\nTIC 25155310,KP\nTIC 231663901,KP\nEPIC 211495446,\n');
  });

  afterAll(async () => {
    await browser?.close();
    server?.process.kill('SIGTERM');
    await staticApp?.close();
    await mast?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm start prints the address it really listens on', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(server.output.join('\n')).toContain(`MAST traffic goes to ${mast.url}`);
  });

  it('finishes a job with every known target ok, switching the blocked host to the relay and saying so once', async () => {
    mast.faults.redirectTo = mast.url; // Download answers 302 to the cloud copy, as MAST may
    const page = await browser.context.newPage();
    const csp = await watch(page);
    const headers = new Map<string, string | undefined>();
    page.on('response', (r) => {
      const kind = r.url() === server.url ? 'page' : /analysis\.worker-.*\.js$/.test(r.url()) ? 'worker' : /sample-list\.worker-.*\.js$/.test(r.url()) ? 'list-worker' : null;
      if (kind) headers.set(kind, r.headers()['content-security-policy']);
    });
    await page.goto(server.url);
    // --mast points the app at the stand-in without a page parameter, and says so.
    await expect.poll(() => page.getByTestId('mast-banner').textContent()).toContain(new URL(mast.url).host);
    const start = mast.log.length;
    await startJob(page, list, { workers: 2 });
    await waitForFinished(page, 120_000);
    const rows = await downloadCsvRows(page);
    expect(rows.map((r) => [r.target, r.status, r.error])).toEqual([
      ['TIC 25155310', 'ok', ''],
      ['TIC 231663901', 'ok', ''],
      ['EPIC 211495446', 'ok', ''],
    ]);

    // Tried directly first (the browser sent its Origin and could not read the answer), then relayed.
    const log = mast.log.slice(start);
    const origin = new URL(server.url).origin;
    const direct = log.filter((e) => e.origin === origin);
    expect(direct.length).toBeGreaterThanOrEqual(1);
    expect(direct.every((e) => e.path === '/api/v0/invoke')).toBe(true);
    expect(log.filter((e) => e.origin === undefined && e.path === '/api/v0/invoke').length).toBeGreaterThanOrEqual(3);
    // The 302 to the cloud copy came back through the relay and was followed there, never cross-origin.
    const downloads = log.filter((e) => e.method === 'GET');
    expect(downloads.filter((e) => e.status === 302)).toHaveLength(3);
    expect(downloads.filter((e) => e.status === 200 && /^\/(tess|k2)\/public\//.test(e.path))).toHaveLength(3);
    expect(downloads.every((e) => e.origin === undefined)).toBe(true);

    const status = await page.getByTestId('relay-status').textContent();
    expect(status).toContain(`${new URL(mast.url).host} does not let this page read its answers`);
    expect(status!.split('does not let this page').length - 1).toBe(1);

    // The job ran under the policy, which the server sends with the page and the workers.
    expect(await csp.violations()).toEqual([]);
    expect(csp.errors).toEqual([]);
    for (const kind of ['page', 'worker', 'list-worker']) {
      expect(headers.get(kind), kind).toMatch(/script-src 'self' 'wasm-unsafe-eval';.*frame-ancestors 'none'/);
    }
    // The light curves the stand-in served are cached under its hosts, never as MAST's own: a later
    // job against MAST cannot get them.
    const keys = await page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('transit-features-lc');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction(['files', 'lists']);
            const files = all.objectStore('files').getAllKeys();
            const lists = all.objectStore('lists').getAllKeys();
            all.oncomplete = () => {
              open.result.close();
              resolve([...files.result, ...lists.result].map(String));
            };
          };
        }),
    );
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(key.startsWith(`hosts=${mast.url} ${mast.url} ${mast.url} ${mast.url}|`), key).toBe(true);
    mast.faults.redirectTo = undefined;
    await page.close();
  });

  it('refuses, from the page, a host outside the allowlist', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const answers = await page.evaluate(async () =>
      Promise.all(
        ['/mast-relay/https/example.org/x', '/mast-relay/https/mast.stsci.edu/api/v0/invoke'].map(async (p) => {
          const r = await fetch(p);
          return [r.status, await r.text()] as const;
        }),
      ),
    );
    expect(answers[0]).toEqual([403, `this relay serves only the configured MAST hosts (${mast.url}); https://example.org/x is not under any of them\n`]);
    expect(answers[1][0]).toBe(403);
    await page.close();
  });

  it('blocks inline script: an injected one raises securitypolicyviolation and does not run; the built page has none', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const outcome = await page.evaluate(async () => {
      const events: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => events.push(`${e.violatedDirective}|${e.disposition}`));
      const script = document.createElement('script');
      script.textContent = 'window.__ran = true';
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__ranHandler = true');
      img.src = 'data:,x';
      document.body.append(img);
      await new Promise((r) => setTimeout(r, 300));
      const w = window as unknown as { __ran?: boolean; __ranHandler?: boolean };
      return { events, ran: w.__ran ?? false, handler: w.__ranHandler ?? false };
    });
    expect(outcome.ran).toBe(false);
    expect(outcome.handler).toBe(false);
    expect(outcome.events).toContain('script-src-elem|enforce');
    expect(outcome.events).toContain('script-src-attr|enforce');

    // The built page: a meta policy for static hosting (no frame-ancestors there), and no inline script.
    const html = readFileSync(path.join(REPO_ROOT, 'dist/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toMatch(/^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
    expect(meta?.[1]).toContain("object-src 'none'; base-uri 'none'; form-action 'none'");
    expect(meta?.[1]).not.toContain('frame-ancestors');
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    await page.close();
  });

  it('a static deployment (no relay): the blocked first request pauses the job and says why (nothing failed); ?mast= is named and not saved', async () => {
    const page = await browser.context.newPage();
    const csp = await watch(page);
    await page.goto(`${staticApp.url}?mast=${encodeURIComponent(mast.url)}`);
    await expect.poll(() => page.getByTestId('mast-banner').textContent()).toContain(`goes to ${new URL(mast.url).host}`);
    expect(await page.getByTestId('mast-banner').textContent()).toContain('Nothing about it is saved');
    await page.getByLabel('Sample list', { exact: true }).setInputFiles({ name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('target\nTIC 25155310\n') });
    await expect.poll(() => page.getByTestId('sample-summary').textContent()).toContain('1 valid rows');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    // A browser cannot tell a blocked host from a dead one: the job stops and says both (issue 10).
    const banner = page.getByTestId('outage-banner');
    await expect.poll(async () => (await banner.isVisible()) && (await banner.textContent()), { timeout: 60_000 }).toContain(`Could not reach MAST (${new URL(mast.url).host})`);
    expect(await banner.textContent()).toMatch(/could not reach 127\.0\.0\.1:\d+: the browser blocked the response \(CORS\) or the network is down/);
    await expect.poll(async () => ((await page.getByTestId('progress').textContent()) ?? '').replace(/\s+/g, ' ')).toMatch(/Paused · 0 done · 0 failed · 1 remaining/);
    const [row] = await downloadCsvRows(page);
    expect(row.status).toBe('pending');
    expect(await page.getByTestId('relay-status').count()).toBe(0);
    // Settings saved during a ?mast= visit keep the MAST hosts out.
    await openSettings(page);
    expect(await page.getByTestId('proxy-warning').textContent()).toContain('the proxy sees every request');
    await page.getByRole('button', { name: 'Save settings', exact: true }).click();
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('transit-features:settings:v1') ?? '{}'));
    expect(saved.mast).toBeUndefined();
    expect(JSON.stringify(saved)).not.toContain(new URL(mast.url).host);
    expect(await csp.violations()).toEqual([]);
    await page.close();
  });
});
