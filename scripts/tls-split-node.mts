// Wall time of one large TLS target through the app's WorkerPool in Node, on worker_threads running
// the app's worker API (docs/tls.md, "One target over several workers"), with 1 and 2 workers.
// Needs `npm run asbuild`. Usage: npx tsx scripts/tls-split-node.mts [SIZES, default 1,2,1,2]
// Kepler-90 Q3–Q5 with Run TLS and default settings; prints the seconds of `pool.analyze`, the
// tls_* result, and how many chunks the helper computed.
import { DEFAULT_SEARCH_SETTINGS } from '../src/lib/search/settings.ts';
import { isAnalysisThread, nodeAnalysisWorker, serveAnalysisApi } from '../src/lib/workers/node-thread.ts';
import { WorkerPool } from '../src/lib/workers/pool.ts';
import { lightCurveFile } from '../test/helpers/fixtures.ts';

const FILES = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];

if (isAnalysisThread()) {
  serveAnalysisApi();
} else {
  for (const size of (process.argv[2] ?? '1,2,1,2').split(',').map(Number)) {
    const pool = new WorkerPool(size, () => nodeAnalysisWorker(import.meta.url));
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
