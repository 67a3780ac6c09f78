/**
 * Mission-aware loading of one light-curve file: Kepler/K2 SOC, TESS SPOC and TESS-SPOC products
 * (PDCSAP_FLUX, like lightkurve's readers), the eleanor HLSP (CORR_FLUX) and QLP (SAP_FLUX). Header facts follow
 * docs/mast-and-formats.md §4 and the fixtures README "Header / structure facts".
 */
import type { Mission } from '../target.ts';
import { AppError } from '../errors.ts';
import { fitsInvalid, hasColumn, numberOrNull, readColumn, readFits, stringOrNull, type FitsFile, type FitsHdu } from '../fits/index.ts';
import type { RawLightCurve, SegmentKind } from './types.ts';
import { median } from './arrays.ts';

/** Flux column and its error columns (the first present wins), in order of preference. */
const FLUX_COLUMNS: Array<[flux: string, errs: string[]]> = [
  ['PDCSAP_FLUX', ['PDCSAP_FLUX_ERR']], // mission products and TESS-SPOC (lightkurve's default flux_column)
  ['CORR_FLUX', ['FLUX_ERR']], // eleanor HLSP
];

/**
 * QLP HLSP, as lightkurve's qlp reader: SAP_FLUX with KSPSAP_FLUX_ERR (sectors 1-55) or DET_FLUX_ERR
 * (later). Recognised by QLP's own detrended-flux column, so that a mission file that lacks
 * PDCSAP_FLUX is refused rather than read from its raw SAP_FLUX.
 */
const QLP_MARKERS = ['KSPSAP_FLUX', 'DET_FLUX'];
const QLP_FLUX: [flux: string, errs: string[]] = ['SAP_FLUX', ['KSPSAP_FLUX_ERR', 'DET_FLUX_ERR']];

const QUALITY_COLUMNS = ['QUALITY', 'SAP_QUALITY'];

const SEGMENT_KEYS: Record<Mission, [string, SegmentKind]> = {
  TESS: ['SECTOR', 'sector'],
  Kepler: ['QUARTER', 'quarter'],
  K2: ['CAMPAIGN', 'campaign'],
};

export interface ReadOptions {
  /** Read this flux column (and `${fluxColumn}_ERR` if present) instead of the default. */
  fluxColumn?: string;
}

export function readLightCurve(bytes: ArrayBuffer | Uint8Array, fileName: string, opts: ReadOptions = {}): RawLightCurve {
  const file = readFits(bytes, fileName);
  const hdu = lightCurveHdu(file);
  // Keywords are looked up in the table header first, then the primary (eleanor keeps them there).
  const lookup = (key: string) => (hdu.header.has(key) ? hdu.header.get(key) : file.hdus[0].header.get(key));
  const num = (key: string) => {
    const v = lookup(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const mission = missionOf(file, hdu);
  const [fluxColumn, errColumn] = pickFlux(file, hdu, opts.fluxColumn);
  const time = Float64Array.from(readColumn(file, hdu, 'TIME'));
  const flux = Float64Array.from(readColumn(file, hdu, fluxColumn));
  const fluxErr = errColumn ? Float64Array.from(readColumn(file, hdu, errColumn)) : null;
  const qualityColumn = QUALITY_COLUMNS.find((c) => hasColumn(hdu, c));
  // Without a quality column (some HLSPs) no cadence is flagged; NaN and ≤ 0 flux are still removed.
  const quality = qualityColumn ? Int32Array.from(readColumn(file, hdu, qualityColumn)) : new Int32Array(time.length);

  const bjdRefI = num('BJDREFI');
  if (bjdRefI === null) throw invalid(file, hdu, 'has no BJDREFI keyword, so its TIME column cannot be placed on the BJD scale');
  const [segmentKey, segmentKind] = SEGMENT_KEYS[mission];
  const segment = num(segmentKey);
  return {
    fileName,
    mission,
    targetId: targetIdOf(file, mission),
    object: stringOrNull(file.hdus[0].header, 'OBJECT'),
    segment: segment === null ? null : { kind: segmentKind, number: segment },
    bjdRef: bjdRefI + (num('BJDREFF') ?? 0),
    cadenceDays: num('TIMEDEL') ?? medianStep(time),
    fluxColumn,
    time,
    flux,
    fluxErr,
    quality,
  };
}

/** Which star and segment a light-curve file holds, from its headers alone (local files are grouped by it). */
export function lightCurveIdentity(bytes: ArrayBuffer | Uint8Array, fileName: string): { mission: Mission; targetId: number | null; segment: number | null } {
  const file = readFits(bytes, fileName);
  const hdu = lightCurveHdu(file);
  const mission = missionOf(file, hdu);
  const key = SEGMENT_KEYS[mission][0];
  const value = hdu.header.has(key) ? hdu.header.get(key) : file.hdus[0].header.get(key);
  return { mission, targetId: targetIdOf(file, mission), segment: typeof value === 'number' && Number.isFinite(value) ? value : null };
}

/** The LIGHTCURVE extension, or else the first binary table with TIME (eleanor names none). */
function lightCurveHdu(file: FitsFile): FitsHdu {
  const named = file.hdus.find((h) => h.kind === 'bintable' && h.name?.toUpperCase() === 'LIGHTCURVE');
  const hdu = named ?? file.hdus.find((h) => hasColumn(h, 'TIME'));
  if (!hdu) throw new AppError('fits-invalid', `${file.fileName}: no binary-table HDU with a TIME column; this is not a light-curve file`);
  return hdu;
}

/**
 * TESS primaries have TELESCOP = 'TESS' and no MISSION; Kepler and K2 have MISSION = 'Kepler' / 'K2'
 * (and TELESCOP = 'Kepler' for both, so CAMPAIGN tells K2 apart when MISSION is missing).
 */
function missionOf(file: FitsFile, hdu: FitsHdu): Mission {
  const primary = file.hdus[0].header;
  const mission = (stringOrNull(primary, 'MISSION') ?? stringOrNull(hdu.header, 'MISSION'))?.toUpperCase();
  if (mission === 'KEPLER') return 'Kepler';
  if (mission === 'K2') return 'K2';
  const telescope = (stringOrNull(primary, 'TELESCOP') ?? stringOrNull(hdu.header, 'TELESCOP'))?.toUpperCase();
  if (telescope === 'TESS') return 'TESS';
  if (telescope === 'KEPLER') return primary.has('CAMPAIGN') ? 'K2' : 'Kepler';
  throw invalid(file, hdu, `does not say which mission made it (MISSION = ${JSON.stringify(mission ?? null)}, TELESCOP = ${JSON.stringify(telescope ?? null)})`);
}

/** TICID (eleanor: TIC_ID, TICID left undefined) or KEPLERID (which holds the EPIC id for K2), else OBJECT. */
function targetIdOf(file: FitsFile, mission: Mission): number | null {
  const primary = file.hdus[0].header;
  const keys = mission === 'TESS' ? ['TICID', 'TIC_ID'] : ['KEPLERID'];
  for (const key of keys) {
    const id = numberOrNull(primary, key);
    if (id !== null && Number.isSafeInteger(id) && id > 0) return id;
  }
  const object = /^(?:TIC|KIC|EPIC)\s*(\d+)$/i.exec(stringOrNull(primary, 'OBJECT') ?? '');
  return object ? Number(object[1]) : null;
}

function pickFlux(file: FitsFile, hdu: FitsHdu, wanted?: string): [string, string | null] {
  if (wanted) {
    if (!hasColumn(hdu, wanted)) throw invalid(file, hdu, `has no flux column ${wanted}`);
    const err = `${wanted}_ERR`;
    return [wanted, hasColumn(hdu, err) ? err : null];
  }
  const qlp = QLP_MARKERS.some((c) => hasColumn(hdu, c));
  for (const [flux, errs] of qlp ? [...FLUX_COLUMNS, QLP_FLUX] : FLUX_COLUMNS) {
    if (hasColumn(hdu, flux)) return [flux, errs.find((e) => hasColumn(hdu, e)) ?? null];
  }
  const known = hdu.columns.map((c) => c.name).join(', ');
  throw invalid(file, hdu, `has neither PDCSAP_FLUX nor CORR_FLUX, nor QLP's SAP_FLUX with KSPSAP_FLUX or DET_FLUX (columns: ${known})`);
}

function invalid(file: FitsFile, hdu: FitsHdu, problem: string): AppError {
  return fitsInvalid({ fileName: file.fileName, index: hdu.index, name: hdu.name }, problem);
}

/** Cadence from the data when TIMEDEL is missing: the median step between finite times. */
function medianStep(time: Float64Array): number {
  const finite = time.filter(Number.isFinite);
  return median(finite.subarray(1).map((t, i) => t - finite[i]));
}
