import * as Comlink from 'comlink';
import { openJobsDb } from '../jobs/db.ts';
import { csvFileName, jobCsv } from '../jobs/export.ts';
import { IdbJobStore } from '../jobs/store.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { SearchSettings } from '../search/settings.ts';
import { lightCurveForPlot, type PlotLightCurve } from '../search/summary/lightcurve.ts';

/**
 * Work for the views that would block the page: preparing a target's full light curve for its plots,
 * and building a job's CSV (a 7,700-row job's takes 0.4 s). Transport only: the work is in
 * lib/search and lib/jobs; the worker opens the job database itself, so rows never cross threads.
 */
export function createViewsApi() {
  let store: Promise<IdbJobStore> | null = null;
  return {
    lightCurve(files: LightCurveFile[], settings: SearchSettings): PlotLightCurve {
      const lc = lightCurveForPlot(files, settings);
      return Comlink.transfer(lc, [lc.raw.time.buffer, lc.raw.flux.buffer, lc.detrended.time.buffer, lc.detrended.flux.buffer]);
    },

    async csv(jobId: string): Promise<{ fileName: string; blob: Blob } | null> {
      const s = await (store ??= openJobsDb().then((db) => new IdbJobStore(db)));
      const job = await s.getJob(jobId);
      if (!job) return null;
      const [samples, targets] = await Promise.all([s.samples(jobId), s.targets(jobId)]);
      return { fileName: csvFileName(job), blob: new Blob([jobCsv(job, samples, targets)], { type: 'text/csv' }) };
    },
  };
}

export type ViewsWorkerApi = ReturnType<typeof createViewsApi>;
