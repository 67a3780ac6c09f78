/**
 * Joins light curves of one star (several quarters, sectors or campaigns), each already normalised
 * by its own median, as lightkurve's `LightCurveCollection.stitch()` does with its default
 * `normalize` corrector.
 */
import { AppError } from '../errors.ts';
import type { LightCurve } from './types.ts';
import { concat, sortByTime } from './arrays.ts';

export function stitchLightCurves(parts: LightCurve[]): LightCurve {
  if (parts.length === 0) throw new AppError('invalid-input', 'there are no light curves to stitch');
  const first = parts[0];
  for (const p of parts) {
    if (p.mission !== first.mission) refuse(`missions ${first.mission} and ${p.mission}`);
    // Different reference days would put the parts on different time axes (BKJD vs BTJD).
    if (p.bjdRef !== first.bjdRef) refuse(`time references BJD ${first.bjdRef} and BJD ${p.bjdRef}`);
    if (p.targetId !== null && first.targetId !== null && p.targetId !== first.targetId) refuse(`targets ${first.targetId} and ${p.targetId}`);
  }
  if (parts.length === 1) return first;

  const ordered = [...parts].sort((a, b) => (a.time[0] ?? 0) - (b.time[0] ?? 0));
  const time = concat(ordered.map((p) => p.time));
  const flux = concat(ordered.map((p) => p.flux));
  // Errors only if every part has them: a partly weighted light curve would mix two noise models.
  const withErr = ordered.every((p) => p.fluxErr !== null);
  const fluxErr = withErr ? concat(ordered.map((p) => p.fluxErr as Float64Array)) : null;
  if (fluxErr) sortByTime(time, flux, fluxErr);
  else sortByTime(time, flux);

  const largest = ordered.reduce((a, b) => (b.time.length > a.time.length ? b : a));
  const sum = (pick: (p: LightCurve) => number) => ordered.reduce((s, p) => s + pick(p), 0);
  return {
    time,
    flux,
    fluxErr,
    bjdRef: first.bjdRef,
    mission: first.mission,
    targetId: ordered.find((p) => p.targetId !== null)?.targetId ?? null,
    object: ordered.find((p) => p.object)?.object ?? null,
    segments: [...new Set(ordered.flatMap((p) => p.segments))],
    // The cadence that most points have, which is what the search's duration grid should follow.
    cadenceDays: largest.cadenceDays,
    nRaw: sum((p) => p.nRaw),
    cleaning: {
      qualityBitmask: first.cleaning.qualityBitmask,
      dropped: {
        time: sum((p) => p.cleaning.dropped.time),
        quality: sum((p) => p.cleaning.dropped.quality),
        flux: sum((p) => p.cleaning.dropped.flux),
      },
      fluxErrFilled: sum((p) => p.cleaning.fluxErrFilled),
    },
  };
}

function refuse(what: string): never {
  throw new AppError('invalid-input', `cannot stitch light curves of different ${what}`);
}
