import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { IdbLightCurveCache, LIST_TTL_MS } from '../../src/lib/jobs/lc-cache.ts';
import type { LightCurveProduct } from '../../src/lib/mast/index.ts';

const file = (n: number, fill: number) => ({ name: `f${fill}.fits`, bytes: new Uint8Array(n).fill(fill).buffer, mission: 'TESS' as const, author: 'SPOC', segment: fill });

async function open(cap: number, now?: () => number) {
  return IdbLightCurveCache.open(cap, { factory: new IDBFactory(), now });
}

describe('IdbLightCurveCache', () => {
  it('returns the stored bytes and metadata, and nothing for an unknown key', async () => {
    const cache = await open(1000);
    await cache.putFile('mast:TESS/product/a', file(100, 7));
    const got = await cache.getFile('mast:TESS/product/a');
    expect(got).toMatchObject({ name: 'f7.fits', mission: 'TESS', author: 'SPOC', segment: 7 });
    expect([...new Uint8Array(got!.bytes)]).toEqual(Array(100).fill(7));
    expect(await cache.getFile('mast:TESS/product/b')).toBeUndefined();
    expect(await cache.usage()).toEqual({ bytes: 100, files: 1 });
  });

  it('evicts the least recently used files beyond the cap, counting a read as a use', async () => {
    const cache = await open(300);
    await cache.putFile('a', file(100, 1));
    await cache.putFile('b', file(100, 2));
    await cache.putFile('c', file(100, 3));
    await cache.getFile('a'); // now b is the oldest
    await cache.putFile('d', file(100, 4));
    expect(await cache.getFile('b')).toBeUndefined();
    for (const key of ['a', 'c', 'd']) expect(await cache.getFile(key), key).toBeDefined();
    expect(await cache.usage()).toEqual({ bytes: 300, files: 3 });
  });

  it('does not store a file larger than the cap, and a lower cap evicts at once', async () => {
    const cache = await open(250);
    await cache.putFile('big', file(251, 1));
    expect(await cache.getFile('big')).toBeUndefined();
    await cache.putFile('a', file(100, 1));
    await cache.putFile('b', file(100, 2));
    await cache.setCap(150);
    expect(await cache.usage()).toEqual({ bytes: 100, files: 1 });
    expect(await cache.getFile('b')).toBeDefined();
  });

  it('keeps product lists for a week', async () => {
    let t = 1_000_000;
    const cache = await open(1000, () => t);
    const products = [{ dataURI: 'mast:x', productFilename: 'x_lc.fits' } as LightCurveProduct];
    await cache.putList('TESS:1|SPOC|0', products);
    t += LIST_TTL_MS - 1;
    expect(await cache.getList('TESS:1|SPOC|0')).toEqual(products);
    t += 1;
    expect(await cache.getList('TESS:1|SPOC|0')).toBeUndefined();
  });
});
