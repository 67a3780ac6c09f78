import { AppError } from '../errors.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { CatalogValues } from '../search/input-columns.ts';
import type { StarParams } from '../samples/index.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { JobStore } from './store.ts';
import type { JobRecord, TargetRecord } from './types.ts';
import type { OutageOptions, OutageStatus } from './outage.ts';
import { RunPass } from './run-pass.ts';

/** The compute side, as the runner sees it (a pool of WASM workers in the app, in-process in tests). */
/** What the sample list says about a work unit, handed to the analysis with its files. */
export interface AnalysisContext {
  catalog?: CatalogValues;
  /** The star's rows with catalogue values, each measured at its own ephemeris (`TargetResult.candidates`). */
  candidates?: Array<{ row: number; catalog: CatalogValues }>;
  star?: StarParams;
  /** Return the files' cleaned arrays with the result, for the light-curve cache. */
  returnCleaned?: boolean;
}

export interface AnalysisPool {
  readonly size: number;
  /**
   * Analyses one work unit. An abort of `signal` abandons it: a pool that can stops the work at once
   * (the app's terminates the worker) and rejects with an AbortError.
   */
  analyze(files: LightCurveFile[], settings: SearchSettings, context?: AnalysisContext, signal?: AbortSignal): Promise<TargetResult>;
}

/** What the runner tells a source about one fetch. */
export interface FetchHints {
  /** A `qualityMaskKey`: a cache may hand over files already cleaned that way. */
  qualityMask?: string;
  /**
   * Called when a request of this fetch got an answer from a host. A source that tracks hosts
   * (`hostAnswered`) calls it, so that a fetch served wholly from a cache is not taken for
   * MAST answering; for other sources every fetch that ends counts as an answer.
   */
  onAnswer?(): void;
}

/** The network side: every light-curve file of one work unit, or an AppError saying why not. */
export interface LightCurveSource {
  fetchFiles(target: TargetRecord, signal: AbortSignal, hints?: FetchHints): Promise<LightCurveFile[]>;
  /** True when the source keeps cleaned arrays, so the analysis should hand them back. */
  readonly keepsCleaned?: boolean;
  /** Keeps the cleaned arrays an analysis returned (the light-curve cache). */
  storeCleaned?(items: NonNullable<TargetResult['cleaned']>): Promise<void>;
  /** Whether the host of `url` has answered any request of this source (an outage, not a refusal). */
  hostAnswered?(url: string): boolean;
  /** One light request to the host of `url` during an outage; true when it answers at all. */
  probe?(url: string, signal: AbortSignal): Promise<boolean>;
}

export interface RunnerEvents {
  /** A result was stored (never called for a duplicate write). */
  onResult?(job: JobRecord, target: TargetRecord, result: TargetResult): void;
  /** A worker crashed, trapped or timed out on a target: tried again later unless `final` (then it is stored failed). */
  onWorkerFailure?(job: JobRecord, target: TargetRecord, error: AppError, final: boolean): void;
  /** The network status of the run changed: an outage declared, a probe, the end of it. */
  onOutage?(status: OutageStatus): void;
  /**
   * The run stopped: finished, paused (by `pause`, or because the first requests were refused: see
   * `onOutage`) or failed on storage.
   */
  onStop?(reason: 'finished' | 'paused' | 'error', error?: AppError): void;
}

/** How hard the runner pushes the network ahead of the compute pool. */
export interface RunnerOptions {
  /** Targets downloading at once (default 4). */
  downloads?: number;
  /**
   * Targets downloaded or downloading, not yet taken by a worker (default downloads + pool size):
   * the memory bound of the prefetch queue. In-flight downloads count, so at most this many light
   * curves are ever held.
   */
  prefetch?: number;
  /** Outage detection: thresholds and backoff, and a clock for tests. */
  outage?: OutageOptions;
}

/**
 * Runs the pending targets of one job (see RunPass for the pipeline and what becomes of each
 * target). Pausing abandons the work in flight within moments: downloads are aborted, analyses are
 * stopped (the app's pool terminates their workers), and those targets stay pending. A result that
 * still arrives after a pause is stored; after `dispose` (the page closing) it is not. A storage
 * failure stops the run and is reported. No DOM: the CLI runs it in Node.
 */
export class JobRunner {
  private paused = false;
  private disposed = false;
  private running: Promise<void> | null = null;
  private pass: RunPass | null = null;
  private readonly downloads: number;
  private readonly prefetch: number;
  private readonly outageOptions: OutageOptions | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly source: LightCurveSource,
    private readonly pool: AnalysisPool,
    private readonly events: RunnerEvents = {},
    /** Options, or a number: the downloads at once (the old `slots` argument). */
    options: RunnerOptions | number = {},
  ) {
    const o = typeof options === 'number' ? { downloads: options } : options;
    this.downloads = Math.max(1, Math.round(o.downloads ?? 4));
    this.prefetch = Math.max(1, Math.round(o.prefetch ?? this.downloads + pool.size));
    this.outageOptions = o.outage;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** The network status of the current pass (`clear` when none runs). */
  get outage(): OutageStatus {
    return this.pass?.outage.current ?? { kind: 'clear' };
  }

  /**
   * Runs until every target is finished or the runner is paused; resolves when in-flight work has
   * settled. A resume while a pause is still draining starts a fresh pass once the old one has ended.
   */
  run(jobId: string): Promise<void> {
    this.paused = false;
    const previous = this.running ?? Promise.resolve();
    const current: Promise<void> = previous.then(() => (this.paused || this.disposed ? undefined : this.loop(jobId)));
    this.running = current;
    void current.finally(() => {
      if (this.running === current) this.running = null;
    }).catch(() => {});
    return current;
  }

  /** Stops the run: work in flight is abandoned (it stays pending); resolves when it has settled. */
  pause(): Promise<void> {
    this.paused = true;
    this.pass?.stop();
    return this.running ?? Promise.resolve();
  }

  /** During an outage: ask the host again now instead of at the next probe. */
  probeNow(): void {
    this.pass?.outage.probeNow();
  }

  /** Abandons the run for good (the page closes): nothing more is stored. */
  dispose(): void {
    this.disposed = true;
    this.paused = true;
    this.pass?.stop();
  }

  private async loop(jobId: string): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (!job) throw new AppError('storage-failed', `job ${jobId} is not in storage`);
    const pending = await this.store.pendingTargets(jobId);
    const pass = new RunPass(
      {
        store: this.store,
        source: this.source,
        pool: this.pool,
        events: this.events,
        downloads: this.downloads,
        prefetch: this.prefetch,
        outage: this.outageOptions,
        abandoned: () => this.disposed,
      },
      job,
      pending,
    );
    this.pass = pass;
    if (this.paused) pass.stop();
    const end = await pass.start();
    this.pass = null;
    if (end === 'error') {
      this.paused = true;
      this.events.onStop?.('error', pass.fatal);
    } else {
      this.events.onStop?.(end);
    }
  }
}
