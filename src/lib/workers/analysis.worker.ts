/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { toAppError } from '../errors.ts';
import { loadBrowserEngine, loadBrowserTlsEngine } from '../kernels/browser.ts';
import type { TlsEngine } from '../search/tls/index.ts';
import type { BlsEngine } from '../search/bls-types.ts';
import { analyzeFiles, type LightCurveFile } from '../search/analyze.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import type { AnalysisContext } from '../jobs/runner.ts';

// Transport only: the numeric work is in lib/search and lib/kernels. The kernel is compiled lazily,
// once per worker, on the first target.
let engine: Promise<BlsEngine> | null = null;
let tlsEngine: Promise<TlsEngine> | null = null;

const api = {
  async analyze(files: LightCurveFile[], settings: SearchSettings, context: AnalysisContext = {}): Promise<TargetResult> {
    try {
      engine ??= loadBrowserEngine();
      const tls = settings.runTls ? await (tlsEngine ??= loadBrowserTlsEngine()) : undefined;
      return analyzeFiles(files, settings, await engine, context.catalog, { tls, star: context.star, returnCleaned: context.returnCleaned });
    } catch (err) {
      // A failed target is a result, returned whole so its code and message survive the boundary.
      const e = toAppError(err, 'kernel-error');
      if (e.name === 'kernel-trap') {
        engine = null;
        tlsEngine = null;
      }
      return { status: 'failed', error: { code: e.name, message: e.message }, features: {} };
    }
  },
};

export type AnalysisWorkerApi = typeof api;

Comlink.expose(api);
