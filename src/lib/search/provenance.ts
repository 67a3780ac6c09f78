/** Where a result came from: the preparation, the files and the code (the CSV's provenance columns). */
import { version as APP_VERSION } from '../../../package.json';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { LightCurve } from '../lightcurve/index.ts';
import { finite } from './features/index.ts';
import type { Features } from './result.ts';
import type { SearchSettings } from './settings.ts';

export { APP_VERSION };

/** `S1 S2` → sectors `1 2`; `Q3 Q4` → quarters; `C5` → campaigns: the numbers alone, per kind. */
export function segmentNumbers(segments: string[]): Features {
  const numbers = (prefix: string) =>
    segments
      .filter((s) => s.startsWith(prefix))
      .map((s) => s.slice(prefix.length))
      .join(' ') || undefined;
  return { sectors: numbers('S'), quarters: numbers('Q'), campaigns: numbers('C') };
}

/** The pipeline that made a file, from the archive's answer or else the file name's pattern. */
export function authorOf(file: LightCurveFile): string {
  if (file.author) return file.author;
  const name = file.name.toLowerCase();
  const hlsp = /^hlsp_([a-z0-9-]+)_/.exec(name);
  if (hlsp) return hlsp[1];
  if (/^tess\d{13}-s\d{4}-\d{16}-\d{4}-s_lc\.fits/.test(name)) return 'SPOC';
  if (/^kplr\d{9}-\d{13}_[ls]lc\.fits/.test(name)) return 'Kepler';
  if (/^ktwo\d{9}-c\d+_[ls]lc\.fits/.test(name)) return 'K2';
  return '';
}

/** The provenance columns of a searched light curve. */
export function provenanceColumns(
  files: LightCurveFile[],
  lc: LightCurve,
  s: SearchSettings,
  prepared: { nOutliers: number; windowDays: number },
  kernelVersion: string,
): Features {
  const n = lc.time.length;
  return {
    grid: s.grid,
    detrend: s.detrend,
    window_days: finite(prepared.windowDays),
    n_outliers: prepared.nOutliers,
    mission: lc.mission,
    author: [...new Set(files.map(authorOf).filter(Boolean))].join(' '),
    segments: lc.segments.join(' '),
    ...segmentNumbers(lc.segments),
    n_files: files.length,
    // The files searched, space-separated (issue 14: local files and MAST products alike).
    files: files.map((f) => f.name).join(' '),
    n_points: n,
    baseline_days: lc.time[n - 1] - lc.time[0],
    cadence_minutes: lc.cadenceDays * 1440,
    app_version: APP_VERSION,
    kernel_version: kernelVersion,
  };
}
