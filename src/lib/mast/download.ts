import { AppError } from '../errors.ts';
import type { MastConfig } from './config.ts';
import type { LightCurveProduct } from './find.ts';
import { httpStatusError, withRetries, type MastDeps } from './http.ts';

/** Every FITS file starts with this card (FITS 4.0 §4.4.1.1); MAST error pages do not. */
const FITS_MAGIC = 'SIMPLE  =';
const FITS_BLOCK = 2880;

/**
 * `${downloadBase}/api/v0.1/Download/file?uri=<dataURI>`, percent-encoded as astroquery does it:
 * everything but `:` and `/` (mast-and-formats.md §1.5), so `uri=mast:TESS/product/tess…_lc.fits`.
 */
export function downloadUrl(config: MastConfig, dataURI: string): string {
  const uri = encodeURIComponent(dataURI).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
  return `${config.downloadBase}/api/v0.1/Download/file?uri=${uri}`;
}

/**
 * Downloads one product and returns its bytes, checked: the whole body arrived (a short body is a
 * truncated download, retried, never handed on as data, cf. lightkurve #411/#1231) and it is FITS.
 */
export async function downloadProduct(product: LightCurveProduct, config: MastConfig, deps: MastDeps): Promise<ArrayBuffer> {
  return fetchFits(downloadUrl(config, product.dataURI), product.productFilename, deps, `MAST has no file ${product.dataURI}`);
}

/**
 * The same checked download for a light curve named by a plain URL (the bundled demo files, a
 * user's own list); the file name in messages is the URL's last path segment.
 */
export async function fetchFitsUrl(url: string, deps: MastDeps): Promise<ArrayBuffer> {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || url);
  return fetchFits(url, name, deps, `there is no file at ${url}`);
}

async function fetchFits(url: string, name: string, deps: MastDeps, notFound: string): Promise<ArrayBuffer> {
  return withRetries(url, 'download-failed', deps, async (signal) => {
    const res = await deps.fetch(url, { signal });
    if (!res.ok) {
      await res.body?.cancel();
      const what = res.status === 404 ? `${notFound} (HTTP 404)` : `downloading ${name}: HTTP ${res.status}`;
      throw httpStatusError('download-failed', what, res.status, url);
    }
    const bytes = await res.arrayBuffer();
    checkComplete(bytes, res.headers, name, url);
    checkFits(bytes, name, url);
    return bytes;
  });
}

function checkComplete(bytes: ArrayBuffer, headers: Headers, name: string, url: string): void {
  const declared = headers.get('Content-Length');
  // With a Content-Encoding, Content-Length counts the compressed bytes; fetch hands us decoded ones.
  const encoded = (headers.get('Content-Encoding') ?? 'identity') !== 'identity';
  const expected = declared !== null && !encoded ? Number(declared) : null;
  const truncated =
    expected !== null && Number.isFinite(expected)
      ? bytes.byteLength !== expected
      : bytes.byteLength % FITS_BLOCK !== 0; // no length to compare: FITS files are whole 2880-byte blocks
  if (truncated) {
    throw new AppError(
      'download-failed',
      `download of ${name} was cut short: ${bytes.byteLength} bytes received${expected !== null ? ` of ${expected}` : ', not a whole number of FITS blocks'}`,
      { transient: true, url, received: bytes.byteLength, expected },
    );
  }
}

function checkFits(bytes: ArrayBuffer, name: string, url: string): void {
  const head = new TextDecoder('latin1').decode(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, FITS_MAGIC.length)));
  if (head !== FITS_MAGIC) {
    throw new AppError('download-failed', `${name} is not a FITS file (it starts with ${JSON.stringify(head)})`, {
      transient: false,
      url,
    });
  }
}
