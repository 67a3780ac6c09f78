/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { loadBrowserEngine, loadBrowserTlsEngine } from '../kernels/browser.ts';
import { createAnalysisApi } from './analysis-api.ts';

export type { AnalysisWorkerApi } from './analysis-api.ts';

Comlink.expose(createAnalysisApi({ bls: loadBrowserEngine, tls: loadBrowserTlsEngine }));
