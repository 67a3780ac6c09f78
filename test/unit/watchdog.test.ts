// The analysis watchdog on a manual clock, alone and inside the worker pool (fake workers in this
// thread): time limits from the reported plan, termination and replacement on expiry, and aborts
// that stop a running analysis at once.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetResult } from '../../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import type { AnalysisWorkerApi, PlanReport } from '../../src/lib/workers/analysis-api.ts';
import { WorkerPool } from '../../src/lib/workers/pool.ts';
import { DEFAULT_TIME_LIMITS, timeLimitSeconds, Watchdog, type Expiry } from '../../src/lib/workers/watchdog.ts';
import { FakeWorker } from '../helpers/fake-worker.ts';
import { ManualTimers, settle } from '../helpers/manual-timers.ts';

describe('Watchdog', () => {
  it('gives the floor until a plan is known, then floor + factor × plan, never more than the cap', () => {
    expect(timeLimitSeconds(0)).toBe(60);
    expect(timeLimitSeconds(2.5)).toBe(85);
    expect(timeLimitSeconds(1000)).toBe(DEFAULT_TIME_LIMITS.capSeconds);
    expect(timeLimitSeconds(2, { floorSeconds: 5, factor: 3, capSeconds: 8 })).toBe(8);
  });

  it('expires once at the deadline the plans set, and not after stop', async () => {
    const timers = new ManualTimers();
    const expired: Expiry[] = [];
    const w = new Watchdog((e) => expired.push(e), DEFAULT_TIME_LIMITS, timers).start();
    await timers.advance(50_000);
    w.plan(1); // BLS: the limit becomes 70 s
    w.plan(0.5); // a second search: 75 s
    w.plan(Number.NaN);
    await timers.advance(24_000);
    expect(expired).toEqual([]);
    await timers.advance(2_000);
    expect(expired).toEqual([{ elapsedSeconds: 75, limitSeconds: 75, plannedSeconds: 1.5 }]);
    await timers.advance(100_000);
    expect(expired).toHaveLength(1);

    const stopped = new Watchdog((e) => expired.push(e), DEFAULT_TIME_LIMITS, timers).start();
    stopped.stop();
    await timers.advance(100_000);
    expect(expired).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });
});

/** A stand-in analysis API: `hang` ids report a plan (when given) and never answer; others answer at once. */
function stubApi(hang: Map<number, number | null>, calls: number[]): AnalysisWorkerApi {
  return {
    async analyze(files, _settings, _context, _helpers, report?: PlanReport) {
      const id = new Float64Array(files[0].bytes)[0];
      calls.push(id);
      if (hang.has(id)) {
        const planned = hang.get(id);
        if (planned != null) void report?.planned(planned);
        return new Promise<TargetResult>(() => {});
      }
      return { status: 'ok', features: { bls_period: id } };
    },
    async searchChunk() {
      throw new Error('not used');
    },
  } as AnalysisWorkerApi;
}

const file = (id: number) => [{ name: `${id}.fits`, bytes: new Float64Array([id]).buffer }];

describe('WorkerPool under its watchdog', () => {
  let pool: WorkerPool | null = null;
  afterEach(() => pool?.terminate());

  function setup(hang: Map<number, number | null>, size = 1) {
    const timers = new ManualTimers();
    const workers: FakeWorker[] = [];
    const calls: number[] = [];
    pool = new WorkerPool(
      size,
      () => {
        const w = new FakeWorker(() => stubApi(hang, calls));
        workers.push(w);
        return w as unknown as Worker;
      },
      { timers },
    );
    return { pool, timers, workers, calls };
  }

  async function until(check: () => boolean) {
    for (let i = 0; i < 200 && !check(); i++) await settle();
    expect(check()).toBe(true);
  }

  it('stops an analysis that runs past the limit its plan sets, fails it with timeout and replaces the worker', async () => {
    const { pool, timers, workers, calls } = setup(new Map([[7, 2]]));
    const outcome = pool.analyze(file(7), DEFAULT_SEARCH_SETTINGS).then(
      () => 'resolved',
      (e: { name: string; message: string }) => e,
    );
    await until(() => calls.length === 1);
    await settle();
    // planned 2 s: the limit is 60 + 10 × 2 = 80 s
    await timers.advance(79_000);
    expect(workers[0].terminated).toBe(false);
    await timers.advance(1_000);
    const err = (await outcome) as { name: string; message: string };
    expect(err.name).toBe('timeout');
    expect(err.message).toMatch(/time limit of 80 s \(its searches were planned at 2 s on one core\)/);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    // The new worker takes the next target.
    expect(await pool.analyze(file(8), DEFAULT_SEARCH_SETTINGS)).toMatchObject({ status: 'ok', features: { bls_period: 8 } });
  });

  it('gives an analysis without a plan the floor', async () => {
    const { pool, timers, calls } = setup(new Map([[7, null]]));
    const outcome = pool.analyze(file(7), DEFAULT_SEARCH_SETTINGS).catch((e: Error) => e.name);
    await until(() => calls.length === 1);
    await timers.advance(60_000);
    expect(await outcome).toBe('timeout');
  });

  it('stops a running analysis at once on abort, and drops a queued one before it reaches a worker', async () => {
    const { pool, timers, workers, calls } = setup(new Map([[7, null]]));
    const running = new AbortController();
    const queued = new AbortController();
    const first = pool.analyze(file(7), DEFAULT_SEARCH_SETTINGS, {}, running.signal).catch((e: Error) => e.name);
    const second = pool.analyze(file(9), DEFAULT_SEARCH_SETTINGS, {}, queued.signal).catch((e: Error) => e.name);
    await until(() => calls.length === 1);
    queued.abort(new DOMException('paused', 'AbortError'));
    expect(await second).toBe('AbortError');
    running.abort(new DOMException('paused', 'AbortError'));
    expect(await first).toBe('AbortError');
    expect(workers[0].terminated).toBe(true);
    expect(calls).toEqual([7]);
    // Nothing is left to expire.
    await timers.advance(10 * 60_000);
    expect(await pool.analyze(file(3), DEFAULT_SEARCH_SETTINGS)).toMatchObject({ status: 'ok' });
  });

  it('passes the plan over the worker boundary from the real analysis API', async () => {
    // The report travels as a Comlink proxy, as in the browser.
    const reported: number[] = [];
    const { createAnalysisApi } = await import('../../src/lib/workers/analysis-api.ts');
    const { createBlsEngine } = await import('../../src/lib/kernels/bls-kernel.ts');
    const { loadKernelBytes } = await import('../../src/lib/kernels/node.ts');
    const { readFileSync } = await import('node:fs');
    const { LIGHTCURVES } = await import('../helpers/paths.ts');
    const bytes = await loadKernelBytes('release');
    const api = createAnalysisApi({ bls: () => createBlsEngine(bytes), tls: () => Promise.reject(new Error('no TLS')) });
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(api, port2);
    const remote = Comlink.wrap<AnalysisWorkerApi>(port1);
    const fits = readFileSync(`${LIGHTCURVES}/kplr011442793-2010009091648_llc.fits`);
    const result = await remote.analyze(
      [{ name: 'kplr011442793-2010009091648_llc.fits', bytes: fits.buffer.slice(fits.byteOffset, fits.byteOffset + fits.byteLength) }],
      DEFAULT_SEARCH_SETTINGS,
      {},
      undefined,
      Comlink.proxy({ planned: (s: number) => void reported.push(s) }),
    );
    await settle();
    port1.close();
    expect(result.status).toBe('ok');
    // One report per kernel call: the search, then refinement's fine grid and its period (issue 13).
    expect(reported.length).toBeGreaterThanOrEqual(1);
    for (const seconds of reported) expect(seconds).toBeGreaterThan(0);
    expect(reported.reduce((a, b) => a + b, 0)).toBeLessThan(60);
  });
});
