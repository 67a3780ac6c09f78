/** The search grid for a prepared light curve and the app's settings (bls-plan.ts builds it). */
import { AppError } from '../errors.ts';
import type { LightCurve } from '../lightcurve/index.ts';
import { planSearch, type SearchPlan } from './bls-plan.ts';
import { lightkurveDefaults } from './grid.ts';
import type { SearchSettings } from './settings.ts';

/**
 * lightkurve's data-derived period range (unless the settings fix it), sampled by the chosen grid;
 * refused before any work when it is over the settings' limit.
 */
export function searchPlan(lc: Pick<LightCurve, 'time'>, settings: SearchSettings): SearchPlan {
  const defaults = lightkurveDefaults(lc.time);
  const n = lc.time.length;
  const baseline = lc.time[n - 1] - lc.time[0];
  const minimumPeriod = settings.minimumPeriod ?? Math.max(defaults.minimumPeriod, 0);
  const maximumPeriod = settings.maximumPeriod ?? defaults.maximumPeriod;
  if (!(maximumPeriod > minimumPeriod)) {
    throw new AppError(
      'too-few-points',
      `the light curve spans ${baseline.toFixed(2)} d, too short for periods from ${minimumPeriod.toFixed(3)} d with three transits`,
    );
  }
  try {
    return planSearch(lc.time, {
      grid: settings.grid,
      periodMin: minimumPeriod,
      periodMax: maximumPeriod,
      oversample: settings.oversample,
      durations: settings.durations,
      frequencyFactor: settings.frequencyFactor,
      maxPeriods: settings.maxPeriods,
    });
  } catch (err) {
    if (err instanceof AppError && err.name === 'grid-too-large') {
      throw new AppError(
        'grid-too-large',
        `${err.message} (baseline ${baseline.toFixed(1)} d, periods ${minimumPeriod.toFixed(3)}–${maximumPeriod.toFixed(1)} d; the grid limit is in Settings)`,
        err.details,
      );
    }
    throw err;
  }
}
