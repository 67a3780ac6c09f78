import type { Mission } from '../target.ts';

/**
 * Kepler long-cadence file stamps per quarter (mast-and-formats.md §2.1, from the table in
 * google-research/exoplanet-ml that cites STScI's get_kepler.py). Q4 has two: module 3 failed
 * during Q4 and its targets got a shorter file.
 */
const KEPLER_LC_STAMPS: Record<string, number> = {
  '2009131105131': 0,
  '2009166043257': 1,
  '2009259160929': 2,
  '2009350155506': 3,
  '2010078095331': 4,
  '2010009091648': 4,
  '2010174085026': 5,
  '2010265121752': 6,
  '2010355172524': 7,
  '2011073133259': 8,
  '2011177032512': 9,
  '2011271113734': 10,
  '2012004120508': 11,
  '2012088054726': 12,
  '2012179063303': 13,
  '2012277125453': 14,
  '2013011073258': 15,
  '2013098041711': 16,
  '2013131215648': 17,
};

/**
 * The sector (TESS), quarter (Kepler) or campaign (K2) of one light-curve product, or null.
 * TESS: the observation's `sequence_number`, else `-s0001-` in the name. Kepler: the description's
 * last ` - Q<n>` (lightkurve's `_mask_kepler_products` reads the same text), else the name's stamp.
 * K2: `-c05_` in the name; split campaigns (`c91`, `c102`) count as their campaign (9, 10).
 */
export function productSegment(
  mission: Mission,
  productFilename: string,
  description: unknown,
  sequenceNumber: unknown,
): number | null {
  if (mission === 'TESS') {
    const seq = toInteger(sequenceNumber);
    if (seq !== null) return seq;
    const m = /-s(\d{4})-/.exec(productFilename);
    return m ? Number(m[1]) : null;
  }
  if (mission === 'Kepler') {
    const m = typeof description === 'string' ? /-\s*Q(\d+)\s*$/i.exec(description) : null;
    if (m) return Number(m[1]);
    const stamp = /^kplr\d{9}-(\d{13})_/.exec(productFilename);
    return stamp ? (KEPLER_LC_STAMPS[stamp[1]] ?? null) : null;
  }
  const c = /-c(\d{2,3})_/.exec(productFilename);
  if (!c) return null;
  return c[1].length === 3 ? Math.floor(Number(c[1]) / 10) : Number(c[1]);
}

function toInteger(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
