/** The MAST client: find a star's light curves and download them (mast-and-formats.md §1). */
export { DEFAULT_MAST_CONFIG, mastConfigFromSearch, normalizeBaseUrl, type MastConfig } from './config.ts';
export { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type MastDeps } from './http.ts';
export { DEFAULT_PAGESIZE, invoke, type MastField, type MastTable } from './invoke.ts';
export { caomTargetName, findLightCurves, type LightCurveProduct } from './find.ts';
export { downloadProduct, downloadUrl, fetchFitsUrl } from './download.ts';
