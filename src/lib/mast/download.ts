import { AppError } from '../errors.ts';
import { hostOf, viaProxy, type MastConfig } from './config.ts';
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
 * The key of a product under the archive's direct paths and under the public cloud copy
 * (mast-and-formats.md §2.1), or null when the layout is not known for it. TESS SPOC files live
 * under `tid/s<SSSS>/<TIC16 in four groups of four>/`; Kepler and K2 URIs already carry the
 * archive path (`mast:Kepler/url/missions/kepler/…`); HLSPs map `mast:HLSP/<rest>` to `hlsps/<rest>`.
 */
export function mirrorPaths(dataURI: string): { archive: string; cloud: string } | null {
  const tess = /^mast:TESS\/product\/(tess\d{13}-s(\d{4})-(\d{16})-\d{4}-[a-z]_(?:fast-)?lc\.fits)$/.exec(dataURI);
  if (tess) {
    const [, file, sector, tic] = tess;
    const tail = `tid/s${sector}/${tic.slice(0, 4)}/${tic.slice(4, 8)}/${tic.slice(8, 12)}/${tic.slice(12)}/${file}`;
    return { archive: `missions/tess/${tail}`, cloud: `tess/public/${tail}` };
  }
  const mission = /^mast:(?:Kepler|K2)\/url\/missions\/(kepler|k2)\/(lightcurves\/.+)$/.exec(dataURI);
  if (mission) return { archive: `missions/${mission[1]}/${mission[2]}`, cloud: `${mission[1]}/public/${mission[2]}` };
  const hlsp = /^mast:HLSP\/(.+)$/.exec(dataURI);
  if (hlsp) return { archive: `hlsps/${hlsp[1]}`, cloud: `mast/hlsp/${hlsp[1]}` };
  return null;
}

/** Every URL a product can come from, in the order tried: Download endpoint, archive, cloud copy. */
export function productUrls(product: Pick<LightCurveProduct, 'dataURI'>, config: MastConfig): Array<{ via: string; url: string }> {
  const urls = [{ via: 'Download', url: downloadUrl(config, product.dataURI) }];
  const mirror = mirrorPaths(product.dataURI);
  if (mirror && config.archiveBase) urls.push({ via: 'archive', url: `${config.archiveBase}/${mirror.archive}` });
  if (mirror && config.cloudBase) urls.push({ via: 'cloud', url: `${config.cloudBase}/${mirror.cloud}` });
  return urls.map((u) => ({ ...u, url: viaProxy(config, u.url) }));
}

/**
 * Downloads one product and returns its bytes, checked: the whole body arrived (a short body is a
 * truncated download, retried, never handed on as data, cf. lightkurve #411/#1231) and it is FITS.
 * When a host fails (blocked by CORS, down, or missing the file) the next one is tried; a file that
 * is not FITS ends it, since every copy is the same file. When every host fails, the error is the
 * first host's, with the others' reasons in its message.
 */
export async function downloadProduct(product: LightCurveProduct, config: MastConfig, deps: MastDeps): Promise<ArrayBuffer> {
  const failures: Array<{ via: string; err: AppError }> = [];
  const urls = productUrls(product, config);
  for (const [i, { via, url }] of urls.entries()) {
    // A blocked host is left at once while another is there to try; the last one gets its retries.
    const hostDeps = i < urls.length - 1 ? { ...deps, noRetryWhenBlocked: true } : deps;
    try {
      return await fetchFits(url, product.productFilename, hostDeps, `MAST has no file ${product.dataURI}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.details.notFits === true) throw err;
      failures.push({ via, err });
    }
  }
  throw combineFailures(failures, product);
}

function combineFailures(failures: Array<{ via: string; err: AppError }>, product: LightCurveProduct): AppError {
  const first = failures[0].err;
  if (failures.length === 1) return first;
  const allBlocked = failures.every((f) => f.err.name === 'network-blocked');
  const reasons = failures.map((f) => `${f.via}: ${f.err.message}`).join('; ');
  const message = allBlocked
    ? `${product.productFilename}: every host was blocked or unreachable (${failures.map((f) => hostOf(String(f.err.details.url))).join(', ')}); ` +
      'the browser refuses responses without CORS headers: set a proxy prefix or other base URLs in Settings › MAST'
    : `${product.productFilename}: no host could deliver it (${reasons})`;
  return new AppError(allBlocked ? 'network-blocked' : first.name, message, { ...first.details, hosts: failures.map((f) => f.via) });
}

/**
 * The same checked download for a light curve named by a plain URL (the bundled demo files, a
 * user's own list); the file name in messages is the URL's last path segment unless given.
 */
export async function fetchFitsUrl(url: string, deps: MastDeps, name?: string): Promise<ArrayBuffer> {
  const fileName = name ?? decodeURIComponent(new URL(url).pathname.split('/').pop() || url);
  return fetchFits(url, fileName, deps, `there is no file at ${url}`);
}

/**
 * A sample list's `lightcurve_url` as it is fetched: a file on the page's own origin (the demo)
 * as it is, any other through the proxy prefix when one is set, as MAST's URLs are.
 */
export function listedFileUrl(href: string, pageUrl: string, config: MastConfig): string {
  let sameOrigin = false;
  try {
    sameOrigin = new URL(href).origin === new URL(pageUrl).origin;
  } catch {
    sameOrigin = false;
  }
  return sameOrigin ? href : viaProxy(config, href);
}

async function fetchFits(url: string, name: string, deps: MastDeps, notFound: string): Promise<ArrayBuffer> {
  return withRetries(url, 'download-failed', deps, async (signal) => {
    const res = await deps.fetch(url, { signal });
    if (!res.ok) {
      await res.body?.cancel();
      const what = res.status === 404 ? `${notFound} (HTTP 404)` : `downloading ${name}: HTTP ${res.status}`;
      throw httpStatusError('download-failed', what, res.status, url);
    }
    const bytes = await readBody(res, name, url);
    checkLength(bytes, res.headers, name, url, false);
    checkFits(bytes, name, url);
    checkLength(bytes, res.headers, name, url, true);
    return bytes;
  });
}

/**
 * The headers arrived, so CORS let the response through: a connection dropped while the body
 * streams is a cut download (retried), not a blocked host. Timeouts and aborts pass through.
 */
async function readBody(res: Response, name: string, url: string): Promise<ArrayBuffer> {
  try {
    return await res.arrayBuffer();
  } catch (err) {
    if (err instanceof TypeError) {
      throw new AppError('download-failed', `download of ${name} was cut short: the connection dropped (${err.message})`, {
        transient: true,
        url,
      });
    }
    throw err;
  }
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
      notFits: true,
      url,
    });
  }
}
