import { AppError } from '../errors.ts';
import { formatTarget, type Mission, type TargetId } from '../target.ts';
import type { MastConfig } from './config.ts';
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

/** The mission pipelines' `provenance_name` (mast-and-formats.md §1.2); other authors come later. */
const PIPELINE_AUTHOR: Record<Mission, string> = { TESS: 'SPOC', Kepler: 'Kepler', K2: 'K2' };

/** 2-min TESS (`_lc`, not `_fast-lc`), Kepler and K2 long cadence (`_llc`, not `_slc`). */
const LIGHT_CURVE_SUFFIX: Record<Mission, string> = { TESS: '_lc.fits', Kepler: '_llc.fits', K2: '_llc.fits' };

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

function observationFilters(target: TargetId, author: string | null): object[] {
  const filters: object[] = [
    // `separator` is what astroquery copies from MAST's column config for `project` (§1.2).
    { paramName: 'project', values: [target.mission], separator: ';' },
    { paramName: 'dataproduct_type', values: ['timeseries', 'cube'] },
  ];
  if (author !== null) filters.push({ paramName: 'provenance_name', values: [author] });
  filters.push({ paramName: 'target_name', values: [caomTargetName(target)] });
  return filters;
}

/**
 * Lists a star's mission-pipeline light curves: `Mast.Caom.Filtered` on the exact `target_name`,
 * then `Mast.Caom.Products` for those observations, keeping only the light-curve files, one per
 * file name, in segment order.
 */
export async function findLightCurves(target: TargetId, config: MastConfig, deps: MastDeps): Promise<LightCurveProduct[]> {
  const author = PIPELINE_AUTHOR[target.mission];
  const observations = await invoke(config, 'Mast.Caom.Filtered', { columns: '*', filters: observationFilters(target, author) }, deps);
  if (observations.data.length === 0) throw await explainNoObservation(target, author, config, deps);

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
    const product = toLightCurve(row, byObsId, target.mission, author);
    if (product && !found.has(product.productFilename)) found.set(product.productFilename, product);
  }
  if (found.size === 0) {
    throw new AppError(
      'no-light-curve',
      `MAST lists ${observations.data.length} ${target.mission} observation(s) of ${formatTarget(target)} but no ${author} light-curve file (${LIGHT_CURVE_SUFFIX[target.mission]}) among their ${products.length} products`,
      { target: formatTarget(target), observations: observations.data.length, products: products.length },
    );
  }
  return [...found.values()].sort(bySegmentThenName);
}

function toLightCurve(
  row: Record<string, unknown>,
  byObsId: Map<string, Record<string, unknown>>,
  mission: Mission,
  author: string,
): LightCurveProduct | null {
  const productFilename = typeof row.productFilename === 'string' ? row.productFilename : '';
  const dataURI = typeof row.dataURI === 'string' ? row.dataURI : '';
  if (dataURI === '' || !productFilename.toLowerCase().endsWith(LIGHT_CURVE_SUFFIX[mission])) return null;
  const observation = byObsId.get(`obs_id:${String(row.obs_id)}`) ?? byObsId.get(`obsid:${String(row.parent_obsid)}`);
  if (!observation) return null;
  return {
    obsId: String(observation.obs_id),
    productFilename,
    dataURI,
    size: finiteOrNull(row.size),
    mission,
    author: typeof observation.provenance_name === 'string' ? observation.provenance_name : author,
    segment: productSegment(mission, productFilename, row.description, observation.sequence_number),
    exptimeSeconds: finiteOrNull(observation.t_exptime),
  };
}

/**
 * No pipeline observation: ask once more without the author filter so that the message can say
 * whether MAST knows the star at all (target-not-found) or only has other authors' products, such
 * as an HLSP (no-light-curve).
 */
async function explainNoObservation(target: TargetId, author: string, config: MastConfig, deps: MastDeps): Promise<AppError> {
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
  return new AppError(
    'no-light-curve',
    `MAST has ${target.mission} light curves for ${formatTarget(target)} only from ${others.join(', ')}, not from the ${author} pipeline; other authors are not supported yet`,
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
