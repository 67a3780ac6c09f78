/**
 * One target's TLS period grid shared with idle workers, by work stealing: the grid is cut into
 * chunks of bounded estimated cost; the worker that owns the target takes chunks from the front, idle
 * workers take them from the back, and the owner joins the parts. The kernel's result at a period does
 * not depend on the other periods searched, so the output is bit for bit the unsplit one.
 *
 * The claims live on a board held by whoever can answer at once (the pool, on the main thread:
 * lib/workers/chunk-board.ts); the owner reaches it through `TlsHelpers`. This module only cuts the
 * grid, computes chunks and joins them: no timers, no transport.
 */
import { AppError } from '../../errors.ts';
import { periodSeconds, prepareTls, type PreparedTls } from './prepare.ts';
import { mergeKernelOutputs, searchPeriodRange, searchPeriods, tlsResult } from './run.ts';
import type { TlsEngine, TlsKernelInput, TlsKernelOutput, TlsLightCurve, TlsOptions, TlsResult } from './types.ts';

/** Periods [first, first + count) and their estimated one-core seconds. */
export interface PeriodChunk {
  first: number;
  count: number;
  seconds: number;
}

/** Estimated seconds per chunk: the estimate runs high, so a few tenths of a second of real work (0.4 s on Kepler-90 Q3–Q5). */
export const CHUNK_SECONDS = 1;

/** How long the owner, with nothing else to do, waits for a helper's chunk before computing it itself. */
const PATIENCE_MIN_MS = 2000;
const PATIENCE_FACTOR = 4;

/** The grid in consecutive chunks of about `targetSeconds` estimated seconds each (one period at least). */
export function periodChunks(kernel: TlsKernelInput, targetSeconds = CHUNK_SECONDS): PeriodChunk[] {
  const chunks: PeriodChunk[] = [];
  const n = kernel.periods.length;
  let first = 0;
  let seconds = 0;
  for (let p = 0; p < n; p++) {
    seconds += periodSeconds(kernel, p);
    if (seconds >= targetSeconds || p === n - 1) {
      chunks.push({ first, count: p + 1 - first, seconds });
      first = p + 1;
      seconds = 0;
    }
  }
  return chunks;
}

/** A helper's part of a search: only its range of periods, and the kernel version that computed it. */
export interface ChunkOutput {
  out: TlsKernelOutput;
  version: string;
}

/** Periods [first, first + count) of a shared search, computed by a helper (only that range, to send back). */
export function searchChunk(kernel: TlsKernelInput, engine: TlsEngine, first: number, count: number): ChunkOutput {
  const out = searchPeriodRange({ kernel }, engine, first, count);
  const range = { chi2: out.chi2.slice(first, first + count), row: out.row.slice(first, first + count), depth: out.depth.slice(first, first + count) };
  return { out: range, version: engine.version };
}

/** A chunk a helper computed; `worker` names the helper, for counting the workers of a search. */
export interface ChunkResult extends ChunkOutput {
  index: number;
  worker: number;
}

/**
 * The owner's next step: run chunk `run` itself (when given); take the helpers' chunks in `done`;
 * stop at `end` (every chunk computed and handed over).
 */
export interface ShareStep {
  run?: number;
  done: ChunkResult[];
  end?: boolean;
}

/** The owner's side of a shared search (a Comlink proxy of the pool's board in the app). */
export interface TlsHelpers {
  /**
   * Offers the chunks of a search to idle workers (replacing any earlier search of this owner);
   * only chunks computed by the same kernel build (`version`) are taken.
   */
  share(kernel: TlsKernelInput, chunks: PeriodChunk[], version: string): Promise<void>;
  /**
   * Marks the chunk last given to the owner as done and returns the next step; waits (at most until
   * a helper's chunk is `patienceMs` old, which the owner then takes back) only when the owner has
   * nothing to run and helpers are still computing.
   */
  next(patienceMs: number): Promise<ShareStep>;
  /** Ends the search: chunks not yet taken are withdrawn, helpers' results still to come are dropped. */
  close(): Promise<void>;
}

/** Helpers for a search, and the chunk size to cut its grid in (default `CHUNK_SECONDS`). */
export interface TlsSharing {
  helpers: TlsHelpers;
  chunkSeconds?: number;
}

export interface SharedOutput {
  out: TlsKernelOutput;
  /** Workers that computed part of the grid: the owner, when it ran any chunk, and each helper. */
  workers: number;
}

export interface ShareOptions extends Pick<TlsOptions, 'onProgress' | 'signal'> {
  /** Estimated seconds per chunk (default `CHUNK_SECONDS`). */
  chunkSeconds?: number;
  /** How long to wait for a helper's chunk before computing it (default from the owner's own chunk times). */
  patienceMs?: number;
}

/**
 * `searchPeriods` with idle workers helping: the same output, bit for bit. Without helpers, or with a
 * grid of one chunk, it is `searchPeriods`. On an error or an abort the board is closed, so helpers'
 * chunks are dropped.
 */
export async function searchPeriodsShared(
  prepared: PreparedTls,
  engine: TlsEngine,
  helpers: TlsHelpers | undefined,
  opts: ShareOptions = {},
): Promise<SharedOutput> {
  const { kernel } = prepared;
  const chunks = periodChunks(kernel, opts.chunkSeconds);
  if (!helpers || chunks.length < 2) return { out: searchPeriods(prepared, engine, opts), workers: 1 };
  const total = kernel.periods.length;
  const parts: { first: number; count: number; out: TlsKernelOutput }[] = [];
  const own: PeriodChunk[] = [];
  const helpersSeen = new Set<number>();
  let searched = 0;
  // until the owner has timed a chunk, the estimate stands in (it runs high)
  let slowestMs = 1000 * chunks.reduce((most, c) => Math.max(most, c.seconds), 0);
  let timed = false;
  await helpers.share(kernel, chunks, engine.version);
  try {
    engine.begin(kernel);
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('TLS search aborted', 'AbortError');
      const step = await helpers.next(opts.patienceMs ?? PATIENCE_MIN_MS + PATIENCE_FACTOR * slowestMs);
      for (const { index, out, worker } of step.done) {
        parts.push({ ...chunks[index], out });
        helpersSeen.add(worker);
        searched += chunks[index].count;
      }
      if (step.run !== undefined) {
        const chunk = chunks[step.run];
        const started = performance.now();
        engine.run(chunk.first, chunk.count);
        const ms = performance.now() - started;
        slowestMs = timed ? Math.max(slowestMs, ms) : ms;
        timed = true;
        own.push(chunk);
        searched += chunk.count;
      }
      if (step.run !== undefined || step.done.length > 0) opts.onProgress?.(searched, total);
      if (step.end) break;
    }
  } finally {
    await helpers.close().catch(() => {});
  }
  const mine = engine.finish();
  for (const { first, count } of own) parts.push({ first, count, out: mine });
  if (parts.length === 0) throw new AppError('kernel-error', 'the shared TLS search ended with no part computed');
  return { out: mergeKernelOutputs(parts, total), workers: helpersSeen.size + (own.length > 0 ? 1 : 0) };
}

/** `runTls` with idle workers helping on the period grid (`searchPeriodsShared`); the same result. */
export async function runTlsShared(
  lc: TlsLightCurve,
  options: TlsOptions & Omit<ShareOptions, keyof TlsOptions>,
  engine: TlsEngine,
  helpers: TlsHelpers | undefined,
): Promise<{ result: TlsResult; workers: number }> {
  const { chunkSeconds, patienceMs, ...tlsOptions } = options;
  const prepared = prepareTls(lc, tlsOptions);
  const { out, workers } = await searchPeriodsShared(prepared, engine, helpers, { ...tlsOptions, chunkSeconds, patienceMs });
  return { result: tlsResult(prepared, out, engine.version), workers };
}
