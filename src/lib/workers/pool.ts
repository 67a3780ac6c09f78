import * as Comlink from 'comlink';
import { AppError } from '../errors.ts';
import type { AnalysisContext, AnalysisPool } from '../jobs/runner.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import { ChunkBoard, type PeriodChunk, type ShareStep, type TlsHelpers, type TlsKernelInput } from '../search/tls/index.ts';
import type { AnalysisWorkerApi } from './analysis-api.ts';

interface Task {
  files: LightCurveFile[];
  settings: SearchSettings;
  context: AnalysisContext;
  resolve(result: TargetResult): void;
  reject(err: unknown): void;
  /** The TLS search this task's worker shares with idle workers, while it runs. */
  shared: SharedSearch | null;
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

/**
 * A fixed number of analysis workers fed from one queue. A worker that dies (an uncaught error, a
 * memory failure) fails only its own task with `worker-crashed` and is replaced.
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

  constructor(
    readonly size: number,
    private readonly create: () => Worker = createAnalysisWorker,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get stats(): PoolStats {
    return { helpedChunks: this.helped, failedChunks: this.failed, sharedSearches: this.searches.size };
  }

  analyze(files: LightCurveFile[], settings: SearchSettings, context: AnalysisContext = {}): Promise<TargetResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ files, settings, context, resolve, reject, shared: null });
      this.dispatch();
    });
  }

  terminate(): void {
    for (const slot of this.slots) {
      slot.worker.terminate();
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
    worker.addEventListener('error', (event) => this.crashed(slot, event.message || 'uncaught error'));
    return slot;
  }

  private crashed(slot: Slot, why: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.terminate();
    if (slot.task) {
      this.unshare(slot.task);
      slot.task.reject(new AppError('worker-crashed', `the analysis worker stopped (${why}); the target was not analysed`));
    }
    if (slot.help) this.helpFailed(slot.help);
    this.slots[index] = this.spawn();
    this.dispatch();
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
    slot.remote
      .analyze(Comlink.transfer(task.files, buffers), task.settings, task.context, helpers)
      .then(task.resolve, task.reject)
      .finally(() => {
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
    const help: Help = { search, index };
    slot.help = help;
    const { first, count } = search.board.chunks[index];
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
        if (slot.help === help) slot.help = null;
        this.dispatch();
      });
  }

  private helpFailed(help: Help): void {
    this.failed++;
    help.search.board.helperFailed(help.index);
  }
}
