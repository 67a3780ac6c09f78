/** The page's routes, in the URL's hash so that Back works and a target view can be bookmarked. */

export type Route = { view: 'home' } | { view: 'target'; jobId: string; key: string } | { view: 'dictionary'; name: string };

/** `#/job/<id>/target/<key>` (each part URI-encoded); anything else is the home view. */
export function parseRoute(hash: string): Route {
  const dict = /^#\/dictionary(?:\/([^/]*))?$/.exec(hash);
  if (dict) return { view: 'dictionary', name: decodeURIComponent(dict[1] ?? '') };
  const m = /^#\/job\/([^/]+)\/target\/([^/]+)$/.exec(hash);
  if (!m) return { view: 'home' };
  try {
    return { view: 'target', jobId: decodeURIComponent(m[1]), key: decodeURIComponent(m[2]) };
  } catch {
    return { view: 'home' };
  }
}

export function targetHash(jobId: string, key: string): string {
  return `#/job/${encodeURIComponent(jobId)}/target/${encodeURIComponent(key)}`;
}
