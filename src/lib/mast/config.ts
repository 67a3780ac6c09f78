import { AppError } from '../errors.ts';

/**
 * Where the client sends its two kinds of request. MAST's CORS headers are unknown
 * (mast-and-formats.md §2.2), so both hosts are configurable: a relay, a proxy or the local
 * stand-in (test/mock-mast) can take MAST's place.
 */
export interface MastConfig {
  /** Base of `/api/v0/invoke` (the Portal API). */
  apiBase: string;
  /** Base of `/api/v0.1/Download/file`. */
  downloadBase: string;
}

export const DEFAULT_MAST_CONFIG: MastConfig = Object.freeze({
  apiBase: 'https://mast.stsci.edu',
  downloadBase: 'https://mast.stsci.edu',
});

/**
 * Reads `?mast=<base URL>` from a location search string; it replaces both hosts. A base may carry
 * a path (a relay mounted under `/mast`), so only trailing slashes are removed.
 */
export function mastConfigFromSearch(search: string, base: MastConfig = DEFAULT_MAST_CONFIG): MastConfig {
  const value = new URLSearchParams(search).get('mast');
  if (value === null) return base;
  const url = parseHttpUrl(value.trim());
  if (url === null) {
    throw new AppError('invalid-settings', `?mast=${value} is not an http(s) URL; write it as e.g. ?mast=http://127.0.0.1:8765`, {
      value,
    });
  }
  const normalized = value.trim().replace(/\/+$/, '');
  return { apiBase: normalized, downloadBase: normalized };
}

/** Checks a base URL typed in Settings the same way, naming the field in the message. */
export function normalizeBaseUrl(field: string, value: string): string {
  if (parseHttpUrl(value.trim()) === null) {
    throw new AppError('invalid-settings', `${field}: "${value}" is not an http(s) URL, e.g. https://mast.stsci.edu`, { value });
  }
  return value.trim().replace(/\/+$/, '');
}

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
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
