import type { LightCurveCache } from './lc-cache.ts';

/**
 * A light-curve cache whose keys carry a namespace: the MAST hosts the files came from
 * (cacheNamespace). A `?mast=` link, a mirror or the stand-in then fills a space of its own, and a
 * job against MAST never gets a file some other host served under a MAST data URI.
 */
export function namespacedCache(cache: LightCurveCache, namespace: string): LightCurveCache {
  if (namespace === '') return cache;
  const k = (key: string) => `${namespace}${key}`;
  const wrapped: LightCurveCache = {
    getFile: (key) => cache.getFile(k(key)),
    putFile: (key, file) => cache.putFile(k(key), file),
    getList: (key) => cache.getList(k(key)),
    putList: (key, products) => cache.putList(k(key), products),
  };
  if (cache.getCleaned) wrapped.getCleaned = (key, mask) => cache.getCleaned!(k(key), mask);
  if (cache.putCleaned) wrapped.putCleaned = (key, part) => cache.putCleaned!(k(key), part);
  return wrapped;
}
