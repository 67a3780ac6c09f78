import { AppError } from '../errors.ts';
import { parseMission, parseTarget, parseTargetOrName, type Mission, type TargetId } from '../target.ts';
import { readBkjdAsBjd, readFullBjd, readNumber, readPositive, readText, readUrls, RowProblem } from './fields.ts';
import type { SampleFormat, SampleRow, StarParams } from './types.ts';

/** A row's value by (lower-case) column name; undefined when the file has no such column. */
export type Getter = (column: string) => string | undefined;

export type RowFields = Pick<
  SampleRow,
  'target' | 'name' | 'nameMission' | 'label' | 'period' | 'depthPpm' | 'durationHours' | 'epochBjd' | 'lightcurveUrls' | 'star'
>;

/** Reads the stellar columns named in `columns` (absent ones skipped); undefined when none has a value. */
function readStar(get: Getter, columns: Partial<Record<keyof StarParams, string>>): StarParams | undefined {
  const star: StarParams = {};
  for (const [field, column] of Object.entries(columns) as Array<[keyof StarParams, string]>) {
    const value = field === 'ldU1' || field === 'ldU2' ? readNumber(column, get(column)) : readPositive(column, get(column));
    if (value !== undefined) star[field] = value;
  }
  return Object.keys(star).length > 0 ? star : undefined;
}

export interface FormatSpec {
  format: SampleFormat;
  /** Shown to users when no format matches. */
  description: string;
  /** The format is detected when all of these (lower-case) columns are in the header. */
  required: readonly string[];
  /** Columns this format reads; a header that repeats one of them is ambiguous. */
  reads: readonly string[];
  read(get: Getter): RowFields;
}

/** parseTarget's AppError, reworded to name the column. */
function readTarget(column: string, raw: string | undefined, mission?: Mission | null): TargetId {
  try {
    return parseTarget(raw ?? '', mission);
  } catch (err) {
    if (err instanceof AppError) throw new RowProblem(`column "${column}": ${err.message}`);
    throw err;
  }
}

/** Our target column: an id, or a star's name for MAST's resolver. */
function readTargetOrName(column: string, raw: string | undefined, mission: Mission | null): Pick<RowFields, 'target' | 'name' | 'nameMission'> {
  try {
    const spec = parseTargetOrName(raw ?? '', mission);
    if (spec.kind === 'id') return { target: spec.target };
    return { name: spec.name, ...(spec.mission ? { nameMission: spec.mission } : {}) };
  } catch (err) {
    if (err instanceof AppError) throw new RowProblem(`column "${column}": ${err.message}`);
    throw err;
  }
}

function readMission(column: string, raw: string | undefined): Mission | null {
  const s = readText(raw);
  if (s === undefined) return null;
  const mission = parseMission(s);
  if (!mission) throw new RowProblem(`column "${column}": "${s}" is not a mission (TESS, Kepler or K2)`);
  return mission;
}

const ours: FormatSpec = {
  format: 'ours',
  description:
    'this app\'s list: a "target" column (TIC/KIC/EPIC id, or bare digits with a "mission" column), optional ' +
    'label, period, depth_ppm, duration_hours, epoch_bjd, lightcurve_url; other columns are kept',
  required: ['target'],
  reads: [
    'target', 'mission', 'label', 'period', 'depth_ppm', 'duration_hours', 'epoch_bjd', 'lightcurve_url',
    'star_radius_rsun', 'star_mass_msun', 'star_logg', 'star_teff_k', 'ld_u1', 'ld_u2',
  ],
  read: (get) => ({
    ...readTargetOrName('target', get('target'), readMission('mission', get('mission'))),
    label: readText(get('label')),
    period: readPositive('period', get('period')),
    depthPpm: readPositive('depth_ppm', get('depth_ppm')),
    durationHours: readPositive('duration_hours', get('duration_hours')),
    epochBjd: readFullBjd('epoch_bjd', get('epoch_bjd')),
    lightcurveUrls: readUrls('lightcurve_url', get('lightcurve_url')),
    star: readStar(get, {
      radiusRsun: 'star_radius_rsun',
      massMsun: 'star_mass_msun',
      logg: 'star_logg',
      teffK: 'star_teff_k',
      ldU1: 'ld_u1',
      ldU2: 'ld_u2',
    }),
  }),
};

/** The seed notebook's supervised_dataset.csv: depth in ppm, duration in hours, no epoch. */
const seed: FormatSpec = {
  format: 'seed',
  description: "the seed notebook's list: label, source, toi, tid, target_id, period, depth, duration, kepid",
  required: ['target_id', 'period', 'depth', 'duration'],
  reads: ['target_id', 'label', 'period', 'depth', 'duration'],
  read: (get) => ({
    target: readTarget('target_id', get('target_id')),
    label: readText(get('label')),
    period: readPositive('period', get('period')),
    depthPpm: readPositive('depth', get('depth')),
    durationHours: readPositive('duration', get('duration')),
  }),
};

/** NASA Exoplanet Archive `cumulative` KOI table; koi_time0bk is BKJD. */
const koi: FormatSpec = {
  format: 'koi',
  description:
    'a NASA Exoplanet Archive KOI (cumulative) export: kepid, koi_disposition, koi_period, koi_time0bk, koi_depth, koi_duration, …',
  required: ['kepid', 'koi_period'],
  reads: ['kepid', 'koi_disposition', 'koi_period', 'koi_depth', 'koi_duration', 'koi_time0bk', 'koi_srad', 'koi_slogg', 'koi_steff'],
  read: (get) => ({
    target: readTarget('kepid', get('kepid'), 'Kepler'),
    label: readText(get('koi_disposition')),
    period: readPositive('koi_period', get('koi_period')),
    depthPpm: readPositive('koi_depth', get('koi_depth')),
    durationHours: readPositive('koi_duration', get('koi_duration')),
    epochBjd: readBkjdAsBjd('koi_time0bk', get('koi_time0bk')),
    star: readStar(get, { radiusRsun: 'koi_srad', logg: 'koi_slogg', teffK: 'koi_steff' }),
  }),
};

/** NASA Exoplanet Archive TOI table; pl_tranmid is already full BJD. */
const toi: FormatSpec = {
  format: 'toi',
  description:
    'a NASA Exoplanet Archive TOI export: toi, tid, tfopwg_disp, pl_orbper, pl_tranmid, pl_trandep, pl_trandurh, …',
  required: ['tid', 'toi'],
  reads: ['tid', 'tfopwg_disp', 'pl_orbper', 'pl_trandep', 'pl_trandurh', 'pl_tranmid', 'st_rad', 'st_logg', 'st_teff'],
  read: (get) => ({
    target: readTarget('tid', get('tid'), 'TESS'),
    label: readText(get('tfopwg_disp')),
    period: readPositive('pl_orbper', get('pl_orbper')),
    depthPpm: readPositive('pl_trandep', get('pl_trandep')),
    durationHours: readPositive('pl_trandurh', get('pl_trandurh')),
    epochBjd: readFullBjd('pl_tranmid', get('pl_tranmid')),
    star: readStar(get, { radiusRsun: 'st_rad', logg: 'st_logg', teffK: 'st_teff' }),
  }),
};

/**
 * In detection order: the seed's list also has kepid, tid and toi columns, so the formats with a
 * target column of their own are tried first.
 */
export const FORMATS: readonly FormatSpec[] = [ours, seed, koi, toi];

export function detectFormat(headerKeys: readonly string[]): FormatSpec | undefined {
  const present = new Set(headerKeys);
  return FORMATS.find((f) => f.required.every((c) => present.has(c)));
}
