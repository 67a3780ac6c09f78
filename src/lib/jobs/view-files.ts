import type { MastConfig, NetworkSettings } from '../mast/index.ts';
import { qualityMaskKey } from '../lightcurve/file.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { LightCurveCache } from './lc-cache.ts';
import { readLocalFiles } from './local-files.ts';
import { NetworkSource } from './source.ts';
import type { JobRecord, LocalFileRecord, TargetRecord } from './types.ts';

export interface ViewFilesDeps {
  store: { localFile(jobId: string, name: string): Promise<LocalFileRecord | undefined> };
  mast: () => MastConfig;
  network: () => NetworkSettings;
  /** How requests reach MAST (directly, or through the relay): the runner's. */
  fetch?: typeof fetch;
  /** The light-curve cache as the runner uses it (null when off). */
  cache: (network: NetworkSettings) => Promise<LightCurveCache> | null;
}

/**
 * A finished target's light-curve files for its view: the job's own files, else the light-curve
 * cache, else downloaded again (and cached). Says which, so that the view can tell the user.
 */
export async function viewFiles(job: JobRecord, target: TargetRecord, signal: AbortSignal, deps: ViewFilesDeps): Promise<{ files: LightCurveFile[]; from: 'cache' | 'network' | 'local' }> {
  if (target.localFiles && target.localFiles.length > 0) return { files: await readLocalFiles(deps.store, target), from: 'local' };
  const network = deps.network();
  const source = new NetworkSource(deps.mast, deps.fetch, undefined, { network: () => network, cache: deps.cache(network) });
  const files = await source.fetchFiles(target, signal, { qualityMask: qualityMaskKey(job.settings.qualityMask) });
  return { files, from: source.stats.networkFiles > 0 ? 'network' : 'cache' };
}
