import { AppError, toAppError } from '../errors.ts';
import {
  DEFAULT_NETWORK_SETTINGS,
  downloadProduct,
  fetchFitsUrl,
  findLightCurves,
  listedFileUrl,
  resolveTarget,
  type LightCurveProduct,
  type MastConfig,
  type MastDeps,
  type NetworkSettings,
} from '../mast/index.ts';
import type { TargetResult } from '../search/result.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import { targetKey, type TargetId } from '../target.ts';
import type { LightCurveCache } from './lc-cache.ts';
import type { FetchHints, LightCurveSource } from './runner.ts';
import type { TargetRecord } from './types.ts';

export interface NetworkSourceOptions {
  /** Product choice and download concurrency; read at each target. */
  network?: () => NetworkSettings;
  /** Off when absent; a promise while it opens (a cache that fails to open is reported once and skipped). */
  cache?: LightCurveCache | Promise<LightCurveCache> | null;
  /** A cache that fails to read or write costs a download, not the target; the app shows the error. */
  onCacheError?: (err: AppError) => void;
  /** Retry and timeout overrides (tests, the benchmark; the app's request time limit). */
  deps?: Omit<MastDeps, 'fetch' | 'signal'>;
  /** Time limit of an outage probe (default 10 s), so that a probe sent into a dead network cannot delay the next one. */
  probeTimeoutMs?: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** What the source did, for the benchmark and the status line. */
export interface SourceStats {
  networkFiles: number;
  networkBytes: number;
  cachedFiles: number;
  cachedLists: number;
}


/**
 * Where a work unit's files come from: the explicit URLs of the sample list (the bundled demo, or a
 * user's own files), otherwise MAST's light-curve products for the star, through the light-curve
 * cache when there is one. File downloads share one limit (`downloadConcurrency`) across targets.
 */
export class NetworkSource implements LightCurveSource {
  readonly stats: SourceStats = { networkFiles: 0, networkBytes: 0, cachedFiles: 0, cachedLists: 0 };
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Hosts that answered a request (any HTTP status: the network reached them and CORS let it through). */
  private readonly answered = new Set<string>();
  private readonly fetchFn: typeof fetch;

  constructor(
    private readonly config: () => MastConfig,
    fetchFn: typeof fetch = (input, init) => fetch(input, init),
    /** Relative light-curve URLs resolve against the page. */
    private readonly baseUrl: string = globalThis.location?.href ?? 'http://localhost/',
    private readonly options: NetworkSourceOptions = {},
  ) {
    this.fetchFn = async (input, init) => {
      const response = await fetchFn(input, init);
      this.answered.add(hostKey(String(input instanceof Request ? input.url : input)));
      return response;
    };
  }

  hostAnswered(url: string): boolean {
    return this.answered.has(hostKey(url));
  }

  /**
   * Asks the host of `url` whether it answers, with one HEAD request of its own short time limit:
   * any answer below 500 counts (a 404 or 405 from an endpoint that wants a POST still means the
   * host is up and lets this page read it); a refused request, a timeout or a 5xx does not.
   */
  async probe(url: string, signal: AbortSignal): Promise<boolean> {
    const timeout = AbortSignal.timeout(this.options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    try {
      const response = await this.fetchFn(url, { method: 'HEAD', signal: AbortSignal.any([signal, timeout]) });
      await response.body?.cancel();
      return response.status < 500;
    } catch {
      return false;
    }
  }

  get keepsCleaned(): boolean {
    return this.options.cache != null;
  }

  async fetchFiles(target: TargetRecord, signal: AbortSignal, hints: FetchHints = {}): Promise<LightCurveFile[]> {
    const answered = hints.onAnswer;
    const fetchFn: typeof fetch = answered
      ? async (input, init) => {
          const response = await this.fetchFn(input, init);
          answered();
          return response;
        }
      : this.fetchFn;
    const deps: MastDeps = { ...this.options.deps, fetch: fetchFn, signal };
    const mask = hints.qualityMask;
    if (target.lightcurveUrls && target.lightcurveUrls.length > 0) {
      return Promise.all(
        target.lightcurveUrls.map(async (url) => {
          const href = new URL(url, this.baseUrl).href;
          const name = decodeURIComponent(new URL(href).pathname.split('/').pop() || href);
          const fetched = listedFileUrl(href, this.baseUrl, this.config());
          const file = await this.cached(href, () => this.limited(() => fetchFitsUrl(fetched, deps, name)), { name, mission: target.target?.mission ?? target.nameMission }, mask);
          return file;
        }),
      );
    }
    const config = this.config();
    const network = this.options.network?.() ?? DEFAULT_NETWORK_SETTINGS;
    const star: TargetId = target.target ?? (await resolveTarget(target.name ?? '', target.nameMission ?? null, config, deps));
    const products = await this.productList(star, network, () => findLightCurves(star, config, deps, network));
    return Promise.all(
      products.map((p) =>
        this.cached(p.dataURI, () => this.limited(() => downloadProduct(p, config, deps)), {
          name: p.productFilename,
          mission: p.mission,
          author: p.author,
          segment: p.segment,
        }, mask),
      ),
    );
  }

  /** Keeps the cleaned arrays of files analysed now, so that the next job with the same mask skips reading and cleaning. */
  async storeCleaned(items: NonNullable<TargetResult['cleaned']>): Promise<void> {
    const cache = await this.openCache();
    if (!cache?.putCleaned) return;
    for (const { cacheKey, part } of items) await this.quietly(() => cache.putCleaned!(cacheKey, part));
  }

  private async productList(star: TargetId, network: NetworkSettings, find: () => Promise<LightCurveProduct[]>): Promise<LightCurveProduct[]> {
    const cache = await this.openCache();
    const key = `${targetKey(star)}|${network.tessAuthors.join(',')}|${network.segmentLimit}`;
    const hit = cache ? await this.quietly(() => cache.getList(key)) : undefined;
    if (hit) {
      this.stats.cachedLists++;
      return hit;
    }
    const products = await find();
    if (cache) await this.quietly(() => cache.putList(key, products));
    return products;
  }

  private async cached(key: string, download: () => Promise<ArrayBuffer>, meta: Omit<LightCurveFile, 'bytes'>, mask?: string): Promise<LightCurveFile> {
    const cache = await this.openCache();
    // Cleaned arrays for this mask first: smaller than the FITS file, and nothing left to parse.
    const cleaned = cache?.getCleaned && mask ? await this.quietly(() => cache.getCleaned!(key, mask)) : undefined;
    if (cleaned) {
      this.stats.cachedFiles++;
      return { ...meta, cacheKey: key, bytes: new ArrayBuffer(0), cleaned };
    }
    const hit = cache ? await this.quietly(() => cache.getFile(key)) : undefined;
    if (hit) {
      this.stats.cachedFiles++;
      return { ...meta, cacheKey: key, bytes: hit.bytes };
    }
    const bytes = await download();
    this.stats.networkFiles++;
    this.stats.networkBytes += bytes.byteLength;
    const file: LightCurveFile = { ...meta, cacheKey: key, bytes };
    if (cache) await this.quietly(() => cache.putFile(key, file));
    return file;
  }

  private async openCache(): Promise<LightCurveCache | null> {
    const cache = this.options.cache;
    if (!cache) return null;
    if (!(cache instanceof Promise)) return cache;
    try {
      this.options.cache = await cache;
      return this.options.cache;
    } catch (err) {
      if (this.options.cache === cache) {
        this.options.cache = null;
        this.options.onCacheError?.(toAppError(err, 'storage-failed'));
      }
      return null;
    }
  }

  /** Runs a cache call; a failure is reported and treated as a miss. */
  private async quietly<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      this.options.onCacheError?.(toAppError(err, 'storage-failed'));
      return undefined;
    }
  }

  /** At most `downloadConcurrency` file downloads at once, over every target in flight. */
  private async limited<T>(task: () => Promise<T>): Promise<T> {
    const limit = (this.options.network?.() ?? DEFAULT_NETWORK_SETTINGS).downloadConcurrency;
    while (this.active >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function hostKey(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
