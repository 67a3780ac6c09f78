import * as Comlink from 'comlink';
import { AppError } from '../errors.ts';
import type { AnalysisContext, AnalysisPool } from '../jobs/runner.ts';
import type { LightCurveFile } from '../search/analyze.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { AnalysisWorkerApi } from './analysis.worker.ts';

interface Task {
  files: LightCurveFile[];
  settings: SearchSettings;
  context: AnalysisContext;
  resolve(result: TargetResult): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  remote: Comlink.Remote<AnalysisWorkerApi>;
  task: Task | null;
}

function createAnalysisWorker(): Worker {
  return new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
}

/**
 * A fixed number of analysis workers fed from one queue. A worker that dies (an uncaught error, a
 * memory failure) fails only its own task with `worker-crashed` and is replaced.
 */
export class WorkerPool implements AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];

  constructor(
    readonly size: number,
    private readonly create: () => Worker = createAnalysisWorker,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  analyze(files: LightCurveFile[], settings: SearchSettings, context: AnalysisContext = {}): Promise<TargetResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ files, settings, context, resolve, reject });
      this.dispatch();
    });
  }

  terminate(): void {
    for (const slot of this.slots) {
      slot.worker.terminate();
      slot.task?.reject(new DOMException('The pool was closed', 'AbortError'));
    }
    for (const task of this.queue.splice(0)) task.reject(new DOMException('The pool was closed', 'AbortError'));
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const worker = this.create();
    const slot: Slot = { worker, remote: Comlink.wrap<AnalysisWorkerApi>(worker), task: null };
    worker.addEventListener('error', (event) => this.crashed(slot, event.message || 'uncaught error'));
    return slot;
  }

  private crashed(slot: Slot, why: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.terminate();
    slot.task?.reject(new AppError('worker-crashed', `the analysis worker stopped (${why}); the target was not analysed`));
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      const buffers = task.files.map((f) => f.bytes);
      slot.remote
        .analyze(Comlink.transfer(task.files, buffers), task.settings, task.context)
        .then(task.resolve, task.reject)
        .finally(() => {
          if (slot.task === task) slot.task = null;
          this.dispatch();
        });
    }
  }
}
