import type { Mission } from '../target.ts';
import type { LightCurve } from './types.ts';

/** One downloaded light-curve file as the network layer hands it to the analysis. */
export interface LightCurveFile {
  name: string;
  bytes: ArrayBuffer;
  /** What the archive said about it, when it came from MAST (the file's own headers are read too). */
  mission?: Mission;
  /** Pipeline that made it: `SPOC`, `Kepler`, `K2`, `TESS-SPOC`, `QLP`, ... */
  author?: string;
  /** Sector, quarter or campaign. */
  segment?: number | null;
  /** Where the file came from (data URI or URL): the light-curve cache's key. */
  cacheKey?: string;
  /**
   * The file already read and cleaned with this quality mask (from the cache); `bytes` may then be
   * empty. Used only when the search asks for the same mask.
   */
  cleaned?: CleanedPart;
}

/** The cache's name for a quality mask: cleaned arrays are reused only under the same mask. */
export function qualityMaskKey(mask: string | number): string {
  return `q:${String(mask)}`;
}

/** A file's cleaned arrays and the quality mask they were cleaned with (`qualityMaskKey`). */
export interface CleanedPart {
  mask: string;
  lc: LightCurve;
}
