// `npm run bench -- network [--targets 200] [--latency-ms 50] [--bandwidth-mbps 40] [--downloads 4]
//   [--workers <cores>] [--prefetch 0]`
// A whole job (JobRunner + NetworkSource + a worker pool running the app's analysis) against the
// local MAST stand-in, whose targets here are SYNTHETIC TIC ids serving one real TESS sector file
// (test/mock-mast/catalog.ts syntheticObservations). Prints targets per minute next to the two
// bounds no scheduler can beat: the network bound (bytes / bandwidth) and the compute bound (sum of
// per-target analysis times / workers), and the ratio to the smaller. Never fails on speed.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { openJobsDb } from '../src/lib/jobs/db.ts';
import { JobRunner, type AnalysisPool } from '../src/lib/jobs/runner.ts';
import { NetworkSource } from '../src/lib/jobs/source.ts';
import { IdbJobStore } from '../src/lib/jobs/store.ts';
import { DEFAULT_NETWORK_SETTINGS } from '../src/lib/mast/index.ts';
import type { SampleList } from '../src/lib/samples/index.ts';
import type { LightCurveFile } from '../src/lib/lightcurve/file.ts';
import type { TargetResult } from '../src/lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS, type SearchSettings } from '../src/lib/search/settings.ts';
import { LIGHTCURVES } from '../test/helpers/paths.ts';
import { SYNTHETIC_TIC_BASE, startMockMast } from '../test/mock-mast/index.ts';

/** A pool of worker_threads; the runner never asks more of it than `size` analyses at once. */
class ThreadPool implements AnalysisPool {
  computeMs = 0;
  private readonly free: Worker[] = [];
  private constructor(readonly size: number) {}

  static async start(size: number): Promise<ThreadPool> {
    const pool = new ThreadPool(size);
    await Promise.all(
      Array.from({ length: size }, async () => {
        // Node 20 ignores `--import tsx` in a worker's execArgv: register tsx from inside it.
        const entry = JSON.stringify(new URL('./network-worker.ts', import.meta.url).href);
        const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true });
        await new Promise((resolve) => worker.once('message', resolve));
        pool.free.push(worker);
      }),
    );
    return pool;
  }

  async analyze(files: LightCurveFile[], settings: SearchSettings): Promise<TargetResult> {
    const worker = this.free.pop();
    if (!worker) throw new Error('more analyses than workers');
    try {
      const answer = new Promise<{ result: TargetResult; ms: number }>((resolve) => worker.once('message', resolve));
      worker.postMessage({ files, settings }, files.map((f) => f.bytes));
      const { result, ms } = await answer;
      this.computeMs += ms;
      return result;
    } finally {
      this.free.push(worker);
    }
  }

  terminate(): Promise<unknown> {
    return Promise.all(this.free.map((w) => w.terminate()));
  }
}

function sampleList(n: number): SampleList {
  return {
    fileName: 'synthetic.csv',
    format: 'ours',
    columns: ['target'],
    rows: Array.from({ length: n }, (_, i) => {
      const id = SYNTHETIC_TIC_BASE + 1 + i;
      return { index: i, line: i + 2, values: [`TIC ${id}`], target: { mission: 'TESS' as const, id }, key: `TESS:${id}` };
    }),
    nValid: n,
    nInvalid: 0,
  };
}

export default async function networkBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      targets: { type: 'string', default: '200' },
      'latency-ms': { type: 'string', default: '50' },
      'bandwidth-mbps': { type: 'string', default: '40' },
      downloads: { type: 'string', default: String(DEFAULT_NETWORK_SETTINGS.downloadConcurrency) },
      workers: { type: 'string', default: String(os.availableParallelism()) },
      prefetch: { type: 'string', default: '0' },
    },
  });
  const n = Number(values.targets);
  const latencyMs = Number(values['latency-ms']);
  const bandwidth = (Number(values['bandwidth-mbps']) * 1e6) / 8; // bytes per second
  const downloads = Number(values.downloads);
  const workers = Number(values.workers);
  const mast = await startMockMast({
    port: 0,
    lightcurveDir: LIGHTCURVES,
    syntheticTargets: n,
    invokeLatencyMs: latencyMs,
    downloadLatencyMs: latencyMs,
    faults: { bandwidth },
  });
  const pool = await ThreadPool.start(workers);
  try {
    const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
    const job = await store.createJob(sampleList(n), DEFAULT_SEARCH_SETTINGS);
    const network = { ...DEFAULT_NETWORK_SETTINGS, downloadConcurrency: downloads };
    const config = { apiBase: mast.url, downloadBase: mast.url, archiveBase: '', cloudBase: '' };
    const source = new NetworkSource(() => config, (i, init) => fetch(i, init), 'http://localhost/', { network: () => network });
    const prefetch = Number(values.prefetch) || undefined;
    const t0 = performance.now();
    await new JobRunner(store, source, pool, {}, { downloads, prefetch }).run(job.id);
    const wallS = (performance.now() - t0) / 1000;
    const stored = (await store.getJob(job.id))!;

    const networkS = source.stats.networkBytes / bandwidth;
    const computeS = pool.computeMs / 1000 / workers;
    const rate = (s: number) => (n / s) * 60;
    const bound = Math.max(networkS, computeS);
    const lines = [
      `targets ${n} (synthetic TIC ids, one real 2.04 MB TESS sector each): ${stored.done} ok, ${stored.failed} failed`,
      `stand-in: latency ${latencyMs} ms per request, link ${values['bandwidth-mbps']} Mbit/s shared; downloads at once ${downloads}, workers ${workers}`,
      `wall time            ${wallS.toFixed(1)} s   → ${rate(wallS).toFixed(1)} targets/min`,
      `network bound        ${networkS.toFixed(1)} s   → ${rate(networkS).toFixed(1)} targets/min  (${(source.stats.networkBytes / 1e6).toFixed(1)} MB / link)`,
      `compute bound        ${computeS.toFixed(1)} s   → ${rate(computeS).toFixed(1)} targets/min  (${(pool.computeMs / 1000).toFixed(1)} s of analysis / ${workers} workers)`,
      `achieved / smaller bound: ${((bound / wallS) * 100).toFixed(1)} %  (${networkS > computeS ? 'network' : 'compute'}-bound)`,
    ];
    const failures = (await store.targets(job.id)).filter((t) => t.status === 'failed').slice(0, 1);
    for (const t of failures) lines.push(`first failure: ${t.key} ${t.result?.error?.code}: ${t.result?.error?.message}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await pool.terminate();
    await mast.close();
  }
}
