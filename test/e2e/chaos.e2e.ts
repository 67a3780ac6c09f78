import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCsvRows, launchBrowser, serveApp, waitForFinished } from '../helpers/browser.ts';
import { storedTargets } from '../helpers/stored-targets.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { mulberry32 } from '../helpers/random.ts';
import { SYNTHETIC_TIC_BASE, startMockMast, type MockMast } from '../mock-mast/index.ts';

/**
 * The chaos run (issue 10): a job of 208 targets against the stand-in with random faults on (5% server
 * errors, 2% hangs, 1% truncated bodies), a 30 s outage in the middle, the page closed and reopened
 * at ten seeded moments (one of them during the outage) and one worker killed; its CSV must be the
 * CSV of the same list run once without any of that (attempts aside), and no light curve may be
 * downloaded again after its target was stored. The seed is printed; CHAOS_SEED=<n> replays a run.
 *
 * The light curves are small real ones: most targets serve Kepler-90's short Q4 file, some a K2 C5
 * file, some a 100-cadence TESS file that fails with too-few-points; a few TICs are unknown to MAST.
 */
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SOURCES = [
  'kplr011442793-2010009091648_llc.fits',
  'kplr011442793-2010009091648_llc.fits',
  'kplr011442793-2010009091648_llc.fits',
  'ktwo211495446-c05_llc.fits',
  'kplr011442793-2010009091648_llc.fits',
  'kplr011442793-2010009091648_llc.fits',
  'test-lc-tess-pimen-100-cadences.fits',
  'kplr011442793-2010009091648_llc.fits',
];
const SYNTHETIC = 200;
const UNKNOWN = 8;
const OUTAGE_MS = 30_000;
/** Requests without an answer are given up after this long (Settings › Time limit per request). */
const REQUEST_LIMIT_S = 4;

const fileOf = (tic: number) => `tess2018206045859-s0001-${String(tic).padStart(16, '0')}-0120-s_lc.fits`;


async function stored(page: Page): Promise<number> {
  const text = (await page.getByTestId('progress').textContent()) ?? '';
  const grab = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? NaN);
  return grab('done') + grab('failed');
}

describe('a 208-target job through faults, an outage, ten reloads and a killed worker', () => {
  let app: Awaited<ReturnType<typeof serveApp>>;
  let calm: MockMast;
  let chaos: MockMast;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-chaos-'));
  const list = path.join(dir, 'chaos-list.csv');

  beforeAll(async () => {
    console.log(`chaos seed ${SEED} (replay with CHAOS_SEED=${SEED})`);
    app = await serveApp();
    const options = { lightcurveDir: LIGHTCURVES, syntheticTargets: SYNTHETIC, syntheticSources: SOURCES };
    calm = await startMockMast(options);
    chaos = await startMockMast(options);
    const rows: string[] = [];
    for (let i = 0; i < SYNTHETIC; i++) {
      rows.push(`TIC ${SYNTHETIC_TIC_BASE + 1 + i}`);
      if (i % 25 === 12) rows.push(`TIC ${1000 + i}`); // unknown to MAST: target-not-found
    }
    expect(rows).toHaveLength(SYNTHETIC + UNKNOWN);
    writeFileSync(list, `target\n${rows.join('\n')}\n`);
  });

  afterAll(async () => {
    await chaos?.close();
    await calm?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the app in `browser` with the run settings of this test (two workers, short request limit). */
  async function open(context: Awaited<ReturnType<typeof launchBrowser>>['context'], mast: MockMast, errors: string[]): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    const settings = { workers: 2, limits: { analysisMaxSeconds: 1800, requestTimeoutSeconds: REQUEST_LIMIT_S } };
    await page.addInitScript((value) => localStorage.setItem('transit-features:settings:v1', value), JSON.stringify(settings));
    await page.goto(`${app.url}?mast=${encodeURIComponent(mast.url)}`);
    return page;
  }

  async function runCalm(): Promise<Array<Record<string, string>>> {
    const browser = await launchBrowser();
    try {
      const errors: string[] = [];
      const page = await open(browser.context, calm, errors);
      await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await waitForFinished(page, 300_000);
      expect(errors).toEqual([]);
      return await downloadCsvRows(page);
    } finally {
      await browser.close();
    }
  }

  it('writes the CSV of an uninterrupted run, and downloads no light curve again once its target is stored', async () => {
    const started = Date.now();
    const reference = await runCalm();
    const calmSeconds = (Date.now() - started) / 1000;
    if (process.env.CHAOS_VERBOSE) console.log(`calm run: ${calmSeconds.toFixed(1)} s`);

    const rand = mulberry32(SEED);
    const total = SYNTHETIC + UNKNOWN;
    const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    // Nine reloads at seeded progress (targets stored), one during the outage; the outage starts
    // near the middle; one worker is killed at a seeded moment.
    const reloads = Array.from({ length: 9 }, () => between(10, total - 15)).sort((a, b) => a - b);
    const outageAt = between(90, 115);
    const killAt = between(20, total - 30);
    const outageReloadAfterMs = between(6_000, 20_000);
    type Event = { at: number; kind: 'reload' | 'outage' | 'kill' };
    const events: Event[] = [...reloads.map((at): Event => ({ at, kind: 'reload' })), { at: outageAt, kind: 'outage' as const }, { at: killAt, kind: 'kill' as const }];
    events.sort((a, b) => a.at - b.at);
    console.log(`chaos plan: reloads at ${reloads.join(', ')} stored, the tenth ${outageReloadAfterMs} ms into the outage at ${outageAt}, a worker killed at ${killAt}`);

    chaos.faults.random = { seed: SEED, serverErrors: 0.05, hangs: 0.02, truncated: 0.01 };
    const browser = await launchBrowser();
    const errors: string[] = [];
    const timeline: string[] = [];
    const t0 = Date.now();
    const note = (what: string) => {
      timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
      if (process.env.CHAOS_VERBOSE) console.log(timeline.at(-1));
    };
    let page = await open(browser.context, chaos, errors);
    let reloadsDone = 0;
    let killed = false;

    const reopen = async () => {
      await page.waitForTimeout(Math.floor(rand() * 1500));
      await page.close();
      page = await open(browser.context, chaos, errors);
      const resume = page.getByRole('button', { name: 'Resume', exact: true });
      // A page that opens while the closed one still holds the job's lock watches, and carries the job
      // on by itself once the lock is let go (issue 10 item 7); otherwise it waits for Resume.
      await expect.poll(async () => (await resume.isEnabled().catch(() => false)) || /^\s*Running ·/.test((await page.getByTestId('progress').textContent()) ?? ''), { timeout: 30_000 }).toBe(true);
      if (await resume.isEnabled().catch(() => false)) await resume.click();
      reloadsDone++;
      note(`reloaded (${reloadsDone}) at ${await stored(page)} stored`);
    };
    const waitStored = (n: number) => expect.poll(() => stored(page), { timeout: 240_000, interval: 200 }).toBeGreaterThanOrEqual(n);

    try {
      await page.getByLabel('Sample list', { exact: true }).setInputFiles(list);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      for (const event of events) {
        await waitStored(event.at);
        if (event.kind === 'reload') {
          await reopen();
        } else if (event.kind === 'kill') {
          const analysisWorkers = () => page.workers().filter((w) => w.url().includes('analysis'));
          // Right after a reload the new page's pool may still be starting.
          await expect.poll(() => analysisWorkers().length, { timeout: 30_000 }).toBe(2);
          const workers = analysisWorkers();
          const victim = workers[Math.floor(rand() * workers.length)];
          const gone = new Promise<void>((resolve) => victim.once('close', () => resolve()));
          // An uncaught error in the worker: the page sees its `error` event, as when a worker dies.
          await victim.evaluate(() => {
            setTimeout(() => {
              throw new Error('chaos: the test killed this worker');
            });
          });
          // The pool terminates it and puts a new worker in its place.
          await gone;
          await expect.poll(() => analysisWorkers().filter((w) => w !== victim).length, { timeout: 30_000 }).toBe(2);
          killed = true;
          note(`killed a worker at ${await stored(page)} stored; it was replaced`);
        } else {
          chaos.faults.outage = true;
          const outageStart = Date.now();
          note(`outage on at ${await stored(page)} stored`);
          const banner = () => page.getByTestId('outage-banner');
          const bannerText = async () => (await banner().isVisible()) && (await banner().textContent());
          await expect.poll(bannerText, { timeout: 60_000 }).toMatch(
            /MAST unreachable since \d\d:\d\d — trying again (every \d+ s|now)/,
          );
          note('banner shown');
          const failedDuring = (await storedTargets(page)).filter((t) => t.status === 'failed').length;
          await page.waitForTimeout(Math.max(0, outageStart + outageReloadAfterMs - Date.now()));
          // A page reopened during the outage: the job had answers before, so this is an outage too.
          await reopen();
          await expect.poll(bannerText, { timeout: 60_000 }).toMatch(/MAST unreachable since/);
          await page.waitForTimeout(Math.max(0, outageStart + OUTAGE_MS - Date.now()));
          chaos.faults.outage = false;
          const back = Date.now();
          const storedAtBack = await stored(page);
          note(`outage off at ${storedAtBack} stored`);
          // Nothing was failed by the outage (failures are target-specific ones only).
          expect((await storedTargets(page)).filter((t) => t.status === 'failed').length).toBe(failedDuring);
          // The run goes on by itself (no click) once MAST answers again.
          await expect.poll(() => stored(page), { timeout: 120_000, interval: 200 }).toBeGreaterThan(storedAtBack);
          await expect.poll(() => banner().isVisible(), { timeout: 60_000 }).toBe(false);
          note(`going on by itself ${((Date.now() - back) / 1000).toFixed(1)} s after MAST answered again`);
        }
      }
      await waitForFinished(page, 300_000);
      note('finished');
      expect(reloadsDone).toBe(10);
      expect(killed).toBe(true);
      const rows = await downloadCsvRows(page);
      const targets = await storedTargets(page);
      console.log(`chaos run (seed ${SEED}); calm run ${calmSeconds.toFixed(0)} s\n  ${timeline.join('\n  ')}`);

      // The same rows, in the same order, with the same statuses and values; attempts aside.
      expect(rows.length).toBe(reference.length);
      const differing: string[] = [];
      for (const [i, row] of rows.entries()) {
        for (const [column, value] of Object.entries(reference[i])) {
          if (column === 'attempts') continue;
          if (row[column] !== value) differing.push(`row ${i + 1} (${reference[i].target}) ${column}: ${row[column]} vs ${value}`);
        }
      }
      expect(differing.slice(0, 20)).toEqual([]);
      expect(rows.every((r) => Number(r.attempts) >= 1)).toBe(true);
      // The comparison means something: real results and real target-specific failures.
      const statuses = (code: string) => reference.filter((r) => r.error.startsWith(code)).length;
      expect(reference.filter((r) => r.status === 'ok').length).toBe(175);
      expect(statuses('too-few-points')).toBe(25);
      expect(statuses('target-not-found')).toBe(UNKNOWN);
      // The faults were met.
      const met = (fault: string) => chaos.log.filter((e) => e.fault === fault).length;
      console.log(`faults met: ${met('server-error')} server errors, ${met('hang')} hangs, ${met('truncated')} truncated, ${met('outage')} refused in the outage`);
      expect(met('server-error')).toBeGreaterThan(0);
      expect(met('hang')).toBeGreaterThan(0);
      expect(met('outage')).toBeGreaterThan(0);

      // No light curve was downloaded again after its target was stored.
      const again: string[] = [];
      for (const t of targets) {
        const tic = Number(t.key.split(':')[1]);
        if (!(tic > SYNTHETIC_TIC_BASE) || t.finishedAt === undefined) continue;
        const file = fileOf(tic);
        const late = chaos.log.filter((e) => e.method === 'GET' && path.posix.basename(e.uri ?? e.path) === file && e.time > t.finishedAt!);
        if (late.length > 0) again.push(`${file}: ${late.length} request(s) after it was stored`);
      }
      expect(again).toEqual([]);
      expect(errors.filter((e) => !e.includes('chaos:'))).toEqual([]);
    } catch (err) {
      if (process.env.CHAOS_VERBOSE) await page.screenshot({ path: path.join(os.tmpdir(), `chaos-${SEED}.png`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await browser.close();
    }
  }, 480_000);
});
