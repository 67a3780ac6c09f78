/**
 * A single transit-like event: the best box (centre and duration) around a given time, found by a
 * local scan, with its depth and SNR against the light curve's level. Used for the events that the
 * two-transit rule keeps from winning the periodic search (`single_event_*` columns), so that
 * long-period candidates with one transit in the data are not lost.
 */
import type { BlsInput } from './bls-types.ts';
import { lowerBound } from './numeric.ts';

export interface SingleEvent {
  /** Mid-event time, the input's time system (days). */
  time: number;
  duration: number;
  depth: number;
  depthErr: number;
  /** depth / depthErr. */
  snr: number;
}

/** Geometric ratio of the scanned durations, and how far around the guess they reach. */
const DURATION_STEP = 1.1;
const DURATION_SPAN = 3;


/**
 * The box of largest Δχ² (= depth² / depthErr²) with its centre within ±duration of `time` and a
 * duration from duration/3 to 3·duration; only dips count. Times must be ascending.
 */
export function fitSingleEvent(input: BlsInput, time: number, duration: number, cadence: number): SingleEvent | null {
  const { time: t, flux } = input;
  const n = t.length;
  const w = new Float64Array(n);
  let wTotal = 0;
  let wyTotal = 0;
  for (let i = 0; i < n; i++) {
    w[i] = input.fluxErr ? 1 / (input.fluxErr[i] * input.fluxErr[i]) : 1;
    wTotal += w[i];
    wyTotal += w[i] * flux[i];
  }
  // Prefix sums over the window that any scanned box can reach.
  const reach = duration + (DURATION_SPAN * duration) / 2;
  const first = lowerBound(t, time - reach);
  const last = lowerBound(t, time + reach);
  const cw = new Float64Array(last - first + 1);
  const cwy = new Float64Array(last - first + 1);
  for (let i = first; i < last; i++) {
    cw[i - first + 1] = cw[i - first] + w[i];
    cwy[i - first + 1] = cwy[i - first] + w[i] * flux[i];
  }
  const step = Math.max(Math.min(cadence / 2, duration / 20), duration / 2000);
  let best: SingleEvent | null = null;
  let bestScore = 0;
  for (let d = duration / DURATION_SPAN; d <= duration * DURATION_SPAN * (1 + 1e-9); d *= DURATION_STEP) {
    for (let c = time - duration; c <= time + duration + 1e-12; c += step) {
      const a = lowerBound(t, c - d / 2);
      const b = lowerBound(t, c + d / 2);
      if (b <= a) continue;
      const wIn = cw[b - first] - cw[a - first];
      const wyIn = cwy[b - first] - cwy[a - first];
      const wOut = wTotal - wIn;
      if (!(wIn > 0 && wOut > 0)) continue;
      const depth = (wyTotal - wyIn) / wOut - wyIn / wIn;
      if (!(depth > 0)) continue;
      const depthErr = Math.sqrt(1 / wIn + 1 / wOut);
      const score = depth / depthErr;
      if (score > bestScore) {
        bestScore = score;
        best = { time: c, duration: d, depth, depthErr, snr: score };
      }
    }
  }
  return best;
}
