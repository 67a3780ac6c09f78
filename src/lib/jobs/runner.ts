import { AppError, toAppError } from '../errors.ts';
import type { LightCurveFile } from '../search/analyze.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { JobStore } from './store.ts';
import type { JobRecord, TargetRecord } from './types.ts';

/** The compute side, as the runner sees it (a pool of WASM workers in the app, in-process in tests). */
export interface AnalysisPool {
  readonly size: number;
  analyze(files: LightCurveFile[], settings: SearchSettings): Promise<TargetResult>;
}

/** The network side: every light-curve file of one work unit, or an AppError saying why not. */
export interface LightCurveSource {
  fetchFiles(target: TargetRecord, signal: AbortSignal): Promise<LightCurveFile[]>;
}

export interface RunnerEvents {
  /** A result was stored (never called for a duplicate write). */
  onResult?(job: JobRecord, target: TargetRecord, result: TargetResult): void;
  /** The run stopped: finished, paused or failed on storage. */
  onStop?(reason: 'finished' | 'paused' | 'error', error?: AppError): void;
}

/**
 * Hands out the pending targets of one job in input order: download, analyse, store. Pausing stops
 * handing out work; what is in flight finishes and is stored. A target whose download or analysis
 * fails is stored as failed with its code; a storage failure stops the run and is reported.
 */
export class JobRunner {
  private paused = false;
  private running: Promise<void> | null = null;
  private readonly controller = new AbortController();

  constructor(
    private readonly store: JobStore,
    private readonly source: LightCurveSource,
    private readonly pool: AnalysisPool,
    private readonly events: RunnerEvents = {},
    /** Downloads in flight at once: enough to keep every worker fed while the next file arrives. */
    private readonly slots = Math.max(2, pool.size * 2),
  ) {}

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
    return this.running ?? Promise.resolve();
  }

  /** Abandons in-flight work (it stays pending in storage and is redone on resume). */
  dispose(): void {
    this.paused = true;
    this.controller.abort(new DOMException('The job was closed', 'AbortError'));
  }

  private async loop(jobId: string): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (!job) throw new AppError('storage-failed', `job ${jobId} is not in storage`);
    const queue = await this.store.pendingTargets(jobId);
    let next = 0;
    let fatal: AppError | undefined;
    const worker = async () => {
      while (!this.paused && !fatal && next < queue.length) {
        const target = queue[next++];
        const result = await this.process(target, job.settings);
        if (!result) continue; // aborted: stays pending
        try {
          const { job: updated, written } = await this.store.recordResult(jobId, target.key, result);
          if (written) this.events.onResult?.(updated, target, result);
        } catch (err) {
          fatal = toAppError(err, 'storage-failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.slots, Math.max(1, queue.length)) }, worker));
    if (fatal) {
      this.paused = true;
      this.events.onStop?.('error', fatal);
    } else {
      this.events.onStop?.(next >= queue.length && !this.paused ? 'finished' : 'paused');
    }
  }

  private async process(target: TargetRecord, settings: SearchSettings): Promise<TargetResult | null> {
    const signal = this.controller.signal;
    let files: LightCurveFile[];
    const t0 = performance.now();
    try {
      files = await this.source.fetchFiles(target, signal);
    } catch (err) {
      if (signal.aborted) return null;
      return failed(toAppError(err, 'download-failed'));
    }
    const downloadMs = performance.now() - t0;
    const bytes = files.reduce((s, f) => s + f.bytes.byteLength, 0);
    if (signal.aborted) return null;
    try {
      const result = await this.pool.analyze(files, settings);
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
