/**
 * A `fetch` for Node tests that applies the browser's CORS rules to the stand-in's answers
 * (Fetch standard §4.9 "CORS check", §4.4 "HTTP-redirect fetch"): a cross-origin response without a
 * matching `Access-Control-Allow-Origin` rejects with a bare TypeError, as in a browser; a redirect
 * to another origin is followed with `Origin: null`, so the second host must allow `*` or `null`.
 * Same-origin requests (the page's own host) are not checked.
 */
export function corsFetch(pageOrigin: string, real: typeof fetch = globalThis.fetch): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    let url = String(input instanceof Request ? input.url : input);
    let origin = pageOrigin;
    for (let hop = 0; hop < 5; hop++) {
      const sameOrigin = new URL(url).origin === pageOrigin && origin === pageOrigin;
      const headers = new Headers(init?.headers);
      if (!sameOrigin) headers.set('Origin', origin);
      const res = await real(url, { ...init, headers, redirect: 'manual' });
      if (!sameOrigin) {
        const allowed = res.headers.get('Access-Control-Allow-Origin');
        if (allowed !== '*' && allowed !== origin) {
          await res.body?.cancel();
          throw new TypeError('Failed to fetch');
        }
      }
      const location = res.headers.get('Location');
      if (res.status < 300 || res.status >= 400 || location === null) return res;
      await res.body?.cancel();
      const next = new URL(location, url);
      // A redirect to another origin taints the request: its Origin becomes "null".
      if (next.origin !== new URL(url).origin) origin = 'null';
      url = next.href;
    }
    throw new TypeError('Failed to fetch (too many redirects)');
  }) as typeof fetch;
}
