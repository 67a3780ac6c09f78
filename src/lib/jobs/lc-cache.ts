import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { LightCurveProduct } from '../mast/index.ts';
import type { CleanedPart } from '../lightcurve/file.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';

export const LC_CACHE_DB_NAME = 'transit-features-lc';
/** Bump only with a migration; the cache may be emptied by one (it is only a cache). */
export const LC_CACHE_DB_VERSION = 2;
/** A star's product list is asked again after this long: MAST adds sectors as TESS observes. */
export const LIST_TTL_MS = 7 * 24 * 3600 * 1000;

interface FileValue {
  key: string;
  file: LightCurveFile;
}
interface CleanedValue {
  key: string;
  part: CleanedPart;
}
interface EntryValue {
  key: string;
  bytes: number;
  lastUsed: number;
  /** Which store holds the entry; absent (version 1) means a raw file. */
  kind?: 'file' | 'cleaned';
}
interface ListValue {
  key: string;
  products: LightCurveProduct[];
  savedAt: number;
}

interface LcCacheSchema extends DBSchema {
  /** The raw FITS bytes with their archive metadata, keyed by dataURI or URL. */
  files: { key: string; value: FileValue };
  /** Size and last use of each file, kept apart so that eviction never reads the bytes. */
  entries: { key: string; value: EntryValue; indexes: { 'by-used': number } };
  /** Product lists per star and product choice. */
  lists: { key: string; value: ListValue };
  /** A file's cleaned arrays per quality mask, keyed `<file key>#<mask>`: a smaller, ready copy. */
  cleaned: { key: string; value: CleanedValue };
}

/** What the network source needs from a cache; tests and "cache off" use other implementations. */
export interface LightCurveCache {
  getFile(key: string): Promise<LightCurveFile | undefined>;
  putFile(key: string, file: LightCurveFile): Promise<void>;
  getList(key: string): Promise<LightCurveProduct[] | undefined>;
  putList(key: string, products: LightCurveProduct[]): Promise<void>;
  getCleaned?(key: string, mask: string): Promise<CleanedPart | undefined>;
  putCleaned?(key: string, part: CleanedPart): Promise<void>;
}

function cleanedKey(key: string, mask: string): string {
  return `${key}#${mask}`;
}

function cleanedBytes(part: CleanedPart): number {
  const { time, flux, fluxErr } = part.lc;
  return time.byteLength + flux.byteLength + (fluxErr?.byteLength ?? 0);
}

/**
 * The browser's light-curve cache: IndexedDB, least recently used files evicted beyond a size cap
 * (workbox's ExpirationPlugin keeps the same split of data and timestamps). A file larger than the
 * cap is not stored. Errors are the caller's to report: the cache never swallows storage errors.
 */
export class IdbLightCurveCache implements LightCurveCache {
  private clock = Date.now();

  private constructor(
    private readonly db: IDBPDatabase<LcCacheSchema>,
    private capBytes: number,
    private readonly now: () => number,
  ) {}

  static async open(capBytes: number, opts: { factory?: IDBFactory; now?: () => number } = {}): Promise<IdbLightCurveCache> {
    if (opts.factory) (globalThis as { indexedDB?: IDBFactory }).indexedDB = opts.factory;
    const db = await openDB<LcCacheSchema>(LC_CACHE_DB_NAME, LC_CACHE_DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('files', { keyPath: 'key' });
          db.createObjectStore('entries', { keyPath: 'key' }).createIndex('by-used', 'lastUsed');
          db.createObjectStore('lists', { keyPath: 'key' });
        }
        // Version 2 adds the cleaned arrays beside the raw files; nothing stored is dropped.
        if (oldVersion < 2) db.createObjectStore('cleaned', { keyPath: 'key' });
      },
      blocking() {
        db.close();
      },
    });
    return new IdbLightCurveCache(db, capBytes, opts.now ?? Date.now);
  }

  /** A new cap applies at once (files are evicted down to it). */
  async setCap(capBytes: number): Promise<void> {
    this.capBytes = capBytes;
    await this.evict();
  }

  async getFile(key: string): Promise<LightCurveFile | undefined> {
    const tx = this.db.transaction(['files', 'entries'], 'readwrite');
    const [value, entry] = await Promise.all([tx.objectStore('files').get(key), tx.objectStore('entries').get(key)]);
    if (value && entry) await tx.objectStore('entries').put({ ...entry, lastUsed: this.tick() });
    await tx.done;
    return value && entry ? value.file : undefined;
  }

  async putFile(key: string, file: LightCurveFile): Promise<void> {
    const bytes = file.bytes.byteLength;
    if (bytes > this.capBytes) return;
    const tx = this.db.transaction(['files', 'entries'], 'readwrite');
    // Both puts are issued at once: the bytes are cloned now, before the caller hands them on.
    await Promise.all([
      tx.objectStore('files').put({ key, file }),
      tx.objectStore('entries').put({ key, bytes, lastUsed: this.tick() }),
      tx.done,
    ]);
    await this.evict();
  }

  async getCleaned(key: string, mask: string): Promise<CleanedPart | undefined> {
    const id = cleanedKey(key, mask);
    const tx = this.db.transaction(['cleaned', 'entries'], 'readwrite');
    const [value, entry] = await Promise.all([tx.objectStore('cleaned').get(id), tx.objectStore('entries').get(id)]);
    if (value && entry) await tx.objectStore('entries').put({ ...entry, lastUsed: this.tick() });
    await tx.done;
    return value && entry ? value.part : undefined;
  }

  async putCleaned(key: string, part: CleanedPart): Promise<void> {
    const bytes = cleanedBytes(part);
    if (bytes > this.capBytes) return;
    const id = cleanedKey(key, part.mask);
    const tx = this.db.transaction(['cleaned', 'entries'], 'readwrite');
    await Promise.all([
      tx.objectStore('cleaned').put({ key: id, part }),
      tx.objectStore('entries').put({ key: id, bytes, lastUsed: this.tick(), kind: 'cleaned' }),
      tx.done,
    ]);
    await this.evict();
  }

  async getList(key: string): Promise<LightCurveProduct[] | undefined> {
    const value = await this.db.get('lists', key);
    return value && this.now() - value.savedAt < LIST_TTL_MS ? value.products : undefined;
  }

  async putList(key: string, products: LightCurveProduct[]): Promise<void> {
    await this.db.put('lists', { key, products, savedAt: this.now() });
  }

  /** Bytes and files held. */
  async usage(): Promise<{ bytes: number; files: number }> {
    const entries = await this.db.getAll('entries');
    return { bytes: entries.reduce((s, e) => s + e.bytes, 0), files: entries.length };
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(['files', 'entries', 'lists', 'cleaned'], 'readwrite');
    await Promise.all([
      tx.objectStore('files').clear(),
      tx.objectStore('entries').clear(),
      tx.objectStore('lists').clear(),
      tx.objectStore('cleaned').clear(),
      tx.done,
    ]);
  }

  close(): void {
    this.db.close();
  }

  /** Deletes the least recently used files until the rest fits under the cap. */
  private async evict(): Promise<void> {
    const tx = this.db.transaction(['files', 'entries', 'cleaned'], 'readwrite');
    const entries = tx.objectStore('entries');
    let total = (await entries.getAll()).reduce((s, e) => s + e.bytes, 0);
    let cursor = await entries.index('by-used').openCursor();
    while (cursor && total > this.capBytes) {
      total -= cursor.value.bytes;
      await tx.objectStore(cursor.value.kind === 'cleaned' ? 'cleaned' : 'files').delete(cursor.value.key);
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  /** Strictly increasing use stamps, so two uses in one millisecond keep their order. */
  private tick(): number {
    this.clock = Math.max(this.clock + 1, this.now());
    return this.clock;
  }
}
