/**
 * One periodic signal of a light curve: the astropy-exact search on the plan's grid, TLS's
 * two-transit rule (a single deep event is set aside as an event of its own, masked, and the search
 * runs again), the SDE of the accepted peak on the periodogram it came from, then refinement.
 */
import { planOptions, type SearchPlan } from './bls-plan.ts';
import { bestPeak, type BlsEngine, type BlsInput, type BlsPeak, type BlsPeriodogram } from './bls-types.ts';
import { filterPoints } from './numeric.ts';
import { peakUncertainties, refinePeak } from './refine.ts';
import type { SearchSettings } from './settings.ts';
import { constantChi2, sdeSpectrum, TLS_OVERSAMPLING } from './significance.ts';
import { fitSingleEvent, type SingleEvent } from './single-event.ts';
import { judgePeak, type PeakRejection } from './transits.ts';

/** Single events masked before the search gives up on a periodic signal (each costs one more search). */
export const MAX_SINGLE_EVENTS = 3;

export interface Signal {
  /** The reported peak (refined when the settings ask), or null when no peak passed the rule. */
  peak: BlsPeak | null;
  /** The same peak on the search grid; `index` is into `plan.periods`. */
  coarse: BlsPeak | null;
  /** The light curve that was searched last: the input without the masked single events. */
  input: BlsInput;
  /** SDE of the peak on its periodogram; NaN without a peak. */
  sde: number;
  /** 1σ of the peak's period and transit time (ephemeris.ts); NaN when its transits could not be timed. */
  periodErr: number;
  transitTimeErr: number;
  /** Single events set aside, strongest first (the order they were found in). */
  events: SingleEvent[];
  /** Why the last peak was refused, when `peak` is null. */
  rejection?: PeakRejection | 'no-peak';
  /** The last periodogram searched (the target view's plot summary keeps a downsampled copy). */
  periodogram?: BlsPeriodogram;
}

const NO_PEAK = { peak: null, coarse: null, sde: NaN, periodErr: NaN, transitTimeErr: NaN };

/** The SDE median kernel follows the grid's period oversampling (TLS: 30 × its oversampling of 3). */
export function sdeOversampling(plan: SearchPlan, periodOversampling = 2): number {
  return plan.grid === 'optimal' ? periodOversampling : TLS_OVERSAMPLING;
}

/** The shortest and longest durations the plan searches at period `index`. */
export function durationLimits(plan: SearchPlan, index: number): [number, number] {
  const { durations, durationRanges: ranges } = plan;
  if (ranges) return [durations[ranges.first[index]], durations[ranges.first[index] + ranges.count[index] - 1]];
  return [Math.min(...durations), Math.max(...durations)];
}

function withoutWindow(input: BlsInput, centre: number, halfWidth: number): BlsInput {
  return filterPoints(input, (i) => !(Math.abs(input.time[i] - centre) < halfWidth));
}

/**
 * Searches `input` on the plan's grid and returns its best periodic signal. A peak whose transits do
 * not pass `judgePeak` (fewer than `settings.minTransits` with data, or one transit carrying the
 * signal) is not reported: its strongest transit is fitted as a single event, the points within one
 * event duration of its middle are removed, and the search runs again, up to MAX_SINGLE_EVENTS times.
 */
export function findSignal(engine: BlsEngine, input: BlsInput, plan: SearchPlan, settings: SearchSettings, cadence: number): Signal {
  const events: SingleEvent[] = [];
  let current = input;
  for (let attempt = 0; ; attempt++) {
    if (current.time.length < 100) return { ...NO_PEAK, input: current, events, rejection: 'no-peak' };
    const periodogram = engine.power(current, { ...planOptions(plan, settings.objective), memoryBudget: plan.memoryBytes });
    const coarse = bestPeak(periodogram);
    if (coarse.index < 0) return { ...NO_PEAK, input: current, events, rejection: 'no-peak', periodogram };
    const verdict = judgePeak(current, coarse.period, coarse.transitTime, coarse.duration, settings.minTransits);
    if (verdict.ok) {
      const sde = sdeSpectrum(periodogram, constantChi2(current), sdeOversampling(plan))[coarse.index];
      let measured = peakUncertainties(current, coarse, cadence);
      if (settings.refine) {
        const scope = { periods: plan.periods, durationLimits: durationLimits(plan, coarse.index), baseline: plan.baseline, objective: settings.objective };
        const refined = refinePeak(engine, current, scope, coarse, cadence);
        if (judgePeak(current, refined.peak.period, refined.peak.transitTime, refined.peak.duration, settings.minTransits).ok) measured = refined;
      }
      return { peak: measured.peak, coarse, input: current, sde, periodErr: measured.periodErr, transitTimeErr: measured.transitTimeErr, events, periodogram };
    }
    const strongest = verdict.strongest!;
    const event = fitSingleEvent(current, strongest.time, coarse.duration, cadence) ?? {
      time: strongest.time,
      duration: coarse.duration,
      depth: strongest.depth,
      depthErr: strongest.depthErr,
      snr: strongest.depth / strongest.depthErr,
    };
    events.push(event);
    if (attempt >= MAX_SINGLE_EVENTS) return { ...NO_PEAK, input: current, events, rejection: verdict.reason, periodogram };
    current = withoutWindow(current, event.time, Math.max(event.duration, coarse.duration));
  }
}
