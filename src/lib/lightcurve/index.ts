export type { RawLightCurve, LightCurve, CleaningReport, SegmentKind } from './types.ts';
export { readLightCurve, lightCurveIdentity, type ReadOptions } from './read.ts';
export { cleanLightCurve, MIN_POINTS, type CleanOptions } from './clean.ts';
export { stitchLightCurves } from './stitch.ts';
export { qualityBitmask, KEPLER_BITMASKS, TESS_BITMASKS, type QualityMask } from './quality.ts';
export type { CleanedPart, LightCurveFile } from './file.ts';
export { flattenLightCurve, biweightTrend, savgolTrend, savgolFilter, type FlattenMethod, type FlattenOptions } from './detrend.ts';
export { removeOutliers, outlierMask, type OutlierOptions } from './outliers.ts';
