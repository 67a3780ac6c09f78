import * as Comlink from 'comlink';
import type { ViewsWorkerApi } from './views-api.ts';

let remote: Comlink.Remote<ViewsWorkerApi> | null = null;

/** The views worker, started on first use and kept for the page's life. */
export function viewsWorker(): Comlink.Remote<ViewsWorkerApi> {
  remote ??= Comlink.wrap<ViewsWorkerApi>(new Worker(new URL('./views.worker.ts', import.meta.url), { type: 'module', name: 'views' }));
  return remote;
}
