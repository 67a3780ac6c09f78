import { toAppError } from '../errors.ts';
import type { IdbLightCurveCache } from '../jobs/lc-cache.ts';
import { StoragePolicy, type StorageReport } from '../jobs/storage-policy.ts';
import type { SettingsState } from './settings.svelte.ts';

/**
 * What the browser lets this site keep: whether persistence was granted, used and available space,
 * and the light-curve cache (opened once per page and shared by every run), which gives way to
 * results as `StoragePolicy` decides.
 */
export class StorageState {
  /** null while unknown or where the browser has no persistence API. */
  persisted = $state<boolean | null>(null);
  report = $state.raw<StorageReport | null>(null);
  error = $state<string | null>(null);
  emptying = $state(false);

  private cache: Promise<IdbLightCurveCache | null> | null = null;
  private readonly policy: StoragePolicy;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly settings: SettingsState,
    /** Bytes the pending targets' results should take (from the jobs list). */
    pendingBytes: () => Promise<number>,
    private readonly storage: StorageManager | undefined = globalThis.navigator?.storage,
  ) {
    this.policy = new StoragePolicy({
      estimate: async () => (this.storage?.estimate ? this.storage.estimate() : {}),
      cache: () => this.openCache(),
      cacheLimit: () => this.limit,
      pendingBytes,
    });
  }

  /** The user's cache limit in bytes (Settings; 0 turns the cache off). */
  get limit(): number {
    return Math.max(0, Number(this.settings.network.cacheMb) || 0) * 1_000_000;
  }

  /** Asks the browser not to evict this site's data under storage pressure, and shows its answer. */
  async requestPersistence(): Promise<void> {
    try {
      if (this.storage?.persist) this.persisted = await this.storage.persist();
      else if (this.storage?.persisted) this.persisted = await this.storage.persisted();
    } catch (err) {
      this.error = `The browser did not answer whether it keeps this site's data: ${toAppError(err, 'storage-failed').message}`;
    }
  }

  /** The shared light-curve cache (null when it cannot be opened: a run then downloads everything). */
  openCache(): Promise<IdbLightCurveCache | null> {
    this.cache ??= import('../jobs/lc-cache.ts')
      .then((m) => m.IdbLightCurveCache.open(this.limit))
      .catch((err: unknown) => {
        this.error = `The light-curve cache cannot be opened: ${toAppError(err, 'storage-failed').message}`;
        return null;
      });
    return this.cache;
  }

  /** Re-reads the estimate and lets the cache give way to results (one check at a time). */
  check(): Promise<void> {
    this.checking ??= this.policy
      .check()
      .then((report) => {
        this.report = report;
      })
      .catch((err: unknown) => {
        this.error = `Storage could not be measured: ${toAppError(err, 'storage-failed').message}`;
      })
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  async emptyCache(): Promise<void> {
    this.emptying = true;
    try {
      const cache = await this.openCache();
      await cache?.clear();
      this.error = null;
    } catch (err) {
      this.error = `The light-curve cache could not be emptied: ${toAppError(err, 'storage-failed').message}`;
    } finally {
      this.emptying = false;
    }
    await this.check();
  }
}
