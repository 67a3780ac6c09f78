/** The MAST client: find a star's light curves and download them (mast-and-formats.md §1). */
export {
  DEFAULT_MAST_CONFIG,
  DEFAULT_NETWORK_SETTINGS,
  TESS_AUTHORS,
  cacheNamespace,
  mastConfigFromSearch,
  normalizeBaseUrl,
  normalizeMastConfig,
  validateNetworkSettings,
  withMastBase,
  type MastConfig,
  type NetworkSettings,
  type TessAuthor,
} from './config.ts';
export { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type MastDeps } from './http.ts';
export { DEFAULT_PAGESIZE, invoke, type MastField, type MastTable } from './invoke.ts';
export {
  DEFAULT_PRODUCT_CHOICE,
  authorsFor,
  caomTargetName,
  chooseProducts,
  findLightCurves,
  type LightCurveProduct,
  type ProductChoice,
} from './find.ts';
export { downloadProduct, downloadUrl, fetchFitsUrl, listedFileUrl, mirrorPaths, productUrls } from './download.ts';
export { parseTargetOrName, resolveTarget, type TargetSpec } from './resolve.ts';
