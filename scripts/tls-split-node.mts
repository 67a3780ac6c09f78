// Wall time of one large TLS target through the app's WorkerPool in Node, on worker_threads running
// the app's worker API (docs/tls.md, "One target over several workers"), with 1 and 2 workers.
// Needs `npm run asbuild`. Usage: npx tsx scripts/tls-split-node.mts [SIZES, default 1,2,1,2]
// Kepler-90 Q3–Q5 with Run TLS and default settings; prints the seconds of `pool.analyze`, the
// tls_* result, and how many chunks the helper computed.
import * as Comlink from 'comlink';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { createBlsEngine } from '../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../src/lib/kernels/node.ts';
import { createTlsEngine } from '../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../src/lib/kernels/tls-node.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../src/lib/search/settings.ts';
import { createAnalysisApi } from '../src/lib/workers/analysis-api.ts';
import { WorkerPool } from '../src/lib/workers/pool.ts';
import { lightCurveFile } from '../test/helpers/fixtures.ts';

const FILES = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];

/** A worker_thread as the pool sees a Web Worker: message and error events, postMessage, terminate. */
function createWorker(): globalThis.Worker {
  // Node 20 ignores `--import tsx` in a worker's execArgv: register tsx from inside it.
  const entry = JSON.stringify(import.meta.url);
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true });
  const adapter = {
    postMessage: (message: unknown, transfer: Transferable[] = []) => worker.postMessage(message, transfer as never),
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      if (type === 'message') worker.on('message', (data) => listener({ data }));
      if (type === 'error') worker.on('error', (err) => listener({ message: String(err) }));
    },
    removeEventListener: () => {},
    terminate: () => void worker.terminate(),
  };
  return adapter as unknown as globalThis.Worker;
}

if (!isMainThread) {
  const api = createAnalysisApi({
    bls: async () => createBlsEngine(await loadKernelBytes('release')),
    tls: async () => createTlsEngine(await loadTlsKernelBytes('release')),
  });
  Comlink.expose(api, parentPort as unknown as Comlink.Endpoint);
} else {
  for (const size of (process.argv[2] ?? '1,2,1,2').split(',').map(Number)) {
    const pool = new WorkerPool(size, createWorker);
    const started = performance.now();
    const result = await pool.analyze(FILES.map(lightCurveFile), { ...DEFAULT_SEARCH_SETTINGS, runTls: true });
    const seconds = (performance.now() - started) / 1000;
    const f = result.features;
    console.log(
      `${size} worker(s): ${seconds.toFixed(1)} s, ${result.status}, tls_period ${f.tls_period}, tls_sde ${f.tls_sde}, ` +
        `tls_workers ${f.tls_workers}, tls_kernel_version ${f.tls_kernel_version}, chunks by helpers ${pool.stats.helpedChunks}`,
    );
    pool.terminate();
  }
  process.exit(0);
}
