import type { Mission } from '../target.ts';

export type SegmentKind = 'sector' | 'quarter' | 'campaign';

/** One light-curve file as stored: nothing removed, nothing rescaled. */
export interface RawLightCurve {
  fileName: string;
  mission: Mission;
  /** TIC, KIC or EPIC number, or null when the file does not say. */
  targetId: number | null;
  /** The primary header's OBJECT (e.g. "TIC 231663901"), as written; null when absent. Shown, never parsed as markup. */
  object?: string | null;
  segment: { kind: SegmentKind; number: number } | null;
  /** BJDREFI + BJDREFF: TIME is in days since this full BJD. */
  bjdRef: number;
  /** TIMEDEL, the cadence in days. */
  cadenceDays: number;
  fluxColumn: string;
  time: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array | null;
  quality: Int32Array;
}

/** Why rows were removed, counted in the order the tests are applied. */
export interface CleaningReport {
  /** Bitmask the QUALITY column was tested against (0 for 'none'). */
  qualityBitmask: number;
  dropped: { time: number; quality: number; flux: number };
  /** Kept rows whose flux error was missing and replaced by the median error (see clean.ts). */
  fluxErrFilled: number;
}

/** Cleaned, normalised flux ready for a transit search. */
export interface LightCurve {
  /** Days, BJD − bjdRef, ascending. */
  time: Float64Array;
  /** Divided by the median flux of its own file, so ~1. */
  flux: Float64Array;
  fluxErr: Float64Array | null;
  bjdRef: number;
  mission: Mission;
  targetId: number | null;
  /** The OBJECT keyword of the first file that has one (RawLightCurve.object). */
  object?: string | null;
  /** e.g. ['S1'], ['Q3', 'Q4'], ['C5']; empty when the file names no segment. */
  segments: string[];
  cadenceDays: number;
  /** Rows before cleaning. */
  nRaw: number;
  cleaning: CleaningReport;
}
