import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCsvRows, launchBrowser, serveApp, waitForFinished } from '../helpers/browser.ts';
import { storedTargets, type StoredTarget } from '../helpers/stored-targets.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { mulberry32 } from '../helpers/random.ts';
import { SYNTHETIC_TIC_BASE, startMockMast, type MockMast } from '../mock-mast/index.ts';

/**
 * The chaos run (issue 10): a job of 208 targets against the stand-in with random faults on (5% server
 * errors, 2% hangs, 1% truncated bodies), a 30 s outage in the middle, the page closed and reopened
 * at ten seeded moments (one of them during the outage) and one worker killed; its CSV must be the
 * CSV of the same list run once without any of that (attempts aside), and no light curve may be
 * downloaded again after its target was stored.
 *
 * The seed draws the moments of the reloads, the outage and the kill, and the stand-in's faults. CI
 * runs DEFAULT_SEED, so that a red run is the code's doing, not a new seed's; `CHAOS_SEED=<n>` runs
 * another one (each run prints its seed: `CHAOS_SEED=<n> npx vitest run test/e2e/chaos.e2e.ts`
 * replays it), `CHAOS_SEED=random` a fresh one, and `CHAOS_VERBOSE=1` prints the timeline as it goes.
 *
 * The light curves are small real ones: most targets serve Kepler-90's short Q4 file, some a K2 C5
 * file, some a 100-cadence TESS file that fails with too-few-points; a few TICs are unknown to MAST.
 */
/** Its plan kills a worker right after a reload and reopens the page early in the outage. */
const DEFAULT_SEED = 801176098;
const SEED = chaosSeed(process.env.CHAOS_SEED);
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


function chaosSeed(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SEED;
  if (value === 'random') return Math.floor(Math.random() * 2 ** 31);
  if (!/^\d+$/.test(value) || Number(value) >= 2 ** 32) throw new Error(`CHAOS_SEED must be a whole number below 2^32, or 'random' (got ${value})`);
  return Number(value);
}

/** The failures this list meets in an uninterrupted run: each is the target's own, never the network's. */
const TARGET_FAILURES = ['too-few-points', 'target-not-found'];

function failedCodes(targets: StoredTarget[]): string[] {
  return targets.filter((t) => t.status === 'failed').map((t) => t.code ?? '(no code)');
}

/** The progress line ("Running · 12 done · 3 failed · …"); '' while the page does not show it. */
async function progressText(page: Page): Promise<string> {
  return (await page.getByTestId('progress').textContent({ timeout: 10_000 }).catch(() => null)) ?? '';
}

async function stored(page: Page): Promise<number> {
  const text = await progressText(page);
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
    page.on('crash', () => errors.push('the page crashed'));
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
      // The page finds the job paused and waits for Resume; or it opened while the closed page still
      // held the job's lock: then it watches, and carries the job on by itself once the lock is let go
      // (issue 10 item 7), with no Resume button to press. (isVisible does not wait for the button,
      // isEnabled would, for Playwright's whole default timeout.)
      let how: 'resume' | 'by itself' | null = null;
      await expect
        .poll(
          async () => {
            if ((await resume.isVisible()) && (await resume.isEnabled({ timeout: 1_000 }).catch(() => false))) how = 'resume';
            else if (/^\s*(Running|Waiting for MAST) ·/.test(await progressText(page))) how = 'by itself';
            return how;
          },
          { timeout: 60_000, interval: 200 },
        )
        .not.toBeNull();
      if (how === 'resume') await resume.click();
      reloadsDone++;
      note(`reloaded (${reloadsDone}${how === 'by itself' ? ', the page took the job over by itself' : ''}) at ${await stored(page)} stored`);
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
          // The pool starts its workers with the first analysis of the page (it is loaded lazily), and
          // Playwright sees each worker once it has started: right after a reload there may be none yet.
          await expect.poll(() => analysisWorkers().length, { timeout: 120_000, interval: 100 }).toBe(2);
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
          // Targets whose light curves were downloaded before the outage (or are in the page's cache)
          // are still analysed during it, and some of them fail for reasons of their own (too few points).
          const bannerAt = Date.now();
          note(`${failedCodes(await storedTargets(page)).length} failed when the banner showed, ${await stored(page)} stored`);
          await page.waitForTimeout(Math.max(0, outageStart + outageReloadAfterMs - Date.now()));
          // A page reopened during the outage: the job had answers before, so this is an outage too.
          await reopen();
          await expect.poll(bannerText, { timeout: 60_000 }).toMatch(/MAST unreachable since/);
          await page.waitForTimeout(Math.max(0, outageStart + OUTAGE_MS - Date.now()));
          chaos.faults.outage = false;
          const back = Date.now();
          const storedAtBack = await stored(page);
          note(`outage off at ${storedAtBack} stored`);
          // Nothing was failed by the outage: every failure so far is one of its target's own.
          const atBack = await storedTargets(page);
          const failedAtBack = failedCodes(atBack);
          const sinceBanner = atBack.filter((t) => (t.finishedAt ?? 0) > bannerAt).map((t) => `${t.key} ${t.code ?? t.status}`);
          note(`${failedAtBack.length} failed when MAST answered again; stored since the banner: ${sinceBanner.join(', ') || 'none'}`);
          expect(failedAtBack.filter((code) => !TARGET_FAILURES.includes(code))).toEqual([]);
          // The run goes on by itself (no click) once MAST answers again.
          await expect.poll(() => stored(page), { timeout: 120_000, interval: 200 }).toBeGreaterThan(storedAtBack);
          await expect.poll(() => banner().isVisible(), { timeout: 60_000 }).toBe(false);
          note(`going on by itself ${((Date.now() - back) / 1000).toFixed(1)} s after MAST answered again`);
          const at = (ms: number) => `${((ms - t0) / 1000).toFixed(1)} s`;
          const probes = chaos.log.filter((e) => e.method === 'HEAD' && e.time >= outageStart).map((e) => `${at(e.time)} ${e.fault ?? e.status}`);
          note(`probes: ${probes.join(', ') || 'none'}`);
          // MAST was asked with the light probe (HEAD), not by downloading light curves again.
          expect(probes.length).toBeGreaterThan(0);
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
      console.log(`chaos run (seed ${SEED}) failed; replay with CHAOS_SEED=${SEED}\n  ${timeline.join('\n  ')}`);
      const shown = await page.locator('main').innerText({ timeout: 5_000 }).catch((e: unknown) => `unreadable (${String(e)})`);
      console.log(`page at the failure (page errors: ${errors.length ? errors.join('; ') : 'none'}):\n${shown.slice(0, 1500)}`);
      if (process.env.CHAOS_VERBOSE) await page.screenshot({ path: path.join(os.tmpdir(), `chaos-${SEED}.png`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await browser.close();
    }
  }, 480_000);
});
