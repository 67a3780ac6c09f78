import {
  DEFAULT_MAST_CONFIG,
  DEFAULT_NETWORK_SETTINGS,
  TESS_AUTHORS,
  mastConfigFromSearch,
  normalizeMastConfig,
  validateNetworkSettings,
  withMastBase,
  type MastConfig,
  type NetworkSettings,
  type TessAuthor,
} from '../mast/index.ts';
import { DEFAULT_RUN_LIMITS, validateRunLimits, type RunLimits } from '../jobs/run-limits.ts';
import type { GridPreviewRow } from '../search/grid-preview.ts';
import { DEFAULT_SEARCH_SETTINGS, validateSearchSettings, type SearchSettings } from '../search/settings.ts';

const STORAGE_KEY = 'transit-features:settings:v1';

interface StoredSettings {
  mast?: Partial<MastConfig>;
  network?: Partial<NetworkSettings>;
  workers?: number;
  search?: Partial<SearchSettings>;
  limits?: Partial<RunLimits>;
}

function maxWorkers(): number {
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);
}

/**
 * User preferences: MAST hosts, pool size, search settings. Kept in localStorage; `?mast=` on the page
 * URL overrides both MAST hosts for this visit without being saved.
 */
export class SettingsState {
  mast = $state<MastConfig>({ ...DEFAULT_MAST_CONFIG });
  /** Downloads, cache and product choice (see docs/mast.md). */
  network = $state<NetworkSettings>(structuredClone(DEFAULT_NETWORK_SETTINGS));
  workers = $state(maxWorkers());
  search = $state<SearchSettings>(structuredClone(DEFAULT_SEARCH_SETTINGS));
  /** Time limits per analysis and per request (jobs/run-limits.ts). */
  limits = $state<RunLimits>({ ...DEFAULT_RUN_LIMITS });
  /** The durations field as typed, and why it is not usable (null when it is). */
  durationsText = $state('');
  durationsError = $state<string | null>(null);
  /** Set when the page URL fixed the MAST host. */
  mastFromUrl = $state(false);
  /** The base `npm start -- --mast BASE` chose for this visit (not saved); null otherwise. */
  mastFromServer = $state<string | null>(null);
  error = $state<string | null>(null);

  readonly maxWorkers = maxWorkers();

  constructor(search = globalThis.location?.search ?? '') {
    const stored = this.read();
    if (stored.mast) this.mast = { ...this.mast, ...stored.mast };
    if (stored.network) this.network = { ...this.network, ...stored.network };
    if (stored.workers) this.workers = Math.min(this.maxWorkers, Math.max(1, Math.round(stored.workers)));
    if (stored.search) this.search = { ...this.search, ...stored.search };
    if (stored.limits) this.limits = { ...this.limits, ...stored.limits };
    this.durationsText = this.search.durations.join(', ');
    try {
      const fromUrl = mastConfigFromSearch(search, this.mast);
      if (fromUrl.apiBase !== this.mast.apiBase || new URLSearchParams(search).has('mast')) {
        this.mast = fromUrl;
        this.mastFromUrl = true;
      }
    } catch (err) {
      this.error = `The page URL's mast parameter was ignored: ${(err as Error).message}`;
    }
  }

  /** The server's `--mast` base, for this visit only; the page address (`?mast=`) wins over it. */
  useServerMast(base: string): void {
    if (this.mastFromUrl) return;
    this.mast = withMastBase(this.mast, base);
    this.mastFromServer = base;
  }

  setDurations(text: string): void {
    this.durationsText = text;
    const values = text.split(/[,\s]+/).filter(Boolean).map(Number);
    if (values.length === 0 || values.some((v) => !(Number.isFinite(v) && v > 0))) {
      this.durationsError = 'Durations: give positive numbers of days separated by commas';
      return;
    }
    this.durationsError = null;
    this.search.durations = values;
  }

  /** What the search settings cost on usual light curves (filled on request: it builds the grids). */
  preview = $state.raw<GridPreviewRow[] | null>(null);

  /** Loads the planning code only when asked: the page does not need the search code to start. */
  async estimate(): Promise<void> {
    try {
      const { gridPreview } = await import('../search/grid-preview.ts');
      this.preview = gridPreview(this.searchSnapshot());
    } catch (err) {
      this.preview = [{ label: 'settings', points: 0, error: (err as Error).message }];
    }
  }

  /** A plain snapshot of the search settings, for storing with a job and sending to workers. */
  searchSnapshot(): SearchSettings {
    return validateSearchSettings($state.snapshot(this.search) as SearchSettings);
  }

  mastSnapshot(): MastConfig {
    return $state.snapshot(this.mast) as MastConfig;
  }

  /** The TESS pipelines a user may allow, in preference order. */
  readonly tessAuthorChoices = TESS_AUTHORS;

  setTessAuthor(author: TessAuthor, allowed: boolean): void {
    const set = new Set(this.network.tessAuthors);
    if (allowed) set.add(author);
    else set.delete(author);
    this.network.tessAuthors = TESS_AUTHORS.filter((a) => set.has(a));
  }

  networkSnapshot(): NetworkSettings {
    return $state.snapshot(this.network) as NetworkSettings;
  }

  limitsSnapshot(): RunLimits {
    return $state.snapshot(this.limits) as RunLimits;
  }

  save(): void {
    try {
      this.mast = normalizeMastConfig(this.mastSnapshot());
      this.network = validateNetworkSettings(this.networkSnapshot());
      this.searchSnapshot();
      this.limits = validateRunLimits(this.limitsSnapshot());
      const value: StoredSettings = { workers: this.workers, network: this.networkSnapshot(), search: $state.snapshot(this.search) as SearchSettings };
      value.limits = this.limitsSnapshot();
      if (!this.mastFromUrl && !this.mastFromServer) value.mast = $state.snapshot(this.mast) as MastConfig;
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(value));
      this.error = null;
    } catch (err) {
      this.error = `Settings could not be saved: ${(err as Error).message}`;
    }
  }

  reset(): void {
    this.mast = this.mastFromServer ? withMastBase({ ...DEFAULT_MAST_CONFIG }, this.mastFromServer) : { ...DEFAULT_MAST_CONFIG };
    this.mastFromUrl = false;
    this.network = structuredClone(DEFAULT_NETWORK_SETTINGS);
    this.workers = this.maxWorkers;
    this.search = structuredClone(DEFAULT_SEARCH_SETTINGS);
    this.limits = { ...DEFAULT_RUN_LIMITS };
    this.setDurations(this.search.durations.join(', '));
    this.save();
  }

  private read(): StoredSettings {
    try {
      const text = globalThis.localStorage?.getItem(STORAGE_KEY);
      return text ? (JSON.parse(text) as StoredSettings) : {};
    } catch {
      // Unreadable preferences fall back to the defaults; nothing else depends on them.
      return {};
    }
  }
}
