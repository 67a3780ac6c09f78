import * as Comlink from 'comlink';
import { realTimers, type Timers } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AnalysisContext, AnalysisPool } from '../jobs/runner.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { PeriodChunk, ShareStep, TlsHelpers, TlsKernelInput } from '../search/tls/index.ts';
import { ChunkBoard } from './chunk-board.ts';
import type { AnalysisWorkerApi, PlanReport } from './analysis-api.ts';
import { DEFAULT_TIME_LIMITS, Watchdog, type Expiry, type TimeLimits } from './watchdog.ts';

interface Task {
  files: LightCurveFile[];
  settings: SearchSettings;
  context: AnalysisContext;
  /** Settle once: a worker stopped by the pool may not answer afterwards. */
  resolve(result: TargetResult): void;
  reject(err: unknown): void;
  /** The TLS search this task's worker shares with idle workers, while it runs. */
  shared: SharedSearch | null;
  signal?: AbortSignal;
  watchdog: Watchdog | null;
}

interface SharedSearch {
  key: number;
  kernel: TlsKernelInput;
  board: ChunkBoard;
}

/** A chunk of another worker's TLS grid that an idle worker computes. */
interface Help {
  search: SharedSearch;
  index: number;
  watchdog: Watchdog;
}

interface Slot {
  id: number;
  worker: Worker;
  remote: Comlink.Remote<AnalysisWorkerApi>;
  task: Task | null;
  help: Help | null;
  /** The search whose kernel input this worker holds (sent with its first chunk of that search). */
  holds: number;
}

/** What the pool has done beyond analysing targets, for tests and curious users. */
export interface PoolStats {
  /** TLS chunks that idle workers computed for other workers' targets. */
  helpedChunks: number;
  /** Helpers' chunks that failed (an error or a crash) and went back to their owner. */
  failedChunks: number;
  /** Shared TLS searches in progress. */
  sharedSearches: number;
}

function createAnalysisWorker(): Worker {
  return new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
}

export interface PoolOptions {
  /** Each analysis's time limit (watchdog.ts); the cap comes from Settings. */
  limits?: Partial<TimeLimits>;
  /** The watchdogs' clock (tests). */
  timers?: Timers;
}

/**
 * A fixed number of analysis workers fed from one queue. A worker that dies (an uncaught error, a
 * memory failure) fails only its own task with `worker-crashed` and is replaced. Each analysis runs
 * under a watchdog: past its time limit (derived from the plan the worker reports) the worker is
 * terminated and replaced and the task fails with `timeout`. An aborted task is dropped from the
 * queue, or its worker is terminated and replaced, at once: a pause does not wait for a search.
 *
 * A worker whose queue is empty helps the others' TLS searches: a worker running TLS offers the
 * chunks of its period grid (lib/search/tls/split.ts) and an idle one computes them one at a time,
 * going back to the queue after each. A helper's failure sends its chunk back to the owner; an
 * owner's crash or the pool's end withdraws its chunks.
 */
export class WorkerPool implements AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly searches = new Set<SharedSearch>();
  private spawned = 0;
  private keys = 0;
  private helped = 0;
  private failed = 0;

  private readonly limits: TimeLimits;
  private readonly timers: Timers;

  constructor(
    readonly size: number,
    private readonly create: () => Worker = createAnalysisWorker,
    options: PoolOptions = {},
  ) {
    this.limits = { ...DEFAULT_TIME_LIMITS, ...options.limits };
    this.timers = options.timers ?? realTimers;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get stats(): PoolStats {
    return { helpedChunks: this.helped, failedChunks: this.failed, sharedSearches: this.searches.size };
  }

  analyze(files: LightCurveFile[], settings: SearchSettings, context: AnalysisContext = {}, signal?: AbortSignal): Promise<TargetResult> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      let settled = false;
      const task: Task = {
        files,
        settings,
        context,
        resolve: (r) => settle(() => resolve(r)),
        reject: (e) => settle(() => reject(e)),
        shared: null,
        signal,
        watchdog: null,
      };
      const onAbort = () => this.abort(task);
      const settle = (end: () => void) => {
        if (settled) return;
        settled = true;
        task.watchdog?.stop();
        signal?.removeEventListener('abort', onAbort);
        end();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  terminate(): void {
    for (const slot of this.slots) {
      slot.worker.terminate();
      slot.help?.watchdog.stop();
      slot.task?.reject(new DOMException('The pool was closed', 'AbortError'));
      if (slot.task) this.unshare(slot.task);
    }
    for (const task of this.queue.splice(0)) task.reject(new DOMException('The pool was closed', 'AbortError'));
    for (const search of this.searches) search.board.close();
    this.searches.clear();
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const worker = this.create();
    const slot: Slot = { id: ++this.spawned, worker, remote: Comlink.wrap<AnalysisWorkerApi>(worker), task: null, help: null, holds: 0 };
    const why = (event: Event) => (event as ErrorEvent).message || 'uncaught error';
    worker.addEventListener('error', (event) =>
      this.replace(slot, new AppError('worker-crashed', `the analysis worker stopped (${why(event)}); the target was not analysed`)),
    );
    return slot;
  }

  /**
   * Terminates a slot's worker and puts a fresh one in its place: its task fails with `err`, a
   * chunk it was computing for another worker goes back to that worker.
   */
  private replace(slot: Slot, err: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.terminate();
    if (slot.task) {
      this.unshare(slot.task);
      slot.task.reject(err);
    }
    if (slot.help) {
      slot.help.watchdog.stop();
      this.helpFailed(slot.help);
    }
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  /** An abort: a queued task leaves the queue; a running one takes its worker with it. */
  private abort(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(abortError(task.signal));
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (slot) this.replace(slot, abortError(task.signal));
  }

  private timedOut(slot: Slot, task: Task, expiry: Expiry): void {
    if (slot.task !== task) return;
    const planned = expiry.plannedSeconds > 0 ? `its searches were planned at ${formatSeconds(expiry.plannedSeconds)} on one core` : 'its plan was not known yet';
    this.replace(
      slot,
      new AppError(
        'timeout',
        `the analysis ran past its time limit of ${formatSeconds(expiry.limitSeconds)} (${planned}); its worker was stopped. The limit's cap is in Settings`,
        { ...expiry },
      ),
    );
  }

  /** Queued targets first; a worker with none takes a chunk of a shared TLS search. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || slot.help) continue;
      const task = this.queue.shift();
      if (task) this.start(slot, task);
      else this.help(slot);
    }
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    // a worker drops the shared search it held when it starts a target of its own
    slot.holds = 0;
    const buffers = task.files.map((f) => f.bytes);
    // With one worker nobody could help, so the search is not offered.
    const helpers = task.settings.runTls && this.size > 1 ? Comlink.proxy(this.helpersFor(task)) : undefined;
    const watchdog = new Watchdog((expiry) => this.timedOut(slot, task, expiry), this.limits, this.timers).start();
    task.watchdog = watchdog;
    const report: PlanReport = Comlink.proxy({ planned: (seconds: number) => watchdog.plan(seconds) });
    slot.remote
      .analyze(Comlink.transfer(task.files, buffers), task.settings, task.context, helpers, report)
      .then(task.resolve, task.reject)
      .finally(() => {
        watchdog.stop();
        this.unshare(task);
        if (slot.task === task) slot.task = null;
        this.dispatch();
      });
  }

  /** The owner's side of its board, reached from its worker through a Comlink proxy. */
  private helpersFor(task: Task): TlsHelpers {
    return {
      share: async (kernel: TlsKernelInput, chunks: PeriodChunk[], version: string) => {
        this.unshare(task);
        const search = { key: ++this.keys, kernel, board: new ChunkBoard(chunks, version) };
        task.shared = search;
        this.searches.add(search);
        this.dispatch();
      },
      next: async (patienceMs: number): Promise<ShareStep> => {
        if (!task.shared) throw new AppError('kernel-error', 'no shared TLS search is open for this target');
        const step = await task.shared.board.next(patienceMs);
        const buffers = step.done.flatMap(({ out }) => [out.chi2.buffer, out.row.buffer, out.depth.buffer]);
        return Comlink.transfer(step, buffers);
      },
      close: async () => this.unshare(task),
    };
  }

  private unshare(task: Task): void {
    if (!task.shared) return;
    task.shared.board.close();
    this.searches.delete(task.shared);
    task.shared = null;
  }

  /** Gives `slot` a chunk of the search with the most chunks on offer, if any. */
  private help(slot: Slot): void {
    let search: SharedSearch | null = null;
    for (const s of this.searches) if (s.board.offered > (search?.board.offered ?? 0)) search = s;
    const index = search?.board.claimForHelper();
    if (!search || index === undefined || index === null) return;
    const { first, count, seconds } = search.board.chunks[index];
    // A helper that hangs is stopped like any analysis; its chunk goes back to the owner.
    const watchdog = new Watchdog(() => {
      if (slot.help === help) this.replace(slot, null);
    }, this.limits, this.timers).start();
    watchdog.plan(seconds);
    const help: Help = { search, index, watchdog };
    slot.help = help;
    const kernel = slot.holds === search.key ? undefined : search.kernel;
    slot.holds = search.key;
    slot.remote
      .searchChunk(search.key, kernel, first, count)
      .then(
        (chunk) => {
          this.helped++;
          search.board.helperDone(index, chunk, slot.id);
        },
        () => {
          slot.holds = 0;
          this.helpFailed(help);
        },
      )
      .finally(() => {
        watchdog.stop();
        if (slot.help === help) slot.help = null;
        this.dispatch();
      });
  }

  private helpFailed(help: Help): void {
    this.failed++;
    help.search.board.helperFailed(help.index);
  }
}

function abortError(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  return reason instanceof DOMException && reason.name === 'AbortError' ? reason : new DOMException('The analysis was abandoned', 'AbortError');
}

function formatSeconds(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds * 10) / 10} s`;
}
