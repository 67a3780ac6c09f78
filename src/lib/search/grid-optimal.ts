/**
 * Grids that scale with the baseline: periods uniform in the phase drift of a transit across the
 * baseline (Ofir 2014, A&A 561, A138, eqs. 5–7, as TLS's `period_grid`), and per-period duration
 * windows from a stellar-density prior (as TLS's `T14` / `duration_grid` and cuvarbase's Keplerian
 * BLS), so that short periods are not searched with long boxes nor long periods with short ones.
 * Times in days; stellar radius and mass in solar units.
 */
import { AppError } from '../errors.ts';

const G = 6.674e-11; // m³ kg⁻¹ s⁻²
const R_SUN = 6.957e8; // m
const M_SUN = 1.98847e30; // kg
const R_JUP = 7.1492e7; // m
const SECONDS_PER_DAY = 86400;

/** TLS's FRACTIONAL_TRANSIT_DURATION_MAX: no box longer than this fraction of the period. */
export const MAX_DUTY_CYCLE = 0.12;

export interface OptimalPeriodOptions {
  /** max(t) − min(t), days. */
  baseline: number;
  periodMin: number;
  periodMax: number;
  /** Trial periods per duty cycle of phase drift across the baseline (Ofir's oversampling; TLS: 2–3). */
  oversampling?: number;
  /** The star whose transits set the spacing (TLS's defaults: the Sun). */
  stellarRadius?: number;
  stellarMass?: number;
}

function invalid(message: string, argument: string): AppError {
  return new AppError('invalid-settings', message, { argument });
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw invalid(`${name} must be a positive number, not ${value}`, name);
  return value;
}

/**
 * Ofir's grid: frequencies uniform in f^(1/3) with step A/3, where A = (2π)^(2/3)/π · R/(GM)^(1/3) /
 * (baseline · oversampling). Then df = A·f^(2/3) = q(f) / (baseline · oversampling), with q(f) the
 * duty cycle of a central transit: one step shifts a transit by q/oversampling of the period over the
 * baseline. Returned ascending in period, within [periodMin, periodMax].
 */
export function ofirPeriods(options: OptimalPeriodOptions): Float64Array {
  const { cubeRootMax, step, count } = ofirSpacing(options);
  const periods = new Float64Array(count);
  // Ascending period = descending frequency: k-th period from the highest frequency down.
  for (let k = 0; k < count; k++) periods[k] = 1 / ((cubeRootMax - k * step) ** 3 * SECONDS_PER_DAY);
  return periods;
}

/** Number of periods `ofirPeriods` returns, without building them. */
export function ofirPeriodCount(options: OptimalPeriodOptions): number {
  return ofirSpacing(options).count;
}

/** Ofir's f^(1/3) range (s^(−1/3)) and step A/3, and the number of periods. */
function ofirSpacing(options: OptimalPeriodOptions): { cubeRootMax: number; step: number; count: number } {
  const baseline = positive(options.baseline, 'baseline') * SECONDS_PER_DAY;
  const oversampling = positive(options.oversampling ?? 2, 'oversampling');
  const radius = positive(options.stellarRadius ?? 1, 'stellarRadius') * R_SUN;
  const mass = positive(options.stellarMass ?? 1, 'stellarMass') * M_SUN;
  const pMin = positive(options.periodMin, 'periodMin');
  const pMax = positive(options.periodMax, 'periodMax');
  if (!(pMax > pMin)) throw invalid(`periodMax (${pMax} d) must exceed periodMin (${pMin} d)`, 'periodMax');
  const a = (Math.cbrt((2 * Math.PI) ** 2) / Math.PI) * (radius / Math.cbrt(G * mass)) / (baseline * oversampling);
  const cubeRootMin = Math.cbrt(1 / (pMax * SECONDS_PER_DAY));
  const cubeRootMax = Math.cbrt(1 / (pMin * SECONDS_PER_DAY));
  const step = a / 3;
  return { cubeRootMax, step, count: Math.floor((cubeRootMax - cubeRootMin) / step) + 1 };
}

/**
 * TLS's T14 (grid.py): the longest transit, central, of a planet of radius `planetRadius` (m) around a
 * star of radius R and mass M (solar units) at period P (days): (R + Rp)·(4P / (πGM))^(1/3), in days.
 */
export function t14(radius: number, mass: number, period: number, planetRadius: number): number {
  const p = period * SECONDS_PER_DAY;
  return ((radius * R_SUN + planetRadius) * Math.cbrt((4 * p) / (Math.PI * G * mass * M_SUN))) / SECONDS_PER_DAY;
}

export interface DurationPriorOptions {
  /** Shortest box considered at any period, days (a cadence floor). */
  minimumDuration?: number;
  /** Ratio between successive trial durations (TLS's log_step is 1.1). */
  durationStep?: number;
  /** Densest star: its small-planet central transit is the shortest box (TLS: 0.13 R☉, 0.1 M☉). */
  denseStar?: { radius: number; mass: number };
  /** Least dense star: its 2-Jupiter-radius planet's transit is the longest box (TLS: 3.5 R☉, 1 M☉). */
  sparseStar?: { radius: number; mass: number };
}

const DENSE_STAR = { radius: 0.13, mass: 0.1 };
const SPARSE_STAR = { radius: 3.5, mass: 1.0 };

/** The durations worth searching at period P: [shortest, longest], days. */
export function durationWindow(period: number, options: DurationPriorOptions = {}): [number, number] {
  const dense = options.denseStar ?? DENSE_STAR;
  const sparse = options.sparseStar ?? SPARSE_STAR;
  const longest = Math.min(t14(sparse.radius, sparse.mass, period, 2 * R_JUP), MAX_DUTY_CYCLE * period);
  const shortest = Math.min(Math.max(t14(dense.radius, dense.mass, period, 0), options.minimumDuration ?? 0), longest);
  return [shortest, longest];
}

export interface DurationRanges {
  /** Every trial duration, ascending, days. */
  durations: Float64Array;
  /** Per period: the first index into `durations` and how many follow. */
  first: Int32Array;
  count: Int32Array;
}

/**
 * A geometric list of durations covering every period's window, and for each period the slice of
 * it that brackets its window (one step beyond each end, so the window's edges are searched too).
 */
export function durationRanges(periods: Float64Array, options: DurationPriorOptions = {}): DurationRanges {
  const step = options.durationStep ?? 1.2;
  if (!(Number.isFinite(step) && step > 1)) throw invalid(`durationStep must be a number above 1, not ${step}`, 'durationStep');
  let lo = Infinity;
  let hi = 0;
  const windows = Array.from(periods, (p) => {
    const w = durationWindow(p, options);
    lo = Math.min(lo, w[0]);
    hi = Math.max(hi, w[1]);
    return w;
  });
  const n = Math.max(1, Math.ceil(Math.log(hi / lo) / Math.log(step) - 1e-9) + 1);
  const durations = Float64Array.from({ length: n }, (_, k) => lo * step ** k);
  const first = new Int32Array(periods.length);
  const count = new Int32Array(periods.length);
  const logLo = Math.log(lo);
  const logStep = Math.log(step);
  windows.forEach(([shortest, longest], i) => {
    let a = Math.max(0, Math.floor((Math.log(shortest) - logLo) / logStep + 1e-9));
    let b = Math.min(n - 1, Math.ceil((Math.log(longest) - logLo) / logStep - 1e-9));
    // No box longer than the duty-cycle cap (the kernel requires duration ≤ period).
    while (b > a && durations[b] > MAX_DUTY_CYCLE * periods[i]) b--;
    if (durations[a] > periods[i]) a = b;
    first[i] = a;
    count[i] = b - a + 1;
  });
  return { durations, first, count };
}
