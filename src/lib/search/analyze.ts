import { AppError } from '../errors.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import { cleanLightCurve, readLightCurve, stitchLightCurves, type LightCurve } from '../lightcurve/index.ts';
import { bestPeak, type BlsEngine } from './bls-types.ts';
import { autoperiod, gridSize, lightkurveDefaults } from './grid.ts';
import type { Features, TargetResult } from './result.ts';
import { validateSearchSettings, type SearchSettings } from './settings.ts';

export type { LightCurveFile };

/** Reads, cleans and stitches the files of one star. */
export function prepareLightCurve(files: LightCurveFile[], settings: SearchSettings): LightCurve {
  if (files.length === 0) throw new AppError('no-light-curve', 'no light-curve file to analyse');
  const parts = files.map((f) => cleanLightCurve(readLightCurve(f.bytes, f.name), { qualityMask: settings.qualityMask }));
  return parts.length === 1 ? parts[0] : stitchLightCurves(parts);
}

/** The period grid for a light curve: lightkurve's data-derived range unless the settings fix it. */
export function periodGrid(lc: LightCurve, settings: SearchSettings): Float64Array {
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
  const grid = {
    baseline,
    durations: settings.durations,
    minimumPeriod,
    maximumPeriod,
    frequencyFactor: settings.frequencyFactor,
  };
  const size = gridSize(grid);
  if (size > settings.maxPeriods) {
    throw new AppError(
      'grid-too-large',
      `the period grid would have ${size.toLocaleString('en-US')} periods (baseline ${baseline.toFixed(1)} d, ` +
        `${minimumPeriod.toFixed(3)}–${maximumPeriod.toFixed(1)} d), above the limit of ${settings.maxPeriods.toLocaleString('en-US')}; ` +
        'raise the frequency factor, narrow the period range, or raise the limit in Settings',
      { size, limit: settings.maxPeriods },
    );
  }
  return autoperiod(grid);
}

/** Parse, clean, search and measure one star. Pure: the engine is injected (WASM kernel or TS reference). */
export function analyzeFiles(files: LightCurveFile[], settings: SearchSettings, engine: BlsEngine): TargetResult {
  const started = performance.now();
  validateSearchSettings(settings);
  const lc = prepareLightCurve(files, settings);
  const periods = periodGrid(lc, settings);
  const periodogram = engine.power(
    { time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr },
    { periods, durations: Float64Array.from(settings.durations), objective: settings.objective, oversample: settings.oversample },
  );
  const peak = bestPeak(periodogram);
  const n = lc.time.length;
  const features: Features = {
    bls_period: peak.period,
    bls_t0: peak.transitTime,
    bls_t0_bjd: peak.transitTime + lc.bjdRef,
    bls_duration: peak.duration,
    bls_depth: peak.depth,
    bls_snr: peak.depthSnr,
    bls_power: peak.power,
    bls_depth_err: peak.depthErr,
    bls_log_likelihood: peak.logLikelihood,
    n_periods: periods.length,
    n_points: n,
    baseline_days: lc.time[n - 1] - lc.time[0],
    n_files: files.length,
    segments: lc.segments.join(' '),
  };
  return {
    status: 'ok',
    features,
    kernelVersion: engine.version,
    analysisMs: performance.now() - started,
  };
}
