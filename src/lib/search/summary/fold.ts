/**
 * Folded views of the best signal for the target view: the transit window (binned), odd and even
 * transits apart, the window at phase 0.5 (secondary eclipse), the whole phase curve, and each
 * transit on its own. All binned, so their size does not grow with the light curve.
 */
import { timeFromTransit } from '../features/fold.ts';
import { BinAccumulator, type Bins } from './bin.ts';

export interface Signal {
  period: number;
  transitTime: number;
  duration: number;
}

export interface TransitPanel {
  /** Mid-transit time, days in the light curve's time system. */
  time: number;
  /** Epoch number from the fold's reference transit. */
  epoch: number;
  /** Points within the panel's window. */
  n: number;
  /** Mean flux in `TRANSIT_BINS` bins over the window (NaN where empty). */
  flux: Float32Array;
}

export interface FoldSummary {
  /** Half width of the transit windows, hours. */
  windowHours: number;
  /** Flux against hours from mid-transit. */
  transit: Bins;
  odd: Bins;
  even: Bins;
  /** Flux against hours from phase 0.5. */
  secondary: Bins;
  /** Flux against phase in [−0.25, 0.75). */
  phase: Bins;
  panels: TransitPanel[];
  /** Transits holding data, whether or not they have a panel. */
  nTransits: number;
}

export const FOLD_BINS = 120;
export const ODD_EVEN_BINS = 60;
export const PHASE_BINS = 200;
export const TRANSIT_BINS = 20;
/** Panels kept: the first transits holding data (the full light curve shows the rest). */
export const MAX_PANELS = 30;

/** ±2.5 durations around mid-transit, at least ±6 h, at most half the period. */
export function foldWindowDays(signal: Signal): number {
  return Math.min(signal.period / 2, Math.max(2.5 * signal.duration, 0.25));
}

export function summarizeFold(time: ArrayLike<number>, flux: ArrayLike<number>, signal: Signal): FoldSummary {
  const { period, transitTime } = signal;
  const w = foldWindowDays(signal);
  const wh = w * 24;
  const transit = new BinAccumulator(-wh, wh, FOLD_BINS);
  const odd = new BinAccumulator(-wh, wh, ODD_EVEN_BINS);
  const even = new BinAccumulator(-wh, wh, ODD_EVEN_BINS);
  const secondary = new BinAccumulator(-wh, wh, ODD_EVEN_BINS);
  const phase = new BinAccumulator(-0.25, 0.75, PHASE_BINS);
  const epochs = new Map<number, BinAccumulator>();
  let nTransits = 0;
  const counted = new Set<number>();
  for (let i = 0; i < time.length; i++) {
    const t = time[i];
    const y = flux[i];
    if (!Number.isFinite(t) || !Number.isFinite(y)) continue;
    const x = timeFromTransit(t, period, transitTime);
    const hours = x * 24;
    const epoch = Math.round((t - transitTime) / period);
    phase.add(x / period < 0.75 && x / period >= -0.25 ? x / period : x / period + 1, y);
    secondary.add(timeFromTransit(t, period, transitTime + period / 2) * 24, y);
    if (Math.abs(x) >= w) continue;
    transit.add(hours, y);
    // Odd transits at t0 + (2k+1)P, as the odd/even features count them.
    (epoch % 2 === 0 ? even : odd).add(hours, y);
    if (Math.abs(x) < signal.duration / 2 && !counted.has(epoch)) {
      counted.add(epoch);
      nTransits++;
    }
    let panel = epochs.get(epoch);
    if (!panel) {
      // The light curve is in time order, so these are the first transits holding data.
      if (epochs.size >= MAX_PANELS) continue;
      panel = new BinAccumulator(-wh, wh, TRANSIT_BINS);
      epochs.set(epoch, panel);
    }
    panel.add(hours, y);
  }
  const panels = [...epochs.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([epoch, acc]) => ({ epoch, time: transitTime + epoch * period, n: acc.total, flux: acc.result().flux }));
  return {
    windowHours: wh,
    transit: transit.result(),
    odd: odd.result(),
    even: even.result(),
    secondary: secondary.result(),
    phase: phase.result(),
    panels,
    nTransits,
  };
}
