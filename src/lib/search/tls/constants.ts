/**
 * Constants of `transitleastsquares` 1.0.31 (Hippke & Heller 2019) that decide its numbers: physical
 * constants of the period and duration grids, the default and box templates, and the search defaults.
 */
export const G = 6.673e-11; // m^3 kg^-1 s^-2
export const R_SUN = 695508000; // m
export const R_JUP = 69911000; // m
export const M_SUN = 1.989 * 10 ** 30; // kg
export const SECONDS_PER_DAY = 86400;

/** Longest fractional transit duration T14 / P the grids consider. */
export const FRACTIONAL_TRANSIT_DURATION_MAX = 0.12;
/** The period grid falls back to R = M = 1 when it would hold fewer periods than this. */
export const MINIMUM_PERIOD_GRID_SIZE = 100;
/** Depth to which every cached template is scaled. */
export const SIGNAL_DEPTH = 0.5;
/** Template samples at or above 1 - this count as out of transit. */
export const NUMERICAL_STABILITY_CUTOFF = 0.01 * 10 ** -6;
/** Samples of the supersampled reference transit. */
export const SUPERSAMPLE_SIZE = 10000;
/** The median kernel of the SDE detrending is oversampling × this (made odd). */
export const SDE_MEDIAN_KERNEL_SIZE = 30;

export interface TemplateShape {
  /** Orbital period of the reference transit, days. */
  per: number;
  /** Planet radius, stellar radii. */
  rp: number;
  /** Semi-major axis, stellar radii. */
  a: number;
  /** Inclination, degrees. */
  inc: number;
  /** Limb darkening: quadratic [u1, u2] or linear [u]. */
  u: number[];
  limbDark: 'quadratic' | 'linear';
}

/** The package's "default" template: an Earth-like transit over a G2V star in the Kepler band. */
export const DEFAULT_TEMPLATE: TemplateShape = { per: 12.9, rp: 0.03, a: 23.1, inc: 89.21, u: [0.4804, 0.1867], limbDark: 'quadratic' };
/** The package's "box" template: a steep trapezoid (no limb darkening, central transit). */
export const BOX_TEMPLATE: TemplateShape = { per: 29, rp: 0.1, a: 26.9, inc: 90, u: [0], limbDark: 'linear' };
