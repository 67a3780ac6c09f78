import type { Mission } from '../target.ts';

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
}
