/**
 * `cli bls` over several threads: the period grid cut into contiguous slices of about equal
 * estimated cost, one per thread (this one included), each searched by the same kernel, the
 * slices' arrays joined in period order. Every period is searched on its own, so the joined periodogram is the
 * one-thread periodogram bit for bit (the astropy parity tests run through this path).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, toAppError } from '../../lib/errors.ts';
import { createBlsEngine } from '../../lib/kernels/bls-kernel.ts';
import { loadKernelBytes, type KernelTarget } from '../../lib/kernels/node.ts';
import { blsMemoryBytes, estimateSeconds, maxBinCount } from '../../lib/search/bls-plan.ts';
import { validateBls } from '../../lib/search/bls-prepare.ts';
import type { BlsEngine, BlsInput, BlsOptions, BlsPeriodogram } from '../../lib/search/bls-types.ts';
import { startNodeThread } from '../../lib/workers/node-thread.ts';

const BLS_THREAD_ROLE = 'transit-features-bls';
const FIELDS = ['period', 'power', 'depth', 'depthErr', 'duration', 'transitTime', 'depthSnr', 'logLikelihood'] as const;

interface Slice {
  input: BlsInput;
  options: BlsOptions;
}

type Answer = { out: BlsPeriodogram } | { error: { name: string; message: string } };

export function isBlsThread(): boolean {
  return parentPort !== null && (workerData as { role?: string } | undefined)?.role === BLS_THREAD_ROLE;
}

/** The thread's side: searches the slices it is sent, one at a time. */
export function serveBlsSlices(): void {
  const engine = loadKernelBytes((workerData as { kernel: KernelTarget }).kernel).then((b) => createBlsEngine(b));
  parentPort!.on('message', async (slice: Slice) => {
    let answer: Answer;
    try {
      answer = { out: (await engine).power(slice.input, slice.options) };
    } catch (err) {
      const e = toAppError(err, 'kernel-error');
      answer = { error: { name: e.name, message: e.message } };
    }
    parentPort!.postMessage(answer, 'out' in answer ? FIELDS.map((f) => answer.out[f].buffer as ArrayBuffer) : []);
  });
}

/** Contiguous period ranges [start, end) of about equal estimated cost. */
function slices(input: BlsInput, options: BlsOptions, count: number): Array<[number, number]> {
  const { periods, durations, oversample, durationRanges: r } = options;
  const cost = new Float64Array(periods.length);
  let total = 0;
  for (let i = 0; i < periods.length; i++) {
    const ranges = r && { first: r.first.subarray(i, i + 1), count: r.count.subarray(i, i + 1), periodBins: r.periodBins };
    total += cost[i] = estimateSeconds(input.time.length, periods.subarray(i, i + 1), durations, oversample, ranges);
  }
  const out: Array<[number, number]> = [];
  let start = 0;
  let sum = 0;
  for (let i = 0; i < periods.length; i++) {
    sum += cost[i];
    if (sum >= (total * (out.length + 1)) / count && out.length < count - 1) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < periods.length) out.push([start, periods.length]);
  return out;
}

function sliceOptions(options: BlsOptions, [a, b]: [number, number]): BlsOptions {
  const r = options.durationRanges;
  return {
    ...options,
    periods: options.periods.slice(a, b),
    durationRanges: r && { first: r.first.slice(a, b), count: r.count.slice(a, b), periodBins: r.periodBins },
  };
}

/**
 * `engine.power(input, options)`, computed by `threads` worker threads started from `entry`. Input
 * errors and the memory budget are checked here first, on the whole grid, with the engine's own
 * messages; one thread (or a grid too small to share) runs on `engine` in this thread.
 */
export async function powerInThreads(engine: BlsEngine, input: BlsInput, options: BlsOptions, threads: number, entry: string, kernel: KernelTarget): Promise<BlsPeriodogram> {
  validateBls(input, options);
  const overBudget =
    options.memoryBudget !== undefined &&
    blsMemoryBytes(input.time.length, options.periods.length, options.durations.length, maxBinCount(options.periods, options.durations, options.oversample, options.durationRanges ?? null)) > options.memoryBudget;
  const n = Math.min(threads, Math.floor(options.periods.length / 64));
  if (n <= 1 || overBudget) return engine.power(input, options);

  // One slice per thread; this thread searches the first while the others start and search theirs.
  const ranges = slices(input, options, n);
  const workers = ranges.slice(1).map(() => startNodeThread(entry, { role: BLS_THREAD_ROLE, kernel }));
  let results: BlsPeriodogram[];
  try {
    const others = workers.map(
      (worker, w) =>
        new Promise<BlsPeriodogram>((resolve, reject) => {
          worker.once('exit', (code) => reject(new AppError('kernel-error', `a BLS thread stopped (exit code ${code})`)));
          worker.once('error', reject);
          worker.once('message', (a: Answer) => ('error' in a ? reject(new AppError(a.error.name as AppError['name'], a.error.message)) : resolve(a.out)));
          worker.postMessage({ input, options: sliceOptions(options, ranges[w + 1]) } satisfies Slice);
        }),
    );
    // If this thread's slice throws, the others are abandoned: their rejections are not errors then.
    for (const p of others) p.catch(() => {});
    const own = engine.power(input, sliceOptions(options, ranges[0]));
    results = [own, ...(await Promise.all(others))];
  } finally {
    for (const w of workers) void w.terminate();
  }
  const out = { ...results[0] };
  for (const f of FIELDS) {
    const joined = new Float64Array(options.periods.length);
    let at = 0;
    for (const r of results) {
      joined.set(r[f], at);
      at += r[f].length;
    }
    out[f] = joined;
  }
  return out;
}
