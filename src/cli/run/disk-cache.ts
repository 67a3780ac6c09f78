/**
 * The light-curve cache of `run --cache DIR`: the app's `LightCurveCache` on disk, so that a second
 * run (other settings, another shard, a rerun after a crash) asks MAST nothing and downloads nothing
 * it already has. Layout, one entry per file, keyed by the SHA-256 of the cache key:
 *
 *   DIR/files/<hash>.fits    the FITS file as downloaded (any FITS reader can open it)
 *   DIR/files/<hash>.json    its cache key and archive metadata (mission, pipeline, segment)
 *   DIR/cleaned/<hash>.v8    cleaned arrays per quality mask (V8 structured clone, typed arrays exact)
 *   DIR/lists/<hash>.json    a star's product list, asked again after 7 days (MAST adds sectors)
 *
 * Every entry is written to a temporary name and renamed, so concurrent shards sharing one folder
 * (on a cluster's shared file system) never read half a file; the metadata goes last, so a file
 * counts only once it is whole. Nothing is evicted: the folder holds what the job downloaded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { CleanedPart } from '../../lib/lightcurve/file.ts';
import { LIST_TTL_MS, type LightCurveCache } from '../../lib/jobs/lc-cache.ts';
import type { LightCurveProduct } from '../../lib/mast/index.ts';
import type { LightCurveFile } from '../../lib/lightcurve/file.ts';

type FileMeta = Omit<LightCurveFile, 'bytes' | 'cleaned'> & { key: string; size: number };

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function arrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function readOrUndefined(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class DiskLightCurveCache implements LightCurveCache {
  private constructor(
    readonly dir: string,
    private readonly now: () => number,
  ) {}

  static async open(dir: string, opts: { now?: () => number } = {}): Promise<DiskLightCurveCache> {
    for (const sub of ['files', 'cleaned', 'lists']) await mkdir(path.join(dir, sub), { recursive: true });
    return new DiskLightCurveCache(dir, opts.now ?? Date.now);
  }

  async getFile(key: string): Promise<LightCurveFile | undefined> {
    const base = path.join(this.dir, 'files', hash(key));
    const metaBytes = await readOrUndefined(`${base}.json`);
    if (!metaBytes) return undefined;
    const { key: stored, size, ...meta } = JSON.parse(metaBytes.toString('utf8')) as FileMeta;
    if (stored !== key) return undefined;
    const bytes = await readOrUndefined(`${base}.fits`);
    if (!bytes || bytes.byteLength !== size) return undefined;
    return { ...meta, bytes: arrayBuffer(bytes) };
  }

  async putFile(key: string, file: LightCurveFile): Promise<void> {
    const base = path.join(this.dir, 'files', hash(key));
    const { bytes, cleaned: _cleaned, ...meta } = file;
    // Copied now: the caller hands the buffer on (to a worker, which detaches it).
    const copy = Buffer.from(new Uint8Array(bytes).slice());
    await this.atomicWrite(`${base}.fits`, copy);
    const value: FileMeta = { ...meta, key, size: copy.byteLength };
    await this.atomicWrite(`${base}.json`, JSON.stringify(value));
  }

  async getCleaned(key: string, mask: string): Promise<CleanedPart | undefined> {
    const id = `${key}#${mask}`;
    const bytes = await readOrUndefined(path.join(this.dir, 'cleaned', `${hash(id)}.v8`));
    if (!bytes) return undefined;
    const value = deserialize(bytes) as { key: string; part: CleanedPart };
    return value.key === id ? value.part : undefined;
  }

  async putCleaned(key: string, part: CleanedPart): Promise<void> {
    const id = `${key}#${part.mask}`;
    await this.atomicWrite(path.join(this.dir, 'cleaned', `${hash(id)}.v8`), serialize({ key: id, part }));
  }

  async getList(key: string): Promise<LightCurveProduct[] | undefined> {
    const bytes = await readOrUndefined(path.join(this.dir, 'lists', `${hash(key)}.json`));
    if (!bytes) return undefined;
    const value = JSON.parse(bytes.toString('utf8')) as { key: string; savedAt: number; products: LightCurveProduct[] };
    return value.key === key && this.now() - value.savedAt < LIST_TTL_MS ? value.products : undefined;
  }

  async putList(key: string, products: LightCurveProduct[]): Promise<void> {
    await this.atomicWrite(path.join(this.dir, 'lists', `${hash(key)}.json`), JSON.stringify({ key, savedAt: this.now(), products }));
  }

  private async atomicWrite(file: string, data: string | Uint8Array): Promise<void> {
    const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}
