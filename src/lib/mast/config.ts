import { AppError } from '../errors.ts';
import { isSecureOrLoopback } from './addresses.ts';

/**
 * Where the client sends its requests. MAST's CORS headers are unknown (mast-and-formats.md §2.2),
 * so every host is configurable: a relay, a proxy or the local stand-in (test/mock-mast) can take
 * MAST's place. An empty archive or cloud base turns that fallback off.
 */
export interface MastConfig {
  /** Base of `/api/v0/invoke` (the Portal API). */
  apiBase: string;
  /** Base of `/api/v0.1/Download/file`. */
  downloadBase: string;
  /** Base of the archive's direct paths (`/missions/tess/tid/…`, `/missions/kepler/lightcurves/…`, §2.1). */
  archiveBase?: string;
  /** Base of the public cloud copy (`/tess/public/tid/…`, `/kepler/public/lightcurves/…`, §2.1). */
  cloudBase?: string;
  /** Put in front of every URL, e.g. `https://relay.example/?url=`; empty for none. */
  proxyPrefix?: string;
}

export const DEFAULT_MAST_CONFIG: MastConfig = Object.freeze({
  apiBase: 'https://mast.stsci.edu',
  downloadBase: 'https://mast.stsci.edu',
  archiveBase: 'https://archive.stsci.edu',
  cloudBase: 'https://stpubdata.s3.amazonaws.com',
  proxyPrefix: '',
});

/** TESS pipelines in the order a careful astronomer prefers them (lightkurve's author priority, §1.3 step 9). */
export const TESS_AUTHORS = ['SPOC', 'TESS-SPOC', 'QLP'] as const;
export type TessAuthor = (typeof TESS_AUTHORS)[number];

/** What to download and how hard to push the network; saved with the other settings. */
export interface NetworkSettings {
  /** Downloads in flight at once, independent of the worker pool. */
  downloadConcurrency: number;
  /** Downloaded light curves allowed to wait for a worker; 0 = downloads + pool size. */
  prefetchLimit: number;
  /** Light-curve cache cap in MB; 0 turns the cache off. */
  cacheMb: number;
  /** TESS pipelines allowed, in preference order; SPOC 2-min is always first when listed. */
  tessAuthors: TessAuthor[];
  /** Sectors / quarters / campaigns per star, lowest first; 0 = all. */
  segmentLimit: number;
}

export const DEFAULT_NETWORK_SETTINGS: NetworkSettings = Object.freeze({
  downloadConcurrency: 4,
  prefetchLimit: 0,
  cacheMb: 500,
  tessAuthors: ['SPOC'] as TessAuthor[],
  segmentLimit: 0,
});

/**
 * The light-curve cache's namespace for a config: empty for MAST's own hosts (so existing caches
 * stay valid), else the bases, so that files another host served (a `?mast=` link, a mirror, the
 * stand-in) are only ever used again while that host is in force.
 */
export function cacheNamespace(config: MastConfig): string {
  const bases = [config.apiBase, config.downloadBase, config.archiveBase ?? '', config.cloudBase ?? ''].map((b) => b.replace(/\/+$/, ''));
  const mast = new Set([DEFAULT_MAST_CONFIG.apiBase, DEFAULT_MAST_CONFIG.downloadBase, DEFAULT_MAST_CONFIG.archiveBase, DEFAULT_MAST_CONFIG.cloudBase]);
  return bases.every((b) => b === '' || mast.has(b)) ? '' : `hosts=${bases.join(' ')}|`;
}

/** Checks network settings typed in Settings, naming the field and the rule. */
export function validateNetworkSettings(s: NetworkSettings): NetworkSettings {
  const whole = (field: string, value: number, min: number, max: number): number => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new AppError('invalid-settings', `${field} must be a whole number from ${min} to ${max}, got ${value}`, { field, value });
    }
    return value;
  };
  const authors = TESS_AUTHORS.filter((a) => s.tessAuthors.includes(a));
  if (authors.length === 0) throw new AppError('invalid-settings', 'TESS pipelines: allow at least one of SPOC, TESS-SPOC, QLP', {});
  return {
    downloadConcurrency: whole('Downloads at once', s.downloadConcurrency, 1, 32),
    prefetchLimit: whole('Prefetched light curves', s.prefetchLimit, 0, 256),
    cacheMb: whole('Cache size (MB)', s.cacheMb, 0, 100_000),
    tessAuthors: authors,
    segmentLimit: whole('Segments per star', s.segmentLimit, 0, 1000),
  };
}

/**
 * Reads `?mast=<base URL>` from a location search string; it replaces every MAST host (the
 * stand-in serves the Portal API, Download, archive and cloud layouts under one base). A base may
 * carry a path (a relay mounted under `/mast`), so only trailing slashes are removed.
 */
export function mastConfigFromSearch(search: string, base: MastConfig = DEFAULT_MAST_CONFIG): MastConfig {
  const value = new URLSearchParams(search).get('mast');
  if (value === null) return base;
  if (parseMastUrl(value.trim()) === null) {
    throw new AppError('invalid-settings', `?mast=${value} is not an https URL (or http to localhost / 127.0.0.1); write it as e.g. ?mast=http://127.0.0.1:8765`, {
      value,
    });
  }
  return withMastBase(base, value);
}

/** Every MAST host replaced by one base (the stand-in and a mirror serve all four layouts under one base). */
export function withMastBase(config: MastConfig, base: string): MastConfig {
  const normalized = base.trim().replace(/\/+$/, '');
  return { ...config, apiBase: normalized, downloadBase: normalized, archiveBase: normalized, cloudBase: normalized };
}

/** Checks a base URL typed in Settings the same way, naming the field in the message. */
export function normalizeBaseUrl(field: string, value: string): string {
  if (parseMastUrl(value.trim()) === null) {
    throw new AppError('invalid-settings', `${field}: "${value}" is not an https URL (or http to localhost / 127.0.0.1), e.g. https://mast.stsci.edu`, {
      value,
    });
  }
  return value.trim().replace(/\/+$/, '');
}

/** The same for a base that may be left empty (a fallback turned off, no proxy). */
export function normalizeOptionalUrl(field: string, value: string | undefined): string {
  return (value ?? '').trim() === '' ? '' : normalizeBaseUrl(field, value ?? '');
}

/**
 * Checks and normalises every URL of a config (Settings' Save). The proxy prefix keeps its tail. A
 * proxy sees every request and every file, so it must be reached over https (or on this machine):
 * over plain http anyone on the way could read and change what it relays.
 */
export function normalizeMastConfig(c: MastConfig): MastConfig {
  const proxy = (c.proxyPrefix ?? '').trim();
  if (proxy !== '' && parseMastUrl(proxy) === null) {
    throw new AppError(
      'invalid-settings',
      `Proxy prefix: "${proxy}" is not an https URL (or http to localhost / 127.0.0.1), e.g. https://relay.example/?url=`,
      { value: proxy },
    );
  }
  return {
    apiBase: normalizeBaseUrl('MAST API base URL', c.apiBase),
    downloadBase: normalizeBaseUrl('Download base URL', c.downloadBase),
    archiveBase: normalizeOptionalUrl('Archive base URL', c.archiveBase),
    cloudBase: normalizeOptionalUrl('Cloud copy base URL', c.cloudBase),
    proxyPrefix: proxy,
  };
}

/**
 * A URL as it is fetched: behind the proxy prefix when one is set. A prefix ending in `=` (a query
 * parameter, `https://relay.example/?url=`) gets the URL percent-encoded; any other prefix
 * (`https://relay.example/`) gets it verbatim, as path-style relays expect.
 */
export function viaProxy(config: MastConfig, url: string): string {
  const prefix = config.proxyPrefix ?? '';
  if (prefix === '') return url;
  return prefix.endsWith('=') ? `${prefix}${encodeURIComponent(url)}` : `${prefix}${url}`;
}

/** An https URL, or http to localhost / 127.0.0.1 (see isSecureOrLoopback), else null. */
export function parseMastUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return isSecureOrLoopback(url) ? url : null;
  } catch {
    return null;
  }
}

/** The host named in messages, e.g. `mast.stsci.edu` or `127.0.0.1:8765`. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
