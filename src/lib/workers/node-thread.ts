/**
 * Node only: the app's analysis workers on worker_threads, for the CLI, scripts and benchmarks.
 * `WorkerPool` speaks to Web Workers; `nodeAnalysisWorker` makes a worker_thread look like one
 * (message and error events, postMessage, terminate), and `serveAnalysisApi` is the thread's side:
 * the same `createAnalysisApi` the browser worker exposes, with the kernels read from disk (or from
 * the bundle). Transport only.
 */
import * as Comlink from 'comlink';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { createBlsEngine } from '../kernels/bls-kernel.ts';
import { loadKernelBytes, type KernelTarget } from '../kernels/node.ts';
import { createTlsEngine } from '../kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../kernels/tls-node.ts';
import { createAnalysisApi } from './analysis-api.ts';

/** What a module that doubles as a worker entry looks for in `workerData`. */
export const ANALYSIS_THREAD_ROLE = 'transit-features-analysis';

interface ThreadData {
  role: typeof ANALYSIS_THREAD_ROLE;
  kernel: KernelTarget;
}

/** True inside a thread started by `nodeAnalysisWorker`: the entry module should call `serveAnalysisApi`. */
export function isAnalysisThread(): boolean {
  return parentPort !== null && (workerData as Partial<ThreadData> | undefined)?.role === ANALYSIS_THREAD_ROLE;
}

/**
 * Starts the module `entry` (a file URL) on a worker_thread with `data` as its workerData; the
 * module looks at the data to know its role. A TypeScript entry (run from source) gets tsx registered
 * inside the thread, since Node 20 ignores `--import tsx` in a worker's execArgv.
 */
export function startNodeThread(entry: string, data: unknown): Worker {
  return /\.[cm]?ts$/.test(entry)
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: data })
    : new Worker(new URL(entry), { workerData: data });
}

/**
 * Starts `entry` (a module URL that calls `serveAnalysisApi` when `isAnalysisThread()`) on a
 * worker_thread and returns it as the pool sees a Web Worker.
 */
export function nodeAnalysisWorker(entry: string, kernel: KernelTarget = 'release'): globalThis.Worker {
  const data: ThreadData = { role: ANALYSIS_THREAD_ROLE, kernel };
  const worker = startNodeThread(entry, data);
  const listeners = new Map<unknown, (...args: unknown[]) => void>();
  let ended = false;
  const adapter = {
    postMessage: (message: unknown, transfer: Transferable[] = []) => worker.postMessage(message, transfer as never),
    addEventListener(type: string, listener: (event: unknown) => void) {
      if (type === 'message') {
        const on = (data: unknown) => listener({ data });
        listeners.set(listener, on);
        worker.on('message', on);
      } else if (type === 'error') {
        // An uncaught error, or a thread that ended without being asked to (out of memory, process.exit).
        worker.on('error', (err) => listener({ message: String(err) }));
        worker.on('exit', (code) => {
          if (!ended) listener({ message: `the thread exited with code ${code}` });
        });
      }
    },
    removeEventListener(type: string, listener: (event: unknown) => void) {
      const on = listeners.get(listener);
      if (type === 'message' && on) {
        worker.off('message', on);
        listeners.delete(listener);
      }
    },
    terminate() {
      ended = true;
      void worker.terminate();
    },
  };
  return adapter as unknown as globalThis.Worker;
}

/** The thread's side: exposes the analysis API on the parent port. */
export function serveAnalysisApi(): void {
  const { kernel } = workerData as ThreadData;
  const api = createAnalysisApi({
    bls: async () => createBlsEngine(await loadKernelBytes(kernel)),
    tls: async () => createTlsEngine(await loadTlsKernelBytes(kernel)),
  });
  Comlink.expose(api, parentPort as unknown as Comlink.Endpoint);
}
