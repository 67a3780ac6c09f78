// One compute worker of the network benchmark: the app's own analysis (parse, clean, BLS in the
// release WASM kernel), timed inside the worker so that the compute bound excludes all waiting.
import { parentPort } from 'node:worker_threads';
import { createBlsEngine } from '../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../src/lib/kernels/node.ts';
import type { LightCurveFile } from '../src/lib/lightcurve/file.ts';
import { analyzeFiles } from '../src/lib/search/analyze.ts';
import type { SearchSettings } from '../src/lib/search/settings.ts';

const engine = await createBlsEngine(await loadKernelBytes('release'));
parentPort!.on('message', async ({ files, settings }: { files: LightCurveFile[]; settings: SearchSettings }) => {
  const t0 = performance.now();
  try {
    const result = await analyzeFiles(files, settings, engine);
    parentPort!.postMessage({ result, ms: performance.now() - t0 });
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({ result: { status: 'failed', error: { code: e.name, message: e.message }, features: {} }, ms: performance.now() - t0 });
  }
});
parentPort!.postMessage({ ready: true });
