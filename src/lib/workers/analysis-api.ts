import * as Comlink from 'comlink';
import { AppError, toAppError } from '../errors.ts';
import type { AnalysisContext } from '../jobs/runner.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import { analyzeFiles } from '../search/analyze.ts';
import { estimateSeconds } from '../search/bls-plan.ts';
import type { BlsEngine } from '../search/bls-types.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import { sharedTlsStep } from '../search/tls-columns.ts';
import { searchChunk, type ChunkOutput, type TlsEngine, type TlsHelpers, type TlsKernelInput } from '../search/tls/index.ts';
import { periodSeconds } from '../search/tls/prepare.ts';

/** How a worker gets its kernels (fetched in the browser, read from disk in Node tests). */
export interface EngineLoaders {
  bls(): Promise<BlsEngine>;
  tls(): Promise<TlsEngine>;
}

/** Where a worker reports the planned time of each search it starts (the pool's watchdog). */
export interface PlanReport {
  planned(seconds: number): void;
}

/**
 * The engines as the analysis sees them, with each search's planned time reported before it runs:
 * the BLS cost model of the grid (bls-plan.ts), the TLS estimate of its whole period grid. The
 * report is a message to the main thread; it is not awaited, so it leaves even while the kernel runs.
 */
function reporting(bls: BlsEngine, tls: TlsEngine | undefined, report: PlanReport) {
  const say = (seconds: number) => void Promise.resolve(report.planned(seconds)).catch(() => {});
  const blsEngine: BlsEngine = {
    version: bls.version,
    power(input, options) {
      say(estimateSeconds(input.time.length, options.periods, options.durations, options.oversample, options.durationRanges ?? null));
      return bls.power(input, options);
    },
  };
  const tlsEngine: TlsEngine | undefined = tls && {
    version: tls.version,
    begin(input) {
      let seconds = 0;
      for (let p = 0; p < input.periods.length; p++) seconds += periodSeconds(input, p);
      say(seconds);
      tls.begin(input);
    },
    run: (first, count) => tls.run(first, count),
    finish: () => tls.finish(),
  };
  return { blsEngine, tlsEngine };
}

/**
 * What an analysis worker does, apart from how it is reached: analyse a target (with the pool's
 * helpers for its TLS grid when given), or compute a chunk of another worker's TLS grid. Transport
 * only: the numeric work is in lib/search and lib/kernels. Each kernel is compiled lazily, once per
 * worker. `chunkSeconds` (tests only) cuts TLS grids finer than the default.
 */
export function createAnalysisApi(load: EngineLoaders, options: { chunkSeconds?: number } = {}) {
  let engine: Promise<BlsEngine> | null = null;
  let tlsEngine: Promise<TlsEngine> | null = null;
  /** The kernel input of the search this worker last helped with, sent once per search. */
  let shared: { key: number; kernel: TlsKernelInput } | null = null;

  return {
    async analyze(
      files: LightCurveFile[],
      settings: SearchSettings,
      context: AnalysisContext = {},
      helpers?: TlsHelpers,
      report?: PlanReport,
    ): Promise<TargetResult> {
      shared = null;
      try {
        engine ??= load.bls();
        const bls = await engine;
        const tls = settings.runTls ? await (tlsEngine ??= load.tls()) : undefined;
        const engines = report ? reporting(bls, tls, report) : { blsEngine: bls, tlsEngine: tls };
        const tlsSharing = helpers && { helpers, chunkSeconds: options.chunkSeconds };
        return await analyzeFiles(files, settings, engines.blsEngine, { ...context, tls: sharedTlsStep(engines.tlsEngine, tlsSharing) });
      } catch (err) {
        // A failed target is a result, returned whole so its code and message survive the boundary.
        const e = toAppError(err, 'kernel-error');
        if (e.name === 'kernel-trap') {
          engine = null;
          tlsEngine = null;
        }
        return { status: 'failed', error: { code: e.name, message: e.message }, features: {} };
      } finally {
        (helpers as Partial<Comlink.Remote<TlsHelpers>> | undefined)?.[Comlink.releaseProxy]?.();
        (report as Partial<Comlink.Remote<PlanReport>> | undefined)?.[Comlink.releaseProxy]?.();
      }
    },

    /** Periods [first, first + count) of search `key`; `kernel` comes with a worker's first chunk of a search. */
    async searchChunk(key: number, kernel: TlsKernelInput | undefined, first: number, count: number): Promise<ChunkOutput> {
      if (kernel) shared = { key, kernel };
      if (!shared || shared.key !== key) throw new AppError('kernel-error', `TLS chunk of search ${key}, whose input this worker does not hold`);
      const chunk = searchChunk(shared.kernel, await (tlsEngine ??= load.tls()), first, count);
      return Comlink.transfer(chunk, [chunk.out.chi2.buffer, chunk.out.row.buffer, chunk.out.depth.buffer]);
    },
  };
}

export type AnalysisWorkerApi = ReturnType<typeof createAnalysisApi>;
