/**
 * Refinement of a detected peak. The search grids are made for detection: a step moves a transit by
 * up to half its duration across the baseline (Ofir 2014), which finds every transit but measures its
 * period only to that step. Once a peak is found:
 * 1. the same kernel searches again around it: periods a few search steps on each side, so finely
 *    that a step moves a transit by 1/50 of its duration across the baseline; durations densely
 *    around the peak's; phase bins of 1/30 of the shortest of them;
 * 2. each transit's mid-time is fitted with that box and a straight line through the times gives the
 *    period and transit time with their uncertainties (ephemeris.ts). On white noise this line is
 *    three times closer to the truth than the fine periodogram's maximum (whose jagged top moves with
 *    each noisy point at a box edge), and its errors are right; the kernel's box at that period gives
 *    duration, depth and power.
 * Every statistic is then measured at the refined peak (docs/bls.md, "Refinement").
 */
import { bestPeak, type BlsEngine, type BlsInput, type BlsObjective, type BlsOptions, type BlsPeak } from './bls-types.ts';
import { fitEphemeris, transitTimings } from './ephemeris.ts';

export interface RefineOptions {
  /** Search-grid steps on each side of the peak (default 3). */
  steps?: number;
  /** A fine period step moves a transit by duration / this across the baseline (default 50). */
  driftFraction?: number;
  /** Durations from the peak's / span to the peak's × span (default 2) ... */
  durationSpan?: number;
  /** ... in geometric steps of this ratio (default 1.05). */
  durationStep?: number;
  /** Phase bins per shortest refined duration (astropy's `oversample`; default 30). */
  oversample?: number;
  /** At most this many fine periods (default 20,000). */
  maxPeriods?: number;
}

export const REFINE_DEFAULTS: Required<RefineOptions> = {
  steps: 3,
  driftFraction: 50,
  durationSpan: 2,
  durationStep: 1.05,
  oversample: 30,
  maxPeriods: 20_000,
};

/** Where refinement may look: the search grid's periods (ascending) and the durations it allowed at the peak. */
export interface RefineScope {
  periods: Float64Array;
  /** The shortest and longest duration the search tried at the peak's period, days. */
  durationLimits: [number, number];
  /** max(t) − min(t) of the light curve, days. */
  baseline: number;
  objective: BlsObjective;
}

/** The fine grid around `peak`, found at `scope.periods[peak.index]`; durations stay within the search's own limits. */
export function refinementOptions(scope: RefineScope, peak: BlsPeak, options: RefineOptions = {}): BlsOptions {
  const { periods, baseline, objective } = scope;
  const o = { ...REFINE_DEFAULTS, ...options };
  const i = peak.index;
  const lo = periods[Math.max(0, i - o.steps)];
  const hi = periods[Math.min(periods.length - 1, i + o.steps)];
  const step = (peak.period * peak.duration) / (o.driftFraction * baseline);
  const count = Math.min(o.maxPeriods, Math.max(2 * o.steps + 1, Math.ceil((hi - lo) / step) + 1));
  const fine = new Float64Array(count);
  for (let k = 0; k < count; k++) fine[k] = count === 1 ? peak.period : lo + ((hi - lo) * k) / (count - 1);
  const longest = Math.max(peak.duration, Math.min(o.durationSpan * peak.duration, scope.durationLimits[1]));
  const shortest = Math.min(peak.duration, Math.max(peak.duration / o.durationSpan, scope.durationLimits[0]));
  const durations: number[] = [];
  for (let d = shortest; d <= longest * (1 + 1e-9); d *= o.durationStep) durations.push(d);
  // The kernel needs every duration shorter than every period.
  return { periods: fine, durations: Float64Array.from(durations.filter((d) => d < lo)), objective, oversample: o.oversample };
}

/** A peak with the 1σ of its period and transit time (NaN when the transits could not be timed). */
export interface MeasuredPeak {
  peak: BlsPeak;
  periodErr: number;
  transitTimeErr: number;
}

/** The period and transit time's uncertainties of a peak as it is, from its transits' times. */
export function peakUncertainties(input: BlsInput, peak: BlsPeak, cadence: number): MeasuredPeak {
  const fit = fitEphemeris(transitTimings(input, peak.period, peak.transitTime, peak.duration, cadence));
  return { peak, periodErr: fit.periodErr, transitTimeErr: fit.transitTimeErr };
}

/**
 * The refined peak (steps 1 and 2 above) with its uncertainties. Step 1 keeps the given peak when the
 * fine grid finds no higher power (it bins the phase differently, so it could); step 2 is skipped
 * when fewer than two transits can be timed or the line leaves the fine grid's period range. The
 * returned `index` is the fine grid's.
 */
export function refinePeak(engine: BlsEngine, input: BlsInput, scope: RefineScope, peak: BlsPeak, cadence: number, options?: RefineOptions): MeasuredPeak {
  if (peak.index < 0 || !(peak.duration > 0)) return { peak, periodErr: NaN, transitTimeErr: NaN };
  const fine = refinementOptions(scope, peak, options);
  if (fine.durations.length === 0) return peakUncertainties(input, peak, cadence);
  const found = bestPeak(engine.power(input, fine));
  const box = found.index >= 0 && found.power >= peak.power ? found : peak;
  const fit = fitEphemeris(transitTimings(input, box.period, box.transitTime, box.duration, cadence));
  const periods = fine.periods;
  if (!(fit.period >= periods[0] && fit.period <= periods[periods.length - 1] && Number.isFinite(fit.periodErr))) {
    return { peak: box, periodErr: fit.periodErr, transitTimeErr: fit.transitTimeErr };
  }
  const at = bestPeak(engine.power(input, { ...fine, periods: Float64Array.of(fit.period) }));
  if (at.index < 0) return { peak: box, periodErr: fit.periodErr, transitTimeErr: fit.transitTimeErr };
  return { peak: { ...at, index: box.index, period: fit.period, transitTime: fit.transitTime }, periodErr: fit.periodErr, transitTimeErr: fit.transitTimeErr };
}
