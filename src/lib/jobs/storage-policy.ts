/** `navigator.storage.estimate()`'s answer (both fields may be missing where the browser keeps them to itself). */
export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

/** What the policy needs from the light-curve cache. */
export interface ShrinkableCache {
  usage(): Promise<{ bytes: number }>;
  setCap(bytes: number): Promise<void>;
}

export type StorageLevel = 'ok' | 'low' | 'full' | 'unknown';

export interface StorageReport {
  /** Bytes this site uses and may use, as the browser estimates them (null when it does not say). */
  usage: number | null;
  quota: number | null;
  /** The light-curve cache's bytes after this check, and the most it may hold now. */
  cacheBytes: number;
  cacheCap: number;
  /** Bytes kept free for results. */
  reserve: number;
  /** Bytes the pending targets' results are expected to take. */
  pendingBytes: number;
  /**
   * `ok`; `low`: less than the reserve is free even with the cache shrunk to nothing; `full`: not even
   * the pending results fit; `unknown`: the browser gives no estimate.
   */
  level: StorageLevel;
  warning: string | null;
}

export interface StoragePolicyOptions {
  estimate: () => Promise<StorageEstimateLike>;
  /** The cache, or null while it is off or not open. */
  cache: () => Promise<ShrinkableCache | null>;
  /** The user's cache limit in bytes (Settings). */
  cacheLimit: () => number;
  /** Bytes the results of the pending targets will take (the jobs' average result size × pending). */
  pendingBytes: () => Promise<number>;
  /** The least room kept for results (default 50 MB), and the share of the quota kept (default 5%). */
  minReserve?: number;
  reserveFraction?: number;
}

const MB = 1_000_000;

export function formatBytes(bytes: number): string {
  if (bytes >= 10e9) return `${(bytes / 1e9).toFixed(0)} GB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 10 * MB) return `${(bytes / MB).toFixed(0)} MB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1000) return `${(bytes / 1000).toFixed(0)} kB`;
  return `${bytes} B`;
}

/**
 * Results always win over the light-curve cache. The browser gives this site a quota shared by the
 * jobs and the cache; the policy keeps a reserve free for results (the larger of a floor, a share of
 * the quota and twice what the pending targets' results should take) and lets the cache hold only
 * what is left beyond it, up to the user's limit. When the reserve is not free even with the cache
 * empty, it warns, before a write fails.
 */
export class StoragePolicy {
  private readonly minReserve: number;
  private readonly reserveFraction: number;

  constructor(private readonly opts: StoragePolicyOptions) {
    this.minReserve = opts.minReserve ?? 50 * MB;
    this.reserveFraction = opts.reserveFraction ?? 0.05;
  }

  async check(): Promise<StorageReport> {
    const [estimate, cache, pendingBytes] = await Promise.all([this.opts.estimate(), this.opts.cache(), this.opts.pendingBytes()]);
    const limit = Math.max(0, this.opts.cacheLimit());
    let cacheBytes = cache ? (await cache.usage()).bytes : 0;
    const { usage, quota } = estimate;
    if (usage === undefined || quota === undefined || !(quota > 0)) {
      if (cache) await cache.setCap(limit);
      return { usage: usage ?? null, quota: quota ?? null, cacheBytes, cacheCap: limit, reserve: 0, pendingBytes, level: 'unknown', warning: null };
    }
    const reserve = Math.max(this.minReserve, this.reserveFraction * quota, 2 * pendingBytes);
    const free = Math.max(0, quota - usage);
    // The cache may keep what it holds plus what is free beyond the reserve.
    const cacheCap = Math.max(0, Math.min(limit, Math.floor(cacheBytes + free - reserve)));
    const before = cacheBytes;
    if (cache) {
      await cache.setCap(cacheCap);
      cacheBytes = (await cache.usage()).bytes;
    }
    // The browser's estimate lags behind deletions: count what the cache just gave up as free.
    return this.report(usage, quota, cacheBytes, cacheCap, reserve, pendingBytes, free + Math.max(0, before - cacheBytes));
  }

  private report(usage: number, quota: number, cacheBytes: number, cacheCap: number, reserve: number, pendingBytes: number, free: number): StorageReport {
    let level: StorageLevel = 'ok';
    let warning: string | null = null;
    const state = `${formatBytes(free)} free of ${formatBytes(quota)}`;
    if (free < pendingBytes) {
      level = 'full';
      warning = `Storage is full: ${state}, and the remaining results need about ${formatBytes(pendingBytes)}. The job will pause when a result cannot be stored: delete jobs you no longer need (download their CSV or export them first).`;
    } else if (free < reserve) {
      level = 'low';
      warning = `Storage is running low: ${state}. The light-curve cache gave up its room to results; delete jobs you no longer need (download their CSV or export them first) before the quota runs out.`;
    }
    return { usage, quota, cacheBytes, cacheCap, reserve, pendingBytes, level, warning };
  }
}
