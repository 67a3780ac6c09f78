import { AppError } from '../errors.ts';
import { formatTarget, type Mission, type TargetId } from '../target.ts';
import { DEFAULT_NETWORK_SETTINGS, TESS_AUTHORS, type MastConfig, type TessAuthor } from './config.ts';
import type { MastDeps } from './http.ts';
import { invoke } from './invoke.ts';
import { productSegment } from './segments.ts';

/** One downloadable light-curve file, as the rest of the app needs it. */
export interface LightCurveProduct {
  /** The CAOM observation's `obs_id`, e.g. `tess2018206045859-s0001-0000000025155310-0120-s`. */
  obsId: string;
  productFilename: string;
  /** e.g. `mast:TESS/product/<productFilename>`; the only download key MAST still provides (§1.2). */
  dataURI: string;
  /** Bytes, as MAST lists it. */
  size: number | null;
  mission: Mission;
  /** The observation's `provenance_name`: SPOC, Kepler or K2 for now. */
  author: string;
  /** Sector (TESS), quarter (Kepler) or campaign (K2) when known. */
  segment: number | null;
  exptimeSeconds: number | null;
}

/** Which pipelines' files to take and how many segments; the rest of NetworkSettings is not the client's business. */
export interface ProductChoice {
  tessAuthors: readonly TessAuthor[];
  segmentLimit: number;
}

export const DEFAULT_PRODUCT_CHOICE: ProductChoice = Object.freeze({
  tessAuthors: DEFAULT_NETWORK_SETTINGS.tessAuthors,
  segmentLimit: DEFAULT_NETWORK_SETTINGS.segmentLimit,
});

/**
 * The `provenance_name`s searched, best first (mast-and-formats.md §1.2): the mission pipeline for
 * Kepler and K2; for TESS the allowed ones among SPOC, TESS-SPOC, QLP, in that order whatever the
 * order they were listed in (lightkurve's author priority, §1.3 step 9).
 */
export function authorsFor(mission: Mission, choice: ProductChoice = DEFAULT_PRODUCT_CHOICE): string[] {
  if (mission === 'Kepler') return ['Kepler'];
  if (mission === 'K2') return ['K2'];
  return TESS_AUTHORS.filter((a) => choice.tessAuthors.includes(a));
}

/**
 * The light-curve file of each pipeline: SPOC 2-min `_lc` (not 20-s `_fast-lc`), TESS-SPOC `_lc`,
 * QLP `_llc`, Kepler and K2 long cadence `_llc` (not `_slc`).
 */
const LIGHT_CURVE_SUFFIX: Record<string, string> = { SPOC: '_lc.fits', 'TESS-SPOC': '_lc.fits', QLP: '_llc.fits', Kepler: '_llc.fits', K2: '_llc.fits' };

/** astroquery's batch size for `Mast.Caom.Products` (§1.2). */
const OBSIDS_PER_REQUEST = 500;

/**
 * CAOM's `target_name` for a catalogue id: lightkurve's exact-name path (§1.3 step 3), except that
 * a TIC is the bare number. lightkurve pads TICs to 9 digits, which misses 8-digit TICs such as
 * `25155310` and sends it to a cone search; CAOM stores TESS target names unpadded.
 */
export function caomTargetName(target: TargetId): string {
  if (target.mission === 'TESS') return String(target.id);
  const padded = String(target.id).padStart(9, '0');
  return target.mission === 'Kepler' ? `kplr${padded}` : `ktwo${padded}`;
}

function observationFilters(target: TargetId, authors: string[] | null): object[] {
  const filters: object[] = [
    // `separator` is what astroquery copies from MAST's column config for `project` (§1.2).
    { paramName: 'project', values: [target.mission], separator: ';' },
    { paramName: 'dataproduct_type', values: ['timeseries', 'cube'] },
  ];
  if (authors !== null) filters.push({ paramName: 'provenance_name', values: authors });
  filters.push({ paramName: 'target_name', values: [caomTargetName(target)] });
  return filters;
}

/**
 * Lists a star's light curves: `Mast.Caom.Filtered` on the exact `target_name` and the allowed
 * pipelines, then `Mast.Caom.Products` for those observations, keeping only light-curve files and,
 * per segment, only the best pipeline's (chooseProducts).
 */
export async function findLightCurves(
  target: TargetId,
  config: MastConfig,
  deps: MastDeps,
  choice: ProductChoice = DEFAULT_PRODUCT_CHOICE,
): Promise<LightCurveProduct[]> {
  const authors = authorsFor(target.mission, choice);
  const observations = await invoke(config, 'Mast.Caom.Filtered', { columns: '*', filters: observationFilters(target, authors) }, deps);
  if (observations.data.length === 0) throw await explainNoObservation(target, authors, config, deps);

  // lightkurve joins products to observations on obs_id (§1.3 step 7); parent_obsid is the fallback.
  const byObsId = new Map<string, Record<string, unknown>>();
  for (const row of observations.data) {
    byObsId.set(`obs_id:${String(row.obs_id)}`, row);
    byObsId.set(`obsid:${String(row.obsid)}`, row);
  }
  const obsids = [...new Set(observations.data.map((row) => String(row.obsid)))];

  const products: Array<Record<string, unknown>> = [];
  for (let i = 0; i < obsids.length; i += OBSIDS_PER_REQUEST) {
    const batch = obsids.slice(i, i + OBSIDS_PER_REQUEST).join(',');
    products.push(...(await invoke(config, 'Mast.Caom.Products', { obsid: batch }, deps)).data);
  }

  const found = new Map<string, LightCurveProduct>();
  for (const row of products) {
    const product = toLightCurve(row, byObsId, target.mission);
    if (product && authors.includes(product.author) && !found.has(product.productFilename)) found.set(product.productFilename, product);
  }
  if (found.size === 0) {
    throw new AppError(
      'no-light-curve',
      `MAST lists ${observations.data.length} ${target.mission} observation(s) of ${formatTarget(target)} but no ${authors.join('/')} light-curve file among their ${products.length} products`,
      { target: formatTarget(target), observations: observations.data.length, products: products.length },
    );
  }
  return chooseProducts([...found.values()], authors, choice.segmentLimit);
}

/**
 * Never two pipelines' copies of one segment: per sector / quarter / campaign only the files of the
 * best-ranked author present are kept (a pipeline's several files of one segment, such as Kepler's
 * two Q4 stamps, all stay). Then the lowest `segmentLimit` segments (0 = all), in segment order;
 * files whose segment is unknown count as one segment each, after the known ones.
 */
export function chooseProducts(products: LightCurveProduct[], authors: readonly string[], segmentLimit: number): LightCurveProduct[] {
  const rank = (p: LightCurveProduct) => {
    const r = authors.indexOf(p.author);
    return r < 0 ? Number.POSITIVE_INFINITY : r;
  };
  const bySegment = new Map<string, LightCurveProduct[]>();
  for (const p of products) {
    if (rank(p) === Number.POSITIVE_INFINITY) continue;
    const key = p.segment === null ? `file:${p.productFilename}` : `segment:${p.segment}`;
    bySegment.set(key, [...(bySegment.get(key) ?? []), p]);
  }
  let groups = [...bySegment.values()].map((group) => {
    const best = Math.min(...group.map(rank));
    return group.filter((p) => rank(p) === best).sort(bySegmentThenName);
  });
  groups.sort((a, b) => bySegmentThenName(a[0], b[0]));
  if (segmentLimit > 0) groups = groups.slice(0, segmentLimit);
  return groups.flat();
}

function toLightCurve(row: Record<string, unknown>, byObsId: Map<string, Record<string, unknown>>, mission: Mission): LightCurveProduct | null {
  const productFilename = typeof row.productFilename === 'string' ? row.productFilename : '';
  const dataURI = typeof row.dataURI === 'string' ? row.dataURI : '';
  const observation = byObsId.get(`obs_id:${String(row.obs_id)}`) ?? byObsId.get(`obsid:${String(row.parent_obsid)}`);
  if (dataURI === '' || !observation) return null;
  const author = String(observation.provenance_name);
  const suffix = LIGHT_CURVE_SUFFIX[author];
  if (suffix === undefined || !productFilename.toLowerCase().endsWith(suffix)) return null;
  return {
    obsId: String(observation.obs_id),
    productFilename,
    dataURI,
    size: finiteOrNull(row.size),
    mission,
    author,
    segment: productSegment(mission, productFilename, row.description, observation.sequence_number),
    exptimeSeconds: finiteOrNull(observation.t_exptime),
  };
}

/**
 * No pipeline observation: ask once more without the author filter so that the message can say
 * whether MAST knows the star at all (target-not-found) or only has other authors' products, such
 * as an HLSP (no-light-curve).
 */
async function explainNoObservation(target: TargetId, authors: string[], config: MastConfig, deps: MastDeps): Promise<AppError> {
  const any = await invoke(config, 'Mast.Caom.Filtered', { columns: '*', filters: observationFilters(target, null) }, deps);
  const name = caomTargetName(target);
  if (any.data.length === 0) {
    return new AppError(
      'target-not-found',
      `MAST has no ${target.mission} light curves for ${formatTarget(target)}: no observation has target_name "${name}"`,
      { target: formatTarget(target), targetName: name },
    );
  }
  const others = [...new Set(any.data.map((row) => String(row.provenance_name)))].sort();
  const allowable = others.filter((a) => (TESS_AUTHORS as readonly string[]).includes(a));
  const hint =
    allowable.length > 0
      ? `allow ${allowable.join(', ')} under TESS pipelines in Settings › MAST to use them`
      : 'those pipelines are not supported';
  return new AppError(
    'no-light-curve',
    `MAST has ${target.mission} light curves for ${formatTarget(target)} only from ${others.join(', ')}, not from ${authors.join(' or ')}; ${hint}`,
    { target: formatTarget(target), authors: others },
  );
}

function finiteOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function bySegmentThenName(a: LightCurveProduct, b: LightCurveProduct): number {
  const sa = a.segment ?? Number.POSITIVE_INFINITY;
  const sb = b.segment ?? Number.POSITIVE_INFINITY;
  if (sa !== sb) return sa - sb;
  return a.productFilename < b.productFilename ? -1 : a.productFilename > b.productFilename ? 1 : 0;
}
