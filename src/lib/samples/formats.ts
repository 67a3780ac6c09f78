import { AppError } from '../errors.ts';
import { parseMission, parseTarget, parseTargetOrName, type Mission, type TargetId } from '../target.ts';
import { readBkjdAsBjd, readFullBjd, readNumber, readPositive, readText, readUrls, RowProblem, type NoteValue, type UrlContext } from './fields.ts';
import type { SampleFormat, SampleRow, StarParams } from './types.ts';

/** A row's value by (lower-case) column name; undefined when the file has no such column. */
export type Getter = (column: string) => string | undefined;

export type RowFields = Pick<
  SampleRow,
  'target' | 'name' | 'nameMission' | 'label' | 'period' | 'depthPpm' | 'durationHours' | 'epochBjd' | 'lightcurveUrls' | 'star'
>;

/** How a format's reader gets a row's values and reports the catalogue values it leaves empty. */
export interface RowReader {
  get: Getter;
  note: NoteValue;
  urls: UrlContext;
}

/** Reads the stellar columns named in `columns` (absent ones skipped); undefined when none has a value. */
function readStar({ get, note }: RowReader, columns: Partial<Record<keyof StarParams, string>>): StarParams | undefined {
  const star: StarParams = {};
  for (const [field, column] of Object.entries(columns) as Array<[keyof StarParams, string]>) {
    const value = field === 'ldU1' || field === 'ldU2' ? readNumber(column, get(column), note) : readPositive(column, get(column), note);
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
  read(row: RowReader): RowFields;
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
  read: (row) => ({
    ...readTargetOrName('target', row.get('target'), readMission('mission', row.get('mission'))),
    label: readText(row.get('label')),
    period: readPositive('period', row.get('period'), row.note),
    depthPpm: readPositive('depth_ppm', row.get('depth_ppm'), row.note),
    durationHours: readPositive('duration_hours', row.get('duration_hours'), row.note),
    epochBjd: readFullBjd('epoch_bjd', row.get('epoch_bjd'), row.note),
    lightcurveUrls: readUrls('lightcurve_url', row.get('lightcurve_url'), row.urls),
    star: readStar(row, {
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
  read: ({ get, note }) => ({
    target: readTarget('target_id', get('target_id')),
    label: readText(get('label')),
    period: readPositive('period', get('period'), note),
    depthPpm: readPositive('depth', get('depth'), note),
    durationHours: readPositive('duration', get('duration'), note),
  }),
};

/** NASA Exoplanet Archive `cumulative` KOI table; koi_time0bk is BKJD. */
const koi: FormatSpec = {
  format: 'koi',
  description:
    'a NASA Exoplanet Archive KOI (cumulative) export: kepid, koi_disposition, koi_period, koi_time0bk, koi_depth, koi_duration, …',
  required: ['kepid', 'koi_period'],
  reads: ['kepid', 'koi_disposition', 'koi_period', 'koi_depth', 'koi_duration', 'koi_time0bk', 'koi_srad', 'koi_slogg', 'koi_steff'],
  read: (row) => ({
    target: readTarget('kepid', row.get('kepid'), 'Kepler'),
    label: readText(row.get('koi_disposition')),
    period: readPositive('koi_period', row.get('koi_period'), row.note),
    depthPpm: readPositive('koi_depth', row.get('koi_depth'), row.note),
    durationHours: readPositive('koi_duration', row.get('koi_duration'), row.note),
    epochBjd: readBkjdAsBjd('koi_time0bk', row.get('koi_time0bk'), row.note),
    star: readStar(row, { radiusRsun: 'koi_srad', logg: 'koi_slogg', teffK: 'koi_steff' }),
  }),
};

/** NASA Exoplanet Archive TOI table; pl_tranmid is already full BJD. */
const toi: FormatSpec = {
  format: 'toi',
  description:
    'a NASA Exoplanet Archive TOI export: toi, tid, tfopwg_disp, pl_orbper, pl_tranmid, pl_trandep, pl_trandurh, …',
  required: ['tid', 'toi'],
  reads: ['tid', 'tfopwg_disp', 'pl_orbper', 'pl_trandep', 'pl_trandurh', 'pl_tranmid', 'st_rad', 'st_logg', 'st_teff'],
  read: (row) => ({
    target: readTarget('tid', row.get('tid'), 'TESS'),
    label: readText(row.get('tfopwg_disp')),
    period: readPositive('pl_orbper', row.get('pl_orbper'), row.note),
    depthPpm: readPositive('pl_trandep', row.get('pl_trandep'), row.note),
    durationHours: readPositive('pl_trandurh', row.get('pl_trandurh'), row.note),
    epochBjd: readFullBjd('pl_tranmid', row.get('pl_tranmid'), row.note),
    star: readStar(row, { radiusRsun: 'st_rad', logg: 'st_logg', teffK: 'st_teff' }),
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
