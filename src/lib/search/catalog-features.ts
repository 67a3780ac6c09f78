/**
 * Features of one catalogue candidate (a KOI, a TOI: a row with a period, and perhaps an epoch and a
 * duration), measured on the star's prepared light curve at the catalogue's ephemeris: depth and its
 * SNR, odd/even, secondary eclipse, transits with data, the local BLS peak within ±catalogWindow of
 * the period, whether the blind search could have found the period at all, and whether it did.
 * Several rows of one star share its download and its blind search; each gets its own `cat_*`.
 */
import type { LightCurve } from '../lightcurve/index.ts';
import type { SearchPlan } from './bls-plan.ts';
import { computeStats } from './bls-stats.ts';
import { bestPeak, type BlsEngine, type BlsInput, type BlsPeak } from './bls-types.ts';
import { finite, secondaryEclipse } from './features/index.ts';
import { durationWindow } from './grid-optimal.ts';
import type { CatalogValues } from './input-columns.ts';
import { filterPoints } from './numeric.ts';
import { refinePeak } from './refine.ts';
import type { Features } from './result.ts';
import type { SearchSettings } from './settings.ts';
import { measureTransits } from './transits.ts';

/** One sample-list row of a star with its catalogue values; `row` is the row's index in the sample list. */
export interface CatalogCandidate {
  row: number;
  catalog: CatalogValues;
}

/** The blind signal a candidate is compared with. */
export interface BlindPeak {
  period: number;
  /** 1σ, days; NaN when unknown. */
  periodErr: number;
  duration: number;
}

/** Ratios r (blind period = r × catalogue period) that count as the same signal: harmonics and subharmonics up to 5. */
export const CATALOG_RATIOS = [1, 2, 1 / 2, 3, 1 / 3, 4, 1 / 4, 5, 1 / 5];

/** How many σ of the blind period a match may be off. */
export const MATCH_SIGMA = 3;

const flag = (v: boolean) => (v ? 1 : 0);

/**
 * The ratio r for which |blind − r·catalogue| is within MATCH_SIGMA σ of the blind period (or, without
 * an uncertainty, within the peak's resolution P·duration/baseline); null when none.
 */
export function catalogRatio(blind: BlindPeak, catalogPeriod: number, baseline: number): number | null {
  const tolerance = Number.isFinite(blind.periodErr) && blind.periodErr > 0 ? MATCH_SIGMA * blind.periodErr : (blind.period * blind.duration) / baseline;
  for (const r of CATALOG_RATIOS) if (Math.abs(blind.period - r * catalogPeriod) <= tolerance) return r;
  return null;
}

/** A known transit ephemeris in the light curve's time system (days). */
export interface Ephemeris {
  period: number;
  transitTime: number;
  duration: number;
}

/** The catalogue's ephemeris in the light curve's time system; null without period, epoch and duration. */
export function catalogEphemeris(catalog: CatalogValues, bjdRef: number): Ephemeris | null {
  const { period, epochBjd, durationHours } = catalog;
  if (period === undefined || epochBjd === undefined || durationHours === undefined) return null;
  return { period, transitTime: epochBjd - bjdRef, duration: durationHours / 24 };
}

function nearTransit(t: number, e: Ephemeris, halfWidth: number): boolean {
  const x = (t - e.transitTime) / e.period;
  return Math.abs((x - Math.round(x)) * e.period) < halfWidth;
}

/**
 * The light curve a candidate is measured on: without the transits of the star's other catalogue
 * candidates (within one duration of their middles), and without the single events the blind search
 * set aside unless they fall on this candidate's own predicted transits. A row repeating this
 * candidate's period (within 0.1 %) is not another candidate.
 */
export function candidateInput(lc: BlsInput, own: CatalogValues, others: CatalogValues[], events: Array<{ time: number; duration: number }>, bjdRef: number): BlsInput {
  const mine = catalogEphemeris(own, bjdRef);
  const masks = others
    .filter((c) => !(own.period !== undefined && c.period !== undefined && Math.abs(c.period / own.period - 1) < 1e-3))
    .map((c) => catalogEphemeris(c, bjdRef))
    .filter((e): e is Ephemeris => e !== null);
  const foreign = events.filter((e) => !(mine && nearTransit(e.time, mine, mine.duration + e.duration / 2)));
  if (masks.length === 0 && foreign.length === 0) return lc;
  return filterPoints(lc, (i) => {
    const t = lc.time[i];
    return !masks.some((e) => nearTransit(t, e, e.duration)) && !foreign.some((e) => Math.abs(t - e.time) < e.duration);
  });
}

/** Durations to try at the catalogue period: around the catalogue's, else the optimal grid's window. */
function candidateDurations(period: number, duration: number | undefined, cadence: number): Float64Array {
  const [lo, hi] = duration !== undefined ? [duration / 2, duration * 2] : durationWindow(period, { minimumDuration: 2 * cadence });
  const step = duration !== undefined ? 1.1 : 1.2;
  const list: number[] = [];
  for (let d = lo; d <= hi * (1 + 1e-9); d *= step) list.push(d);
  if (list.length === 0) list.push(hi);
  return Float64Array.from(list.filter((d) => d < 0.5 * period));
}

/**
 * The best box within ±window of the catalogue period, on a grid whose step moves a transit by a
 * tenth of its duration across the baseline, then refined as the blind peak is.
 */
function localPeak(engine: BlsEngine, input: BlsInput, period: number, durations: Float64Array, baseline: number, cadence: number, settings: SearchSettings): BlsPeak | null {
  if (durations.length === 0) return null;
  const lo = period * (1 - settings.catalogWindow);
  const hi = period * (1 + settings.catalogWindow);
  const step = (period * durations[0]) / (10 * baseline);
  const count = Math.min(20_000, Math.max(3, Math.ceil((hi - lo) / step) + 1));
  const periods = Float64Array.from({ length: count }, (_, k) => lo + ((hi - lo) * k) / (count - 1));
  const options = { periods, durations: durations.filter((d) => d < lo), objective: settings.objective, oversample: settings.oversample };
  if (options.durations.length === 0) return null;
  const peak = bestPeak(engine.power(input, options));
  if (peak.index < 0) return null;
  if (!settings.refine) return peak;
  const scope = { periods, durationLimits: [options.durations[0], options.durations[options.durations.length - 1]] as [number, number], baseline, objective: settings.objective };
  return refinePeak(engine, input, scope, peak, cadence).peak;
}

/** The best transit time and duration at exactly the catalogue period (for rows without an epoch). */
function phaseAt(engine: BlsEngine, input: BlsInput, period: number, durations: Float64Array, settings: SearchSettings): BlsPeak | null {
  if (durations.length === 0) return null;
  const peak = bestPeak(engine.power(input, { periods: Float64Array.of(period), durations, objective: settings.objective, oversample: 30 }));
  return peak.index < 0 ? null : peak;
}

/**
 * The `cat_*` columns of one candidate, measured on `input` (`candidateInput`), and
 * `bls_matches_catalog` / `bls_catalog_ratio` against the blind signal. Empty without a catalogue period.
 */
export function candidateColumns(
  engine: BlsEngine,
  lc: LightCurve,
  input: BlsInput,
  plan: Pick<SearchPlan, 'periodMin' | 'periodMax' | 'baseline'>,
  blind: BlindPeak | null,
  catalog: CatalogValues,
  settings: SearchSettings,
): Features {
  const period = catalog.period;
  if (period === undefined || !(period > 0)) return {};
  const catalogDuration = catalog.durationHours !== undefined ? catalog.durationHours / 24 : undefined;
  const durations = candidateDurations(period, catalogDuration, lc.cadenceDays);
  const local = localPeak(engine, input, period, durations, plan.baseline, lc.cadenceDays, settings);
  const ratio = blind ? catalogRatio(blind, period, plan.baseline) : null;
  const columns: Features = {
    ...(local
      ? {
          cat_bls_period: local.period,
          cat_bls_t0: local.transitTime,
          cat_bls_duration: local.duration,
          cat_bls_depth: local.depth,
          cat_bls_snr: finite(local.depthSnr),
          cat_bls_power: local.power,
        }
      : {}),
    bls_matches_catalog: flag(ratio !== null),
    bls_catalog_ratio: ratio ?? undefined,
  };
  // The ephemeris: the catalogue's epoch and duration, else the best phase and duration at its period.
  const fitted = catalog.epochBjd === undefined || catalogDuration === undefined ? phaseAt(engine, input, period, durations, settings) : null;
  const transitTime = catalog.epochBjd !== undefined ? catalog.epochBjd - lc.bjdRef : fitted?.transitTime;
  const duration = catalogDuration ?? fitted?.duration;
  if (transitTime === undefined || duration === undefined) return { ...columns, cat_period_searchable: 0 };
  const stats = computeStats(input, period, duration, transitTime);
  const [depth, depthErr] = stats.depth;
  const oddEvenErr = Math.hypot(stats.depthOdd[1], stats.depthEven[1]);
  const secondary = secondaryEclipse(input.time, input.flux, period, transitTime, duration);
  const nTransits = measureTransits(input, period, transitTime, duration).transits.length;
  const inRange = period >= plan.periodMin && period <= plan.periodMax;
  return {
    ...columns,
    cat_period_searchable: flag(inRange && nTransits >= settings.minTransits),
    cat_depth: Number.isFinite(depthErr) ? depth : undefined,
    cat_depth_err: finite(depthErr),
    cat_snr: Number.isFinite(depthErr) && depthErr > 0 ? depth / depthErr : undefined,
    cat_odd_even_sigma: Number.isFinite(oddEvenErr) && oddEvenErr > 0 ? Math.abs(stats.depthOdd[0] - stats.depthEven[0]) / oddEvenErr : undefined,
    cat_secondary_depth: finite(secondary.depth),
    cat_secondary_depth_err: finite(secondary.depthErr),
    cat_n_transits: nTransits,
  };
}
