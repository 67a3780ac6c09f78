import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Node's fetch, plus `file:` URLs read from disk: a sample list's `lightcurve_url` may name local
 * files, relative to the list's folder (the bundled demo list runs offline this way). A missing file
 * answers 404, as a web server would, so the row fails with the app's own message.
 */
export const fileAwareFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file:')) return fetch(input, init);
  init?.signal?.throwIfAborted();
  try {
    const bytes = await readFile(fileURLToPath(url));
    return new Response(bytes, { status: 200, headers: { 'Content-Length': String(bytes.byteLength) } });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return new Response(`no such file: ${fileURLToPath(url)}`, { status: 404 });
    throw err;
  }
};
