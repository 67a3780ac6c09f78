/**
 * Cleaning after lightkurve (docs/mast-and-formats.md §4.3–4.6): drop rows with NaN TIME (lightkurve
 * does this on read), quality-flagged rows (removed, not masked, as lightkurve does), rows whose flux
 * is not finite (`remove_nans`) or ≤ 0, then divide by the median flux (`normalize`).
 */
import { AppError } from '../errors.ts';
import type { CleaningReport, LightCurve, RawLightCurve } from './types.ts';
import { qualityBitmask, type QualityMask } from './quality.ts';
import { median, sortByTime } from './arrays.ts';

/** Fewer usable points than this leaves nothing a transit search can trust. */
export const MIN_POINTS = 100;

const SEGMENT_PREFIX = { sector: 'S', quarter: 'Q', campaign: 'C' } as const;

export interface CleanOptions {
  qualityMask?: QualityMask;
  minPoints?: number;
}

export function cleanLightCurve(raw: RawLightCurve, opts: CleanOptions = {}): LightCurve {
  const bitmask = qualityBitmask(opts.qualityMask ?? 'default', raw.mission);
  const n = raw.time.length;
  const keep = new Uint8Array(n);
  const dropped = { time: 0, quality: 0, flux: 0 };
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const f = raw.flux[i];
    if (!Number.isFinite(raw.time[i])) dropped.time++;
    else if ((raw.quality[i] & bitmask) !== 0) dropped.quality++;
    // Flux exactly 0 marks gaps in the tess-data-alerts HLSP (fixtures README, WASP-126 file).
    else if (!Number.isFinite(f) || f <= 0) dropped.flux++;
    else {
      keep[i] = 1;
      kept++;
    }
  }
  const minPoints = opts.minPoints ?? MIN_POINTS;
  if (kept < minPoints) {
    throw new AppError(
      'too-few-points',
      `${raw.fileName}: only ${kept} of ${n} rows are usable after cleaning (${dropped.time} without a time, ` +
        `${dropped.quality} quality-flagged with bitmask ${bitmask}, ${dropped.flux} with missing or non-positive flux); ` +
        `at least ${minPoints} are needed`,
      { fileName: raw.fileName, kept, rows: n, dropped },
    );
  }

  const time = new Float64Array(kept);
  const flux = new Float64Array(kept);
  const err = raw.fluxErr ? new Float64Array(kept) : null;
  for (let i = 0, j = 0; i < n; i++) {
    if (!keep[i]) continue;
    time[j] = raw.time[i];
    flux[j] = raw.flux[i];
    if (err) err[j] = raw.fluxErr![i];
    j++;
  }
  const { fluxErr, filled } = repairErrors(err);
  const level = median(flux);
  for (let i = 0; i < kept; i++) flux[i] /= level;
  if (fluxErr) for (let i = 0; i < kept; i++) fluxErr[i] /= level;
  if (fluxErr) sortByTime(time, flux, fluxErr);
  else sortByTime(time, flux);

  const cleaning: CleaningReport = { qualityBitmask: bitmask, dropped, fluxErrFilled: filled };
  return {
    time,
    flux,
    fluxErr,
    bjdRef: raw.bjdRef,
    mission: raw.mission,
    targetId: raw.targetId,
    object: raw.object,
    segments: raw.segment ? [`${SEGMENT_PREFIX[raw.segment.kind]}${raw.segment.number}`] : [],
    cadenceDays: raw.cadenceDays,
    nRaw: n,
    cleaning,
  };
}

/**
 * Flux errors that are not finite or not positive cannot weight a point. When none is usable the
 * light curve has no errors (null: the search then weights all points equally, as lightkurve's BLS
 * does when any dy is missing). When only some are missing, those rows keep their flux and get the
 * median of the usable errors, rather than losing a good flux point or all the errors.
 */
function repairErrors(err: Float64Array | null): { fluxErr: Float64Array | null; filled: number } {
  if (!err) return { fluxErr: null, filled: 0 };
  const usable = err.filter((e) => Number.isFinite(e) && e > 0);
  if (usable.length === 0) return { fluxErr: null, filled: 0 };
  const filled = err.length - usable.length;
  if (filled > 0) {
    const typical = median(usable);
    for (let i = 0; i < err.length; i++) if (!(Number.isFinite(err[i]) && err[i] > 0)) err[i] = typical;
  }
  return { fluxErr: err, filled };
}
