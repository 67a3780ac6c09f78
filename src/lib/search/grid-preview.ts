import { toAppError } from '../errors.ts';
import { searchPlan } from './search-plan.ts';
import { withDefaults, type SearchSettings } from './settings.ts';

/** Light curves of the usual shapes, to tell a user what the current settings cost before a job. */
export const REFERENCE_LIGHT_CURVES = [
  { label: 'one TESS sector (27.4 d, 2-min cadence)', days: 27.4, cadenceMinutes: 2 },
  { label: 'one Kepler quarter (90 d, 30-min cadence)', days: 90, cadenceMinutes: 29.4 },
  { label: 'four years of Kepler (1,460 d, 30-min cadence)', days: 1460, cadenceMinutes: 29.4 },
] as const;

export interface GridPreviewRow {
  label: string;
  points: number;
  periods?: number;
  /** The cost model's estimate for one BLS search on one core (TLS and detrending not included). */
  seconds?: number;
  memoryMiB?: number;
  /** Why such a light curve would be refused (grid-too-large, ...). */
  error?: string;
}

/** Grid size, time and memory of a search with these settings, for each reference light curve. */
export function gridPreview(settings: SearchSettings): GridPreviewRow[] {
  return REFERENCE_LIGHT_CURVES.map(({ label, days, cadenceMinutes }) => {
    const n = Math.floor((days * 1440) / cadenceMinutes);
    const time = new Float64Array(n);
    for (let i = 0; i < n; i++) time[i] = (i * cadenceMinutes) / 1440;
    try {
      const plan = searchPlan({ time }, withDefaults(settings));
      return { label, points: n, periods: plan.periods.length, seconds: plan.estimatedSeconds, memoryMiB: plan.memoryBytes / 2 ** 20 };
    } catch (err) {
      const e = toAppError(err, 'invalid-settings');
      return { label, points: n, error: `${e.name}: ${e.message}` };
    }
  });
}
