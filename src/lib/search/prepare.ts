/**
 * The light curve as the search sees it: read, cleaned, stitched, detrended, outliers removed
 * (docs/features.md, "Preparation"). The same code in the app, the CLI and the benchmarks.
 */
import { AppError } from '../errors.ts';
import { qualityMaskKey, type LightCurveFile } from '../lightcurve/file.ts';
import { cleanLightCurve, flattenLightCurve, readLightCurve, removeOutliers, stitchLightCurves, type LightCurve } from '../lightcurve/index.ts';
import { biweightWindow, withDefaults, type SearchSettings } from './settings.ts';

/** The searched light curve and what preparation did to it. */
export interface PreparedLightCurve {
  lc: LightCurve;
  /** Points removed as outliers after detrending. */
  nOutliers: number;
  /** The detrending window in days (the Savitzky–Golay window is converted at the light curve's cadence); NaN without detrending. */
  windowDays: number;
}

/** Reads and cleans each file (or takes its cached cleaned arrays), in the files' order. */
export function cleanFiles(files: LightCurveFile[], settings: SearchSettings): LightCurve[] {
  if (files.length === 0) throw new AppError('no-light-curve', 'no light-curve file to analyse');
  const mask = qualityMaskKey(settings.qualityMask);
  return files.map((f) =>
    f.cleaned && f.cleaned.mask === mask ? f.cleaned.lc : cleanLightCurve(readLightCurve(f.bytes, f.name), { qualityMask: settings.qualityMask }),
  );
}

/** Reads, cleans and stitches the files of one star. */
export function loadLightCurve(files: LightCurveFile[], settings: SearchSettings, parts = cleanFiles(files, settings)): LightCurve {
  return parts.length === 1 ? parts[0] : stitchLightCurves(parts);
}

/** Reads, cleans, stitches, detrends and removes outliers: the light curve as the search sees it. */
export function prepareLightCurve(files: LightCurveFile[], settings: SearchSettings, parts?: LightCurve[]): PreparedLightCurve {
  const s = withDefaults(settings);
  const loaded = loadLightCurve(files, s, parts ?? cleanFiles(files, s));
  const windowDays = s.detrend === 'biweight' ? biweightWindow(s) : s.detrend === 'savgol' ? s.savgolWindow * loaded.cadenceDays : Number.NaN;
  const flat = flattenLightCurve(loaded, { method: s.detrend, windowDays, savgolWindow: s.savgolWindow });
  const { lc, removed } = removeOutliers(flat, { upper: s.outlierSigmaUpper, lower: s.outlierSigmaLower });
  return { lc, nOutliers: removed, windowDays };
}

/** The cleaned arrays of the files cleaned just now (not taken from the cache), for the light-curve cache. */
export function newlyCleaned(files: LightCurveFile[], parts: LightCurve[], settings: SearchSettings) {
  const mask = qualityMaskKey(settings.qualityMask);
  return files.flatMap((f, i) => (f.cacheKey && !(f.cleaned && f.cleaned.mask === mask) ? [{ cacheKey: f.cacheKey, part: { mask, lc: parts[i] } }] : []));
}
