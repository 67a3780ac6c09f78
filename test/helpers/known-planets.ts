/**
 * Catalogue values of the known planets in the shared fixtures (../shared/fixtures/README.md: the TOI
 * and KOI tables), as a sample list would carry them: period (d), epoch (full BJD), duration (h).
 * Shared by the analysis tests, the FAP calibration script and the recovery bench.
 */
import type { CatalogValues } from '../../src/lib/search/input-columns.ts';

export const FILES = {
  wasp126: 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits',
  wasp126Alerts: 'hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits',
  toi106: 'tess2018206045859-s0001-0000000038846515-0120-s_lc.fits',
  toi101: 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits',
  toi110: 'tess2018206045859-s0001-0000000281459670-0120-s_lc.fits',
  toi216: 'hlsp_tess-data-alerts_tess_phot_00055652896-s01_tess_v1_lc.fits',
  toi813: 'tic55525572_lc.fits',
  k2Quiet: 'ktwo211495446-c05_llc.fits',
  kepler90: ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'],
} as const;

/** TOI table. */
export const WASP126: CatalogValues = { period: 3.2887898, epochBjd: 2458327.519958, durationHours: 3.44 };
export const TOI106: CatalogValues = { period: 2.8493825, epochBjd: 2460201.638583, durationHours: 3.57 };
export const TOI101: CatalogValues = { period: 1.4303699, epochBjd: 2458326.009117, durationHours: 1.62 };
export const TOI110: CatalogValues = { period: 3.1743504, epochBjd: 2458328.039934, durationHours: 2.75 };
/** TOI-216.01 (one transit in sector 1, at 1331.27 BTJD, 0.2 d off this linear ephemeris: TTVs) and .02. */
export const TOI216: CatalogValues[] = [
  { period: 34.5059318, epochBjd: 2458331.488563, durationHours: 3.82 },
  { period: 17.3890454, epochBjd: 2459340.904719, durationHours: 2.65 },
];

/** KOI table: Kepler-90 h, g, d, e, f, c, b (K00351.01–.07); T0 in BKJD = BJD − 2454833. */
export const KEPLER90_KOIS: CatalogValues[] = [
  [331.5972732, 140.498929, 14.4],
  [210.6013843, 147.056867, 11.99],
  [59.7371443, 158.95974, 8.0],
  [91.9401253, 134.3, 9.2],
  [124.922516, 129.7295, 11.94],
  [8.71980135, 139.52134, 3.75],
  [7.00821787, 137.67164, 3.81],
].map(([period, t0, durationHours]) => ({ period, epochBjd: t0 + 2454833, durationHours }));

/** A catalogue entry's ephemeris in a light curve's time system (days since `bjdRef`). */
export function ephemerisOf(c: CatalogValues, bjdRef: number): { period: number; transitTime: number; duration: number } {
  return { period: c.period!, transitTime: c.epochBjd! - bjdRef, duration: c.durationHours! / 24 };
}
