import type { Mission, TargetId } from '../target.ts';
import type { SampleEncoding } from './decode.ts';
import type { ValueProblem } from './fields.ts';
import type { Delimiter } from './read-csv.ts';

/** ours: this app's list; seed: the seed notebook's `supervised_dataset.csv`; koi/toi: NASA Exoplanet Archive exports. */
export type SampleFormat = 'ours' | 'seed' | 'koi' | 'toi';

/** What the sample list says about the star, for searches that use a stellar prior (TLS). */
export interface StarParams {
  radiusRsun?: number;
  massMsun?: number;
  /** log10 of the surface gravity in cm/s². */
  logg?: number;
  teffK?: number;
  /** Quadratic limb-darkening coefficients. */
  ldU1?: number;
  ldU2?: number;
}

export interface SampleRow {
  /** 0-based position among the file's data rows, in input order. */
  index: number;
  /** 1-based line in the file where the row starts (comments, header and blank lines count). */
  line: number;
  /** The row's raw values, one per field, unchanged; carried to the output CSV. */
  values: string[];
  /** Absent when the row is invalid or names the star (`name`). */
  target?: TargetId;
  /** A star named rather than numbered (`Kepler-10`, `Pi Men`; ours only), resolved through MAST at run time. */
  name?: string;
  /** The mission column's value for a named star, when given. */
  nameMission?: Mission;
  /** targetKey(target); absent when invalid. Several rows may share a key (several KOIs of one star). */
  key?: string;
  /** Why the row is invalid; names the column and the rule. */
  problem?: string;
  /** Disposition or label, when the format has one. */
  label?: string;
  /** Days. */
  period?: number;
  depthPpm?: number;
  durationHours?: number;
  /** Full BJD. */
  epochBjd?: number;
  /** ours only: the `lightcurve_url` column, several URLs separated by ';'. */
  lightcurveUrls?: string[];
  /** Stellar parameters when the list has them (KOI koi_srad/koi_slogg/koi_steff, TOI st_rad/st_logg/st_teff, ours star_*). */
  star?: StarParams;
}

export interface SampleList {
  fileName: string;
  format: SampleFormat;
  /** Header names as written in the file. */
  columns: string[];
  /** Every data row, valid or with its problem; nothing is dropped. */
  rows: SampleRow[];
  nValid: number;
  nInvalid: number;
  /** Distinct work units (stars) among the valid rows. */
  nTargets?: number;
  /** The field separator found. */
  delimiter?: Delimiter;
  /** How the file's bytes were read (absent when the list was given as text). */
  encoding?: SampleEncoding;
  /** Catalogue values left empty in rows that are still searched. */
  warnings?: SampleWarning[];
}

/** `rows` rows (of the searched ones) had `column` left empty for `problem`; `lines` are the first few. */
export interface SampleWarning {
  column: string;
  problem: ValueProblem;
  rows: number;
  lines: number[];
}
