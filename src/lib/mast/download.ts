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
    checkLength(bytes, res.headers, name, url, false);
    checkFits(bytes, name, url);
    checkLength(bytes, res.headers, name, url, true);
    return bytes;
  });
}

/**
 * A body shorter than its Content-Length is a cut download; without a length (chunked, or hidden
 * by an encoding), a FITS body that is not whole 2880-byte blocks is. Either is worth a retry.
 * The length check comes before the FITS check, and the block check after it, so that a short
 * FITS file is "cut short" and a small HTML page is "not FITS".
 */
function checkLength(bytes: ArrayBuffer, headers: Headers, name: string, url: string, wholeBlocks: boolean): void {
  const declared = headers.get('Content-Length');
  // With a Content-Encoding, Content-Length counts the compressed bytes; fetch hands us decoded ones.
  const encoded = (headers.get('Content-Encoding') ?? 'identity') !== 'identity';
  const expected = declared !== null && !encoded && Number.isFinite(Number(declared)) ? Number(declared) : null;
  const cut = expected !== null ? bytes.byteLength !== expected : wholeBlocks && bytes.byteLength % FITS_BLOCK !== 0;
  if (cut) {
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
