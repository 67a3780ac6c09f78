import { AppError, toAppError } from '../errors.ts';
import { qualityMaskKey, type LightCurveFile } from '../lightcurve/file.ts';
import type { CatalogValues } from '../search/input-columns.ts';
import type { StarParams } from '../samples/index.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { JobStore } from './store.ts';
import type { JobRecord, TargetRecord } from './types.ts';

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
  analyze(files: LightCurveFile[], settings: SearchSettings, context?: AnalysisContext): Promise<TargetResult>;
}

/** The network side: every light-curve file of one work unit, or an AppError saying why not. */
export interface LightCurveSource {
  /** `hints.qualityMask` (a `qualityMaskKey`) lets a cache hand over files already cleaned that way. */
  fetchFiles(target: TargetRecord, signal: AbortSignal, hints?: { qualityMask?: string }): Promise<LightCurveFile[]>;
  /** True when the source keeps cleaned arrays, so the analysis should hand them back. */
  readonly keepsCleaned?: boolean;
  /** Keeps the cleaned arrays an analysis returned (the light-curve cache). */
  storeCleaned?(items: NonNullable<TargetResult['cleaned']>): Promise<void>;
}

export interface RunnerEvents {
  /** A result was stored (never called for a duplicate write). */
  onResult?(job: JobRecord, target: TargetRecord, result: TargetResult): void;
  /** The run stopped: finished, paused or failed on storage. */
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
}

/** A downloaded target waiting for a worker. */
interface Prefetched {
  target: TargetRecord;
  files: LightCurveFile[];
  downloadMs: number;
  bytes: number;
}

/**
 * Runs the pending targets of one job in input order, as a pipeline: up to `downloads` targets
 * download at once, ahead of the pool, into a bounded prefetch queue; one loop per worker takes
 * from it, analyses and stores. Workers wait only when nothing is downloaded yet; the network waits
 * only when the queue is full. Pausing stops handing out work; what is in flight finishes and is
 * stored, and downloaded targets not yet analysed stay pending (the light-curve cache makes their
 * second download free). A target whose download or analysis fails is stored as failed with its
 * code; a storage failure stops the run and is reported.
 */
export class JobRunner {
  private paused = false;
  private running: Promise<void> | null = null;
  private readonly controller = new AbortController();
  private readonly downloads: number;
  private readonly prefetch: number;
  /** Wakes the loops of the current pass (set while one runs). */
  private wake: () => void = () => {};

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
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /**
   * Runs until every target is finished or the runner is paused; resolves when in-flight work is stored.
   * A resume while a pause is still draining starts a fresh pass once the old one has stored its work.
   */
  run(jobId: string): Promise<void> {
    this.paused = false;
    const previous = this.running ?? Promise.resolve();
    const current: Promise<void> = previous.then(() => (this.paused ? undefined : this.loop(jobId)));
    this.running = current;
    void current.finally(() => {
      if (this.running === current) this.running = null;
    }).catch(() => {});
    return current;
  }

  pause(): Promise<void> {
    this.paused = true;
    this.wake();
    return this.running ?? Promise.resolve();
  }

  /** Abandons in-flight work (it stays pending in storage and is redone on resume). */
  dispose(): void {
    this.paused = true;
    this.controller.abort(new DOMException('The job was closed', 'AbortError'));
    this.wake();
  }

  private async loop(jobId: string): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (!job) throw new AppError('storage-failed', `job ${jobId} is not in storage`);
    const queue = await this.store.pendingTargets(jobId);
    let next = 0;
    let downloading = 0;
    const ready: Prefetched[] = [];
    let fatal: AppError | undefined;
    let changed!: Promise<void>;
    const arm = () => {
      changed = new Promise<void>((resolve) => (this.wake = resolve));
    };
    const notify = () => {
      const wake = this.wake;
      arm();
      wake();
    };
    arm();
    const stopped = () => this.paused || fatal !== undefined;

    const save = async (target: TargetRecord, result: TargetResult) => {
      try {
        const { job: updated, written } = await this.store.recordResult(jobId, target.key, result);
        if (written) this.events.onResult?.(updated, target, result);
      } catch (err) {
        fatal = toAppError(err, 'storage-failed');
        notify();
      }
    };

    const downloader = async () => {
      while (!stopped() && next < queue.length) {
        if (ready.length + downloading >= this.prefetch) {
          await changed;
          continue;
        }
        const target = queue[next++];
        downloading++;
        const got = await this.download(target, job.settings);
        downloading--;
        if (got && 'failed' in got) await save(target, got.failed);
        else if (got) ready.push(got);
        notify();
      }
    };

    const analyser = async () => {
      while (!stopped()) {
        const item = ready.shift();
        if (!item) {
          if (next >= queue.length && downloading === 0) return;
          await changed;
          continue;
        }
        notify(); // a prefetch place is free
        const result = await this.analyse(item, job.settings);
        if (result) await save(item.target, result);
      }
    };

    await Promise.all([
      ...Array.from({ length: Math.min(this.downloads, Math.max(1, queue.length)) }, downloader),
      ...Array.from({ length: Math.max(1, this.pool.size) }, analyser),
    ]);
    this.wake = () => {};
    if (fatal) {
      this.paused = true;
      this.events.onStop?.('error', fatal);
    } else {
      this.events.onStop?.(next >= queue.length && ready.length === 0 && !this.paused ? 'finished' : 'paused');
    }
  }

  /** One target's files, or its failure; null when the run was abandoned. */
  private async download(target: TargetRecord, settings: SearchSettings): Promise<Prefetched | { failed: TargetResult } | null> {
    const signal = this.controller.signal;
    const t0 = performance.now();
    try {
      const files = await this.source.fetchFiles(target, signal, { qualityMask: qualityMaskKey(settings.qualityMask) });
      if (signal.aborted) return null;
      const bytes = files.reduce((s, f) => s + f.bytes.byteLength, 0);
      return { target, files, downloadMs: performance.now() - t0, bytes };
    } catch (err) {
      if (signal.aborted) return null;
      return { failed: failed(toAppError(err, 'download-failed')) };
    }
  }

  private async analyse(item: Prefetched, settings: SearchSettings): Promise<TargetResult | null> {
    const signal = this.controller.signal;
    const { downloadMs, bytes } = item;
    try {
      const { catalog, candidates, star } = item.target;
      // Without a cache the arrays would be copied out of the worker for nothing.
      const returnCleaned = this.source.keepsCleaned === true;
      const { cleaned, ...result } = await this.pool.analyze(item.files, settings, {
        ...(catalog ? { catalog } : {}),
        ...(candidates ? { candidates } : {}),
        ...(star ? { star } : {}),
        ...(returnCleaned ? { returnCleaned } : {}),
      });
      // The cleaned arrays go to the cache, never into the stored result; a cache failure is the cache's to report.
      if (cleaned && cleaned.length > 0) void this.source.storeCleaned?.(cleaned).catch(() => {});
      if (signal.aborted) return null;
      return { ...result, downloadMs, bytes };
    } catch (err) {
      if (signal.aborted) return null;
      return { ...failed(toAppError(err, 'kernel-error')), downloadMs, bytes };
    }
  }
}

function failed(err: AppError): TargetResult {
  return { status: 'failed', error: { code: err.name, message: err.message }, features: {} };
}
