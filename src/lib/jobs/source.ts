import { downloadProduct, findLightCurves, type MastConfig, type MastDeps } from '../mast/index.ts';
import type { LightCurveFile } from '../search/analyze.ts';
import type { LightCurveSource } from './runner.ts';
import type { TargetRecord } from './types.ts';
import { fetchFitsUrl } from '../mast/index.ts';

/**
 * Where a work unit's files come from: the explicit URLs of the sample list (the bundled demo, or a
 * user's own files), otherwise MAST's light-curve products for the star.
 */
export class NetworkSource implements LightCurveSource {
  constructor(
    private readonly config: () => MastConfig,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
    /** Relative light-curve URLs resolve against the page. */
    private readonly baseUrl: string = globalThis.location?.href ?? 'http://localhost/',
  ) {}

  async fetchFiles(target: TargetRecord, signal: AbortSignal): Promise<LightCurveFile[]> {
    const deps: MastDeps = { fetch: this.fetchFn, signal };
    if (target.lightcurveUrls && target.lightcurveUrls.length > 0) {
      return Promise.all(
        target.lightcurveUrls.map(async (url) => {
          const href = new URL(url, this.baseUrl).href;
          const name = decodeURIComponent(new URL(href).pathname.split('/').pop() || href);
          return { name, bytes: await fetchFitsUrl(href, deps) };
        }),
      );
    }
    const config = this.config();
    const products = await findLightCurves(target.target, config, deps);
    return Promise.all(
      products.map(async (p) => ({ name: p.productFilename, bytes: await downloadProduct(p, config, deps) })),
    );
  }
}
