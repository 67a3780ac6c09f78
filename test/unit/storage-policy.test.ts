import { describe, expect, it } from 'vitest';
import { StoragePolicy, type ShrinkableCache, type StorageEstimateLike } from '../../src/lib/jobs/storage-policy.ts';

const MB = 1_000_000;

/** A cache that evicts down to its cap, as IdbLightCurveCache does. */
class FakeCache implements ShrinkableCache {
  caps: number[] = [];
  constructor(public bytes: number) {}
  async usage() {
    return { bytes: this.bytes };
  }
  async setCap(bytes: number) {
    this.caps.push(bytes);
    this.bytes = Math.min(this.bytes, bytes);
  }
}

/** A site whose usage is the jobs' bytes plus the cache's, in a quota of `quota`. */
function site(quota: number | undefined, jobsBytes: number, cache: FakeCache | null, opts: { limit?: number; pending?: number } = {}) {
  const estimate = async (): Promise<StorageEstimateLike> => (quota === undefined ? {} : { quota, usage: jobsBytes + (cache?.bytes ?? 0) });
  return new StoragePolicy({
    estimate,
    cache: async () => cache,
    cacheLimit: () => opts.limit ?? 500 * MB,
    pendingBytes: async () => opts.pending ?? 0,
  });
}

describe('StoragePolicy: results win over the light-curve cache', () => {
  it('leaves the cache its full limit while space is plentiful', async () => {
    const cache = new FakeCache(300 * MB);
    const report = await site(10_000 * MB, 200 * MB, cache).check();
    expect(report).toMatchObject({ level: 'ok', warning: null, cacheCap: 500 * MB, cacheBytes: 300 * MB, usage: 500 * MB, quota: 10_000 * MB });
    // The reserve is the larger of 50 MB and 5% of the quota.
    expect(report.reserve).toBe(500 * MB);
  });

  it('shrinks the cache by what is missing from the reserve, and no more', async () => {
    // 1000 MB quota, reserve 50 MB; jobs 600 MB + cache 380 MB leave 20 MB free: 30 MB short.
    const cache = new FakeCache(380 * MB);
    const report = await site(1000 * MB, 600 * MB, cache).check();
    expect(report.cacheCap).toBe(350 * MB);
    expect(cache.bytes).toBe(350 * MB);
    expect(report).toMatchObject({ level: 'ok', warning: null, reserve: 50 * MB });
  });

  it('keeps room for the pending results: twice their expected size when that is more than the floor', async () => {
    const cache = new FakeCache(300 * MB);
    // 120 MB of results to come: the reserve is 240 MB; 1000 − 500 − 300 = 200 MB free, 40 MB short.
    const report = await site(1000 * MB, 500 * MB, cache, { pending: 120 * MB }).check();
    expect(report.reserve).toBe(240 * MB);
    expect(cache.bytes).toBe(260 * MB);
    expect(report.level).toBe('ok');
  });

  it('empties the cache and warns when even that leaves less than the reserve', async () => {
    const cache = new FakeCache(20 * MB);
    const report = await site(1000 * MB, 950 * MB, cache).check();
    expect(cache.bytes).toBe(0);
    expect(report.cacheCap).toBe(0);
    // 1000 − 950 − 20 = 30 MB free, 50 MB once the cache gave its 20 MB back: exactly the reserve.
    expect(report).toMatchObject({ level: 'ok', warning: null });
    const tighter = new FakeCache(10 * MB);
    const low = await site(1000 * MB, 960 * MB, tighter).check();
    expect(low.level).toBe('low');
    expect(low.warning).toMatch(/Storage is running low: 40 MB free of 1.0 GB/);
  });

  it('says the pending results will not fit when they will not', async () => {
    const report = await site(1000 * MB, 990 * MB, new FakeCache(0), { pending: 30 * MB }).check();
    expect(report.level).toBe('full');
    expect(report.warning).toMatch(/Storage is full: 10 MB free of 1.0 GB, and the remaining results need about 30 MB/);
  });

  it('gives the cache its room back, up to the user\'s limit, when space is freed', async () => {
    const cache = new FakeCache(100 * MB);
    let jobs = 900 * MB;
    const policy = new StoragePolicy({
      estimate: async () => ({ quota: 1000 * MB, usage: jobs + cache.bytes }),
      cache: async () => cache,
      cacheLimit: () => 200 * MB,
      pendingBytes: async () => 0,
    });
    expect((await policy.check()).cacheCap).toBe(50 * MB);
    jobs = 100 * MB; // a big job was deleted
    expect((await policy.check()).cacheCap).toBe(200 * MB);
    expect(cache.caps).toEqual([50 * MB, 200 * MB]);
  });

  it('changes nothing but the user\'s limit when the browser gives no estimate', async () => {
    const cache = new FakeCache(80 * MB);
    const report = await site(undefined, 0, cache, { limit: 60 * MB }).check();
    expect(report).toMatchObject({ level: 'unknown', usage: null, quota: null, cacheCap: 60 * MB, warning: null });
    expect(cache.bytes).toBe(60 * MB);
  });

  it('works with the cache off', async () => {
    const report = await site(1000 * MB, 980 * MB, null).check();
    expect(report).toMatchObject({ level: 'low', cacheBytes: 0 });
  });
});
