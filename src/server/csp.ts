/**
 * The app's Content-Security-Policy: sent as a response header by `npm start` on every page and
 * worker, and written as a `<meta>` tag into the built index.html for static hosting (where
 * `frame-ancestors` is ignored, so it is left out; workers get no policy there unless the host
 * sends the header).
 *
 * - Scripts only from the app's own origin; `'wasm-unsafe-eval'` compiles the WASM kernels; no
 *   inline script, no eval.
 * - `connect-src`: the page's own origin (the app's files, the relay of `npm start`), any `https:`
 *   host, and plain http only to `localhost` / `127.0.0.1`. Every host a user may configure (the
 *   four MAST bases, the proxy prefix, `?mast=`, a sample list's `lightcurve_url`) must already be
 *   one of those (src/lib/mast/addresses.ts), so this is as tight as configurable hosts allow: a
 *   list of MAST's own four hosts would break the proxy prefix, mirrors and `lightcurve_url`.
 * - Inline styles are allowed: Svelte templates carry `style="…"` attributes, and styles cannot run
 *   code; nothing from data is ever inserted as markup, so no style can come from a sample list.
 */
const DIRECTIVES: Array<[string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self' https: http://localhost:* http://127.0.0.1:*"],
  ['img-src', "'self' data: blob:"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/** The policy as a header value (with `frame-ancestors 'none'`) or as a meta tag's content. */
export function contentSecurityPolicy(where: 'header' | 'meta'): string {
  const directives = where === 'header' ? [...DIRECTIVES, ['frame-ancestors', "'none'"]] : DIRECTIVES;
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Headers `npm start` sends with every answer. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy('header'),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
