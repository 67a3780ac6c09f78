// One target's TLS grid split across workers (src/lib/search/tls/split.ts): the chunk plan, the
// board's claims (src/lib/workers/chunk-board.ts), and the owner's loop with fake helpers (each with its own real TLS engine) that
// succeed, throw, are slow or never answer. Whatever they do, the output is the unsplit one, bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTlsEngine } from '../../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../src/lib/kernels/tls-node.ts';
import { prepareLightCurve } from '../../src/lib/search/prepare.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { ChunkBoard } from '../../src/lib/workers/chunk-board.ts';
import {
  periodChunks,
  prepareTls,
  runTls,
  runTlsShared,
  searchChunk,
  searchPeriods,
  searchPeriodsShared,
  type PreparedTls,
  type TlsEngine,
  type TlsHelpers,
  type ChunkOutput,
  type TlsKernelOutput,
} from '../../src/lib/search/tls/index.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';
import { synthetic } from '../kernels/synthetic.ts';

const bytes = await loadTlsKernelBytes('release');
const engine = () => createTlsEngine(bytes);

/** Seeded light curve with a 3.1-day transit; periods 1–6 d: about 1,300 periods, under a second. */
const LC = synthetic({
  seed: 7,
  points: 1200,
  start: 0,
  cadence: 0.02,
  noise: 5e-4,
  withErrors: true,
  injection: { period: 3.1, transitTime: 1.3, depth: 3e-3, duration: 0.12 },
});
const OPTIONS = { periodMin: 1, periodMax: 6 };
/** Estimated seconds per chunk: about 19 chunks of this grid. */
const SMALL_CHUNKS = 0.02;

type Behaviour = 'ok' | 'throw' | 'hang' | 'stale' | { delayMs: number };

/**
 * The pool's side, in-process: a board, and helpers that each take one chunk at a time on a later
 * turn of the event loop (as a worker's message would arrive) and compute it with their own engine.
 */
async function fakeHelpers(behaviours: Behaviour[]) {
  const engines = await Promise.all(behaviours.map(() => engine()));
  const busy = behaviours.map(() => false);
  const computed = behaviours.map(() => 0);
  let board: ChunkBoard | null = null;
  let kernel: PreparedTls['kernel'] | null = null;
  let closes = 0;
  const dispatch = () => {
    behaviours.forEach((behaviour, w) => {
      const b = board;
      if (busy[w] || !b) return;
      const index = b.claimForHelper();
      if (index === null) return;
      busy[w] = true;
      const { first, count } = b.chunks[index];
      const finish = (chunk: ChunkOutput | null) => {
        if (chunk) {
          computed[w]++;
          b.helperDone(index, chunk, w + 100);
        } else b.helperFailed(index);
        busy[w] = false;
        dispatch();
      };
      if (behaviour === 'hang') return;
      const compute = (): ChunkOutput | null => {
        if (behaviour === 'throw') return null;
        // another kernel build: its numbers (here zeros) must not be used
        if (behaviour === 'stale') return { out: { chi2: new Float64Array(count), row: new Int32Array(count), depth: new Float64Array(count) }, version: 'another build' };
        return searchChunk(kernel!, engines[w], first, count);
      };
      setTimeout(() => finish(compute()), typeof behaviour === 'object' ? behaviour.delayMs : 0);
    });
  };
  const helpers: TlsHelpers = {
    share: async (k, chunks, version) => {
      kernel = k;
      board = new ChunkBoard(chunks, version);
      dispatch();
    },
    next: (patienceMs) => board!.next(patienceMs),
    close: async () => {
      closes++;
      board?.close();
    },
  };
  return { helpers, computed, closes: () => closes, board: () => board! };
}

describe('TLS grid split across workers', () => {
  let prepared: PreparedTls;
  let whole: TlsKernelOutput;
  beforeAll(async () => {
    prepared = prepareTls(LC, OPTIONS);
    whole = searchPeriods(prepared, await engine());
  });

  it('cuts the grid into consecutive chunks of bounded estimated cost that cover it once', () => {
    const chunks = periodChunks(prepared.kernel, SMALL_CHUNKS);
    expect(chunks.length).toBeGreaterThan(10);
    let next = 0;
    for (const c of chunks) {
      expect(c.first).toBe(next);
      expect(c.count).toBeGreaterThan(0);
      next += c.count;
    }
    expect(next).toBe(prepared.kernel.periods.length);
    const total = chunks.reduce((s, c) => s + c.seconds, 0);
    expect(total / prepared.plan.estimatedSeconds).toBeCloseTo(1, 9);
    // every chunk reaches the target but the last, and one period fewer would not have
    for (const c of chunks.slice(0, -1)) expect(c.seconds).toBeGreaterThanOrEqual(SMALL_CHUNKS);
    expect(Math.max(...chunks.map((c) => c.seconds))).toBeLessThan(2 * SMALL_CHUNKS);
    // the default is about a second of estimated work: this small grid is then one chunk or two
    expect(periodChunks(prepared.kernel).length).toBeLessThanOrEqual(2);
  });

  it('with helpers gives the unsplit output bit for bit, and counts the workers', async () => {
    const fake = await fakeHelpers(['ok', 'ok']);
    const progress: number[] = [];
    const { out, workers } = await searchPeriodsShared(prepared, await engine(), fake.helpers, {
      chunkSeconds: SMALL_CHUNKS,
      onProgress: (done) => progress.push(done),
    });
    expect(out).toEqual(whole);
    expect(Buffer.from(out.chi2.buffer).equals(Buffer.from(whole.chi2.buffer))).toBe(true);
    expect(fake.computed[0]).toBeGreaterThan(0);
    expect(fake.computed[1]).toBeGreaterThan(0);
    expect(workers).toBe(3);
    expect(fake.closes()).toBe(1);
    // progress only grows, and ends at the whole grid
    expect(progress.every((p, i) => i === 0 || p > progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBe(prepared.kernel.periods.length);
  });

  it('recomputes the chunk of a helper that throws, which is not offered to a helper again', async () => {
    const fake = await fakeHelpers(['throw', 'ok']);
    const { out, workers } = await searchPeriodsShared(prepared, await engine(), fake.helpers, { chunkSeconds: SMALL_CHUNKS });
    expect(out).toEqual(whole);
    expect(fake.computed[0]).toBe(0);
    expect(fake.computed[1]).toBeGreaterThan(0);
    expect(workers).toBe(2);
  });

  it('recomputes the chunks a helper computed with another kernel build', async () => {
    const fake = await fakeHelpers(['stale']);
    const { out, workers } = await searchPeriodsShared(prepared, await engine(), fake.helpers, { chunkSeconds: SMALL_CHUNKS });
    expect(fake.computed[0]).toBeGreaterThan(0);
    expect(out).toEqual(whole);
    expect(workers).toBe(1);
  });

  it('takes back the chunk of a helper that never answers, after its patience', async () => {
    const fake = await fakeHelpers(['hang']);
    const started = performance.now();
    const { out, workers } = await searchPeriodsShared(prepared, await engine(), fake.helpers, { chunkSeconds: SMALL_CHUNKS, patienceMs: 300 });
    expect(out).toEqual(whole);
    expect(workers).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('works on while a helper is slow, uses its chunk when it comes, and ignores it once taken back', async () => {
    const slow = await fakeHelpers([{ delayMs: 150 }]);
    const r = await searchPeriodsShared(prepared, await engine(), slow.helpers, { chunkSeconds: SMALL_CHUNKS, patienceMs: 10_000 });
    expect(r.out).toEqual(whole);
    expect(slow.computed[0]).toBeGreaterThan(0);
    expect(r.workers).toBe(2);
    // too slow for the owner's patience: its last chunk is computed by the owner, its answer dropped
    const late = await fakeHelpers([{ delayMs: 400 }]);
    const l = await searchPeriodsShared(prepared, await engine(), late.helpers, { chunkSeconds: SMALL_CHUNKS, patienceMs: 50 });
    expect(l.out).toEqual(whole);
  });

  it('without helpers, or with one chunk, is the plain search', async () => {
    expect(await searchPeriodsShared(prepared, await engine(), undefined, { chunkSeconds: SMALL_CHUNKS })).toEqual({ out: whole, workers: 1 });
    const fake = await fakeHelpers(['ok']);
    expect(await searchPeriodsShared(prepared, await engine(), fake.helpers, { chunkSeconds: 1e9 })).toEqual({ out: whole, workers: 1 });
    expect(fake.computed[0]).toBe(0);
  });

  it('closes the board on an abort and on an owner error, so helpers are left nothing', async () => {
    const fake = await fakeHelpers(['hang']);
    const controller = new AbortController();
    const search = searchPeriodsShared(prepared, await engine(), fake.helpers, {
      chunkSeconds: SMALL_CHUNKS,
      signal: controller.signal,
      onProgress: (done) => done > 100 && controller.abort(),
    });
    await expect(search).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.closes()).toBe(1);
    expect(fake.board().offered).toBe(0);
    expect(fake.board().claimForHelper()).toBeNull();

    const broken: TlsEngine = { ...(await engine()), version: 'x', begin() {}, run() { throw new Error('trap'); }, finish: () => whole };
    const other = await fakeHelpers(['hang']);
    await expect(searchPeriodsShared(prepared, broken, other.helpers, { chunkSeconds: SMALL_CHUNKS })).rejects.toThrow('trap');
    expect(other.closes()).toBe(1);
    expect(other.board().offered).toBe(0);
  });

  it('gives the same TLS result as runTls on a real light curve (K2 campaign 5, full grid)', async () => {
    const { lc } = prepareLightCurve([lightCurveFile('ktwo211495446-c05_llc.fits')], DEFAULT_SEARCH_SETTINGS);
    const input = { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr };
    const e = await engine();
    const plain = runTls(input, {}, e);
    const fake = await fakeHelpers(['ok', 'ok', 'ok']);
    const { result, workers } = await runTlsShared(input, {}, e, fake.helpers);
    expect(result).toEqual(plain);
    expect(result.periods.length).toBeGreaterThan(5000);
    expect(workers).toBeGreaterThan(1);
  }, 60_000);
});

describe('ChunkBoard', () => {
  const chunks = [0, 1, 2, 3].map((i) => ({ first: i * 10, count: 10, seconds: 1 }));
  const out = { chi2: new Float64Array(10), row: new Int32Array(10), depth: new Float64Array(10) };
  const chunk = { out, version: 'v' };

  it('gives the owner the front and helpers the back, and ends when every chunk is handed over', async () => {
    const board = new ChunkBoard(chunks, 'v');
    expect(board.claimForHelper()).toBe(3);
    expect(await board.next(1000)).toEqual({ run: 0, done: [] });
    expect(board.claimForHelper()).toBe(2);
    board.helperDone(3, chunk, 7);
    expect(await board.next(1000)).toEqual({ run: 1, done: [{ index: 3, out, version: 'v', worker: 7 }] });
    // nothing open: the owner waits for the helper
    const waiting = board.next(1000);
    board.helperDone(2, chunk, 8);
    expect(await waiting).toEqual({ done: [{ index: 2, out, version: 'v', worker: 8 }] });
    expect(await board.next(1000)).toEqual({ done: [], end: true });
  });

  it('a failed chunk, or one from another kernel build, goes to the owner only; a late answer after it was taken back is dropped', async () => {
    let now = 0;
    const board = new ChunkBoard(chunks.slice(0, 2), 'v', () => now);
    expect(board.claimForHelper()).toBe(1);
    board.helperDone(1, { out, version: 'another build' }, 9);
    expect(board.offered).toBe(1);
    expect(board.claimForHelper()).toBe(0);
    expect(board.claimForHelper()).toBeNull();
    expect(await board.next(1000)).toEqual({ run: 1, done: [] });
    now = 5000;
    // the helper's chunk 0 is older than the patience: the owner takes it
    expect(await board.next(1000)).toEqual({ run: 0, done: [] });
    board.helperDone(0, chunk, 9);
    expect(await board.next(1000)).toEqual({ done: [], end: true });
  });

  it('close wakes a waiting owner with an AbortError and withdraws every chunk', async () => {
    const board = new ChunkBoard(chunks, 'v');
    for (let i = 0; i < 3; i++) board.claimForHelper();
    await board.next(60_000);
    const waiting = board.next(60_000);
    board.close();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(board.claimForHelper()).toBeNull();
    board.helperDone(3, chunk, 1);
    await expect(board.next(1000)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
