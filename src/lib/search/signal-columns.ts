/**
 * The CSV columns of the signals a search found: the best one in full (`bls_*`, its vetting
 * statistics, uncertainties, significance, variability), further ones in brief (`bls2_*`, `bls3_*`),
 * and the single events set aside by the two-transit rule (`single_event_*`).
 */
import type { LightCurve } from '../lightcurve/index.ts';
import type { BlsPeak } from './bls-types.ts';
import { finite, signalFeatures } from './features/index.ts';
import type { Features } from './result.ts';
import { falseAlarmProbability } from './significance.ts';
import type { Signal } from './signal.ts';
import type { SingleEvent } from './single-event.ts';
import { twoHarmonicDeltaLogLikelihood } from './variability.ts';

/**
 * A peak is significant when fewer than this fraction of light curves without transits reach its SDE
 * and a box describes it better than a smooth periodic curve (a significant variable is not a transit).
 */
export const SIGNIFICANT_FAP = 0.01;

const flag = (v: boolean) => (v ? 1 : 0);

/** Every column of the best signal. Without a peak: only the single events. */
export function bestSignalColumns(lc: LightCurve, signal: Signal, fluxStd: number): Features {
  const peak = signal.peak;
  if (!peak) return {};
  const searched = { ...lc, ...signal.input };
  const vetting = signalFeatures(searched, peak, fluxStd);
  const fap = falseAlarmProbability(signal.sde);
  const harmonic2 = twoHarmonicDeltaLogLikelihood(signal.input, peak.period, peak.duration, peak.transitTime);
  const variability = Math.max(harmonic2, (vetting.harmonic_delta_log_likelihood as number | undefined) ?? -Infinity) > 0;
  const significant = fap <= SIGNIFICANT_FAP && !variability;
  return {
    bls_period: peak.period,
    bls_t0: peak.transitTime,
    bls_duration: peak.duration,
    bls_depth: peak.depth,
    bls_snr: finite(peak.depthSnr),
    bls_power: peak.power,
    ...vetting,
    bls_t0_bjd: peak.transitTime + lc.bjdRef,
    bls_depth_err: finite(peak.depthErr),
    bls_log_likelihood: finite(peak.logLikelihood),
    bls_period_uncertainty: finite(signal.periodErr),
    bls_t0_uncertainty: finite(signal.transitTimeErr),
    bls_sde: finite(signal.sde),
    bls_fap: finite(fap),
    bls_significant: flag(significant),
    harmonic2_delta_log_likelihood: finite(harmonic2),
    variability: flag(variability),
  };
}

/** `bls2_*` / `bls3_*`: a further signal's peak and SDE. */
export function furtherSignalColumns(prefix: 'bls2' | 'bls3', signal: Signal): Features {
  const peak: BlsPeak | null = signal.peak;
  if (!peak) return {};
  return {
    [`${prefix}_period`]: peak.period,
    [`${prefix}_t0`]: peak.transitTime,
    [`${prefix}_duration`]: peak.duration,
    [`${prefix}_depth`]: peak.depth,
    [`${prefix}_snr`]: finite(peak.depthSnr),
    [`${prefix}_power`]: peak.power,
    [`${prefix}_sde`]: finite(signal.sde),
  };
}

/** The first single event set aside (the one that topped the periodogram), and how many there were. */
export function singleEventColumns(events: SingleEvent[]): Features {
  const first = events[0];
  return {
    n_single_events: events.length,
    ...(first
      ? {
          single_event_time: first.time,
          single_event_depth: first.depth,
          single_event_duration: first.duration,
          single_event_snr: finite(first.snr),
        }
      : {}),
  };
}
