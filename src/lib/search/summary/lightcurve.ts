/**
 * The full light curve for the target view, prepared exactly as the search prepared it: normalised,
 * cleaned and stitched (before detrending), and detrended with outliers removed (what was searched).
 * Run in a worker: detrending a sector takes about a second.
 */
import type { LightCurveFile } from '../../lightcurve/file.ts';
import { cleanFiles, loadLightCurve, prepareLightCurve } from '../prepare.ts';
import { withDefaults, type SearchSettings } from '../settings.ts';

export interface PlotLightCurve {
  bjdRef: number;
  /** Normalised, cleaned and stitched: before detrending. */
  raw: { time: Float64Array; flux: Float64Array };
  /** Detrended, outliers removed: what was searched. */
  detrended: { time: Float64Array; flux: Float64Array };
}

export function lightCurveForPlot(files: LightCurveFile[], settings: SearchSettings): PlotLightCurve {
  const s = withDefaults(settings);
  const parts = cleanFiles(files, s);
  const raw = loadLightCurve(files, s, parts);
  const { lc } = prepareLightCurve(files, s, parts);
  return {
    bjdRef: raw.bjdRef,
    raw: { time: raw.time.slice(), flux: raw.flux.slice() },
    detrended: { time: lc.time.slice(), flux: lc.flux.slice() },
  };
}
