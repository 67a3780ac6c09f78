/**
 * lightkurve's quality bitmasks (lightkurve utils.py KeplerQualityFlags / TessQualityFlags; see
 * docs/mast-and-formats.md §4.4). A cadence is kept when (QUALITY & bitmask) === 0.
 */
import type { Mission } from '../target.ts';
import { AppError } from '../errors.ts';

export type QualityMask = 'default' | 'hard' | 'hardest' | 'none' | number;

type Named = Exclude<QualityMask, number>;

/** Kepler and K2 SAP_QUALITY: default = AttitudeTweak|SafeMode|CoarsePoint|EarthPoint|Desat|ManualExclude|DetectorAnomaly|NoData|ThrusterFiring. */
export const KEPLER_BITMASKS: Record<Named, number> = {
  default: 1130799,
  hard: 1664431,
  hardest: 2096639,
  none: 0,
};

/**
 * TESS QUALITY. The default is lightkurve ≥ 2.5.1's 17087 (PR #1336), not the older 175: it adds
 * Argabrightening (16), Impulsive outlier (512) and Bad calibration exclude (16384) to
 * AttitudeTweak|SafeMode|CoarsePoint|EarthPoint|Desat|ManualExclude. Those are cadences SPOC
 * itself marks as unreliable, single-cadence spikes or scattered-light glows that a box search
 * would chase, and 17087 is what a user installing lightkurve today gets, so features computed
 * here compare with theirs. Pass 175 to reproduce older lightkurve.
 */
export const TESS_BITMASKS: Record<Named, number> = {
  default: 17087,
  hard: 7407,
  hardest: 65535,
  none: 0,
};

export function qualityBitmask(mask: QualityMask, mission: Mission): number {
  if (typeof mask === 'number') {
    if (!Number.isInteger(mask) || mask < 0 || mask > 0xffffffff) {
      throw new AppError('invalid-settings', `quality bitmask ${mask} is not a non-negative 32-bit integer`);
    }
    return mask;
  }
  const table = mission === 'TESS' ? TESS_BITMASKS : KEPLER_BITMASKS;
  const value = table[mask];
  if (value === undefined) {
    throw new AppError('invalid-settings', `quality mask "${String(mask)}" is not one of default, hard, hardest, none or a number`);
  }
  return value;
}
