import { DEFAULT_MAST_CONFIG, type MastConfig } from './config.ts';

/**
 * The same-origin relay of `npm start` (src/server/mast-relay.ts), as both ends see it. An upstream
 * URL travels in the path: `https://mast.stsci.edu/api/v0/invoke` is relayed as
 * `/mast-relay/https/mast.stsci.edu/api/v0/invoke`. The relay serves only the hosts of its
 * allowlist, the MAST bases it was started with.
 */
export const RELAY_PATH = '/mast-relay/';
/** What the relay answers at `${RELAY_PATH}config`, so that a page can tell it is there. */
export const RELAY_SERVICE = 'transit-features-mast-relay';
/** On a 502 from the relay: the upstream host did not answer (as opposed to answering 502 itself). */
export const RELAY_ERROR_HEADER = 'X-Mast-Relay-Error';

export interface RelayConfig {
  service: typeof RELAY_SERVICE;
  /** Absolute path of the relay on the page's origin. */
  path: string;
  /** The MAST base the server was started with (`npm start -- --mast BASE`), or null for MAST itself. */
  mast: string | null;
  /** Bases (scheme, host, port, path) the relay serves. */
  allow: string[];
}

/**
 * MAST's public cloud copy under its other names: Download answers 302 to the regional S3 host
 * (mast-and-formats.md §1.5), and astroquery writes path-style S3 URLs.
 */
const CLOUD_ALIASES: Record<string, string[]> = {
  'https://stpubdata.s3.amazonaws.com': ['https://stpubdata.s3.us-east-1.amazonaws.com', 'https://s3.amazonaws.com/stpubdata'],
};

/** The bases a relay for this MAST config serves: its four bases, plus the cloud copy's aliases. */
export function relayAllowlist(config: MastConfig = DEFAULT_MAST_CONFIG): string[] {
  const bases = [config.apiBase, config.downloadBase, config.archiveBase ?? '', config.cloudBase ?? '']
    .map((b) => b.trim().replace(/\/+$/, ''))
    .filter((b) => b !== '');
  const all = bases.flatMap((b) => [b, ...(CLOUD_ALIASES[b] ?? [])]);
  return [...new Set(all)];
}

/**
 * True when `url` lies under one of the bases: the same scheme, host and port, and a path at or
 * below the base's path (`https://s3.amazonaws.com/stpubdata` allows `/stpubdata/…`, not
 * `/stpubdata-other/…`). Dot segments are resolved first, so `/stpubdata/../x` is not under it.
 */
export function allowedBy(allow: readonly string[], url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  return allow.some((base) => {
    let b: URL;
    try {
      b = new URL(base);
    } catch {
      return false;
    }
    if (b.origin !== target.origin) return false;
    const prefix = b.pathname.replace(/\/+$/, '');
    return prefix === '' || target.pathname === prefix || target.pathname.startsWith(`${prefix}/`);
  });
}

/** `https://mast.stsci.edu/api/v0/invoke?x=1` → `/mast-relay/https/mast.stsci.edu/api/v0/invoke?x=1` (normalised). */
export function toRelayPath(url: string): string {
  const u = new URL(url);
  return `${RELAY_PATH}${u.protocol.slice(0, -1)}/${u.host}${u.pathname}${u.search}`;
}

/** The inverse of toRelayPath; null when the path does not name an http(s) URL. */
export function fromRelayPath(path: string): string | null {
  if (!path.startsWith(RELAY_PATH)) return null;
  const m = /^(https?)\/([^/?#]+)(.*)$/s.exec(path.slice(RELAY_PATH.length));
  if (!m) return null;
  try {
    const url = new URL(`${m[1]}://${m[2]}${m[3].startsWith('/') || m[3] === '' ? m[3] : `/${m[3]}`}`);
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/** Checks an answer from `${RELAY_PATH}config`; null when it is not this relay's (a static host's 404 page, an SPA fallback). */
export function readRelayConfig(value: unknown): RelayConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<RelayConfig>;
  if (v.service !== RELAY_SERVICE || typeof v.path !== 'string' || !Array.isArray(v.allow)) return null;
  if (!v.allow.every((a) => typeof a === 'string')) return null;
  if (v.mast !== null && typeof v.mast !== 'string') return null;
  return { service: RELAY_SERVICE, path: v.path, mast: v.mast ?? null, allow: v.allow };
}
