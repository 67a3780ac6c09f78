import { AppError, toAppError } from '../errors.ts';
import { qualityMaskKey } from '../lightcurve/file.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { TargetResult } from '../search/result.ts';
import { failureKind } from './failures.ts';
import { OutagePolicy, type OutageOptions } from './outage.ts';
import type { AnalysisPool, LightCurveSource, RunnerEvents } from './runner.ts';
import type { JobStore } from './store.ts';
import type { JobRecord, TargetRecord } from './types.ts';

/** A downloaded target waiting for a worker. */
interface Prefetched {
  target: TargetRecord;
  files: LightCurveFile[];
  downloadMs: number;
  bytes: number;
}

export type PassEnd = 'finished' | 'paused' | 'error';

export interface PassParts {
  store: JobStore;
  source: LightCurveSource;
  pool: AnalysisPool;
  events: RunnerEvents;
  downloads: number;
  prefetch: number;
  outage?: OutageOptions;
  /** True once the run is abandoned (the page closes): late results are dropped, not stored. */
  abandoned(): boolean;
}

/**
 * One pass over a job's pending targets, as a pipeline driven by events (`pump` after every change):
 * up to `downloads` targets download at once, ahead of the pool, into a bounded prefetch queue; a
 * worker takes the next downloaded target as soon as it is free. Workers wait only when nothing is
 * downloaded; the network waits only when the queue is full or during an outage.
 *
 * What happens to a target depends on how it ends (failures.ts): a result or a target-specific
 * failure is stored; a network-class failure leaves it pending and tells the outage policy, which
 * may stop downloads until its host answers again; a worker failure (crash, trap, time limit) is
 * counted in storage and the target goes to the back of the queue, until its second one fails it.
 * `stop` abandons what is in flight (aborting downloads and analyses): those targets stay pending.
 */
export class RunPass {
  readonly outage: OutagePolicy;
  readonly done: Promise<PassEnd>;
  fatal: AppError | undefined;
  private readonly queue: TargetRecord[];
  private readonly ready: Prefetched[] = [];
  private readonly controller = new AbortController();
  private downloading = 0;
  private analysing = 0;
  private saving = 0;
  private stopped = false;
  private ended = false;
  private resolve!: (end: PassEnd) => void;

  constructor(
    private readonly parts: PassParts,
    private readonly job: JobRecord,
    pending: TargetRecord[],
  ) {
    this.queue = [...pending];
    this.done = new Promise((resolve) => (this.resolve = resolve));
    const { source } = parts;
    this.outage = new OutagePolicy(
      {
        probe: (err, signal) => {
          const url = typeof err.details.url === 'string' ? err.details.url : '';
          // Without a light request of its own, the source is probed by trying the downloads again.
          return source.probe && url ? source.probe(url, signal) : Promise.resolve(true);
        },
        onChange: (status) => {
          parts.events.onOutage?.(status);
          this.pump();
        },
        answeredBefore: job.done + job.failed > 0,
        ...(source.hostAnswered ? { hostAnswered: (url: string) => source.hostAnswered!(url) } : {}),
      },
      parts.outage,
    );
  }

  start(): Promise<PassEnd> {
    this.pump();
    return this.done;
  }

  /** Abandons the work in flight: downloads and analyses are aborted; their targets stay pending. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.controller.abort(new DOMException('The run was paused', 'AbortError'));
    this.outage.dispose();
    this.pump();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private pump(): void {
    if (this.ended) return;
    const halted = this.stopped || this.fatal !== undefined;
    const refused = this.outage.current.kind === 'first-request-failed';
    if (!halted) {
      if (this.outage.downloadsAllowed) {
        while (this.queue.length > 0 && this.downloading < this.parts.downloads && this.ready.length + this.downloading < this.parts.prefetch) {
          this.download(this.queue.shift()!);
        }
      }
      while (this.ready.length > 0 && this.analysing < this.parts.pool.size) this.analyse(this.ready.shift()!);
    }
    if (this.downloading + this.analysing + this.saving > 0) return;
    if (halted || refused || (this.queue.length === 0 && this.ready.length === 0)) this.end(halted || refused);
  }

  private end(early: boolean): void {
    this.ended = true;
    this.outage.dispose();
    this.resolve(this.fatal ? 'error' : early ? 'paused' : 'finished');
  }

  private download(target: TargetRecord): void {
    const { source } = this.parts;
    const signal = this.signal;
    const t0 = performance.now();
    // Files from a cache say nothing about MAST: only a host's answer ends an outage or a run of failures.
    let answered = !source.hostAnswered;
    const hints = { qualityMask: qualityMaskKey(this.job.settings.qualityMask), onAnswer: () => (answered = true) };
    this.downloading++;
    source
      .fetchFiles(target, signal, hints)
      .then(
        (files) => {
          if (signal.aborted) return;
          if (answered) this.outage.answered(target.key);
          const bytes = files.reduce((s, f) => s + f.bytes.byteLength, 0);
          this.ready.push({ target, files, downloadMs: performance.now() - t0, bytes });
        },
        (err: unknown) => {
          if (signal.aborted) return;
          const e = toAppError(err, 'download-failed');
          if (e.name === 'aborted') return this.queue.push(target);
          if (failureKind(e) !== 'network') {
            this.outage.answered(target.key);
            return this.save(target, failed(e));
          }
          const verdict = this.outage.networkFailure(target.key, e);
          if (verdict === 'fail') this.save(target, failed(e));
          // Behind the others when it alone failed; first in line when downloads resume after an outage.
          else if (verdict === 'requeue') this.queue.push(target);
          else this.queue.unshift(target);
        },
      )
      .finally(() => {
        this.downloading--;
        this.pump();
      });
  }

  private analyse(item: Prefetched): void {
    const { pool, source } = this.parts;
    const signal = this.signal;
    const { target, downloadMs, bytes } = item;
    const { catalog, candidates, star } = target;
    // Without a cache the arrays would be copied out of the worker for nothing.
    const returnCleaned = source.keepsCleaned === true;
    const context = {
      ...(catalog ? { catalog } : {}),
      ...(candidates ? { candidates } : {}),
      ...(star ? { star } : {}),
      ...(returnCleaned ? { returnCleaned } : {}),
    };
    this.analysing++;
    pool
      .analyze(item.files, this.job.settings, context, signal)
      .then(
        ({ cleaned, ...result }) => {
          // The cleaned arrays go to the cache, never into the stored result; a cache failure is the cache's to report.
          if (cleaned && cleaned.length > 0) void source.storeCleaned?.(cleaned).catch(() => {});
          // A result that arrives after a pause is still a result; after the page closes it is not kept.
          if (this.parts.abandoned()) return;
          const err = result.status === 'failed' && result.error ? new AppError(result.error.code, result.error.message) : null;
          if (err && failureKind(err) === 'worker') return this.workerFailed(target, err);
          this.save(target, { ...result, downloadMs, bytes });
        },
        (err: unknown) => {
          if (signal.aborted || this.parts.abandoned()) return;
          const e = toAppError(err, 'kernel-error');
          if (e.name === 'aborted') return this.queue.push(target);
          if (failureKind(e) === 'worker') return this.workerFailed(target, e);
          this.save(target, { ...failed(e), downloadMs, bytes });
        },
      )
      .finally(() => {
        this.analysing--;
        this.pump();
      });
  }

  private save(target: TargetRecord, result: TargetResult): void {
    this.track(async () => {
      const { job, written } = await this.parts.store.recordResult(this.job.id, target.key, result);
      if (written) this.parts.events.onResult?.(job, target, result);
    });
  }

  /** Counted in storage (across reloads); the target runs again later, unless this was its last chance. */
  private workerFailed(target: TargetRecord, err: AppError): void {
    this.track(async () => {
      const { job, target: stored, final, written } = await this.parts.store.recordWorkerFailure(this.job.id, target.key, {
        code: err.name,
        message: err.message,
      });
      if (!written) return;
      this.parts.events.onWorkerFailure?.(job, stored, err, final);
      if (final && stored.result) this.parts.events.onResult?.(job, stored, stored.result);
      else if (!final) this.queue.push(stored);
    });
  }

  /** A storage write; its failure stops the run and is reported. */
  private track(write: () => Promise<void>): void {
    this.saving++;
    write()
      .catch((err: unknown) => {
        this.fatal ??= toAppError(err, 'storage-failed');
      })
      .finally(() => {
        this.saving--;
        this.pump();
      });
  }
}

export function failed(err: AppError): TargetResult {
  return { status: 'failed', error: { code: err.name, message: err.message }, features: {} };
}
