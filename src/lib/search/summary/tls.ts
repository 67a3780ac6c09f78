/**
 * The TLS part of the plot summary: the SDE spectrum, bucketed like the BLS periodogram, and the TLS
 * model's folded transit binned for the fold it is drawn on. When TLS found the transit the BLS
 * search found, the model is binned on the BLS fold's bins (shifted by the offset between the two
 * mid-transit times); otherwise on a window of its own around the TLS mid-transit.
 */
import { timeFromTransit } from '../features/fold.ts';
import type { TemplateShape } from '../tls/constants.ts';
import { referenceTransit } from '../tls/template.ts';
import { FOLD_BINS, foldWindowDays, type Signal } from './fold.ts';
import { summarizePeriodogram, type PeriodogramSummary } from './periodogram.ts';

/** What the summary needs of a TLS result (`TlsResult` fields; times in days in the light curve's system). */
export interface TlsSummaryInput {
  period: number;
  T0: number;
  duration: number;
  /** Transit-bottom flux of the best template (the package's `depth`). */
  depth: number;
  SDE: number;
  /** Width of the folded model's transit, days (`TlsResult.modelDuration`). */
  modelDuration: number;
  template: TemplateShape;
  /** The SDE spectrum: ascending trial periods and their power. */
  periods: ArrayLike<number>;
  power: ArrayLike<number>;
}

export interface TlsModelBins {
  /**
   * Bins of equal width over [lo, hi) hours from the mid-transit of the fold drawn on: the fold's
   * bins that the model's transit touches, and one on each side. The model is 1 outside.
   */
  lo: number;
  hi: number;
  /** The model's mean flux per bin. */
  flux: Float32Array;
  /** Half width of the fold window, hours (the BLS fold's, or its own). */
  windowHours: number;
  /** Binned on the BLS fold (hours from the BLS mid-transit), or on a window of its own. */
  onBlsFold: boolean;
}

export interface TlsSummary {
  /** TLS's best signal: days in the light curve's time system; depth as a depth (1 − bottom flux). */
  signal: { period: number; transitTime: number; duration: number; depth: number; sde: number };
  /** SDE power against period. */
  spectrum: PeriodogramSummary;
  /** Absent when TLS fitted no transit. */
  model?: TlsModelBins;
}

/** Buckets of the SDE spectrum: it is drawn beside the BLS periodogram, at about half its width. */
export const TLS_SPECTRUM_BUCKETS = 250;
/** Samples of the reference transit the model is interpolated from. */
const REFERENCE_SAMPLES = 1000;
/** Model values averaged per bin. */
const SUBSAMPLES = 16;

/**
 * The TLS model's flux at `hours` from its mid-transit: the template's reference transit stretched
 * to `modelDuration` and scaled to the fitted depth, 1 outside (as `fractional_transit` builds it).
 */
export function tlsModelShape(tls: Pick<TlsSummaryInput, 'depth' | 'modelDuration' | 'template'>): (hours: number) => number {
  const reference = referenceTransit(REFERENCE_SAMPLES, tls.template);
  const widthHours = tls.modelDuration * 24;
  const scale = 1 - tls.depth;
  return (hours) => {
    const u = hours / widthHours + 0.5;
    if (!(u >= 0 && u <= 1)) return 1;
    const x = u * (REFERENCE_SAMPLES - 1);
    const i = Math.min(REFERENCE_SAMPLES - 2, Math.floor(x));
    const r = reference[i] + (x - i) * (reference[i + 1] - reference[i]);
    return 1 - (1 - r) * scale;
  };
}

/** Mean of `f` over each of `n` bins of [lo, hi). */
export function binFunction(f: (x: number) => number, lo: number, hi: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const width = (hi - lo) / n;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < SUBSAMPLES; k++) sum += f(lo + (i + (k + 0.5) / SUBSAMPLES) * width);
    out[i] = sum / SUBSAMPLES;
  }
  return out;
}

/**
 * Hours from the BLS mid-transit to the TLS one, when the TLS transit stays inside the BLS box over
 * the whole light curve, drifting by less than a quarter of its width (same period, same transit);
 * null when TLS found another signal.
 */
export function tlsOffsetOnBlsFold(bls: Signal, tls: { period: number; transitTime: number }, timeSpan: [number, number]): number | null {
  if (!(bls.period > 0 && bls.duration > 0 && tls.period > 0) || !Number.isFinite(tls.transitTime)) return null;
  // Another period (an alias such as 2P puts every TLS transit on a BLS one, yet is another signal).
  if (Math.abs(tls.period / bls.period - 1) > 0.01) return null;
  // The first and last TLS transits within the span, placed on the BLS fold.
  const first = tls.transitTime + Math.ceil((timeSpan[0] - tls.transitTime) / tls.period) * tls.period;
  const last = tls.transitTime + Math.floor((timeSpan[1] - tls.transitTime) / tls.period) * tls.period;
  const a = timeFromTransit(first, bls.period, bls.transitTime);
  const b = timeFromTransit(last >= first ? last : first, bls.period, bls.transitTime);
  // Inside the box all along, and not smeared across it by a drift in period.
  if (Math.max(Math.abs(a), Math.abs(b)) >= bls.duration / 2 || Math.abs(b - a) >= bls.duration / 4) return null;
  return ((a + b) / 2) * 24;
}

/** The TLS part of the summary; `bls` is the signal the BLS fold is drawn at (null when BLS found none). */
export function summarizeTls(tls: TlsSummaryInput, bls: Signal | null, timeSpan: [number, number]): TlsSummary {
  const signal = { period: tls.period, transitTime: tls.T0, duration: tls.duration, depth: 1 - tls.depth, sde: tls.SDE };
  const spectrum = summarizePeriodogram(tls.periods, tls.power, TLS_SPECTRUM_BUCKETS);
  if (!(tls.period > 0 && tls.modelDuration > 0 && tls.depth < 1)) return { signal, spectrum };
  const shape = tlsModelShape(tls);
  const offset = bls ? tlsOffsetOnBlsFold(bls, signal, timeSpan) : null;
  if (bls && offset !== null) {
    const wh = foldWindowDays(bls) * 24;
    return { signal, spectrum, model: { ...transitBins((h) => shape(h - offset), -wh, wh, FOLD_BINS), windowHours: wh, onBlsFold: true } };
  }
  const wh = foldWindowDays({ period: tls.period, transitTime: tls.T0, duration: Math.max(tls.duration || 0, tls.modelDuration) }) * 24;
  return { signal, spectrum, model: { ...transitBins(shape, -wh, wh, FOLD_BINS), windowHours: wh, onBlsFold: false } };
}

/** The bins of [lo, hi) that hold the model's transit, and one on each side (the rest are 1). */
function transitBins(f: (x: number) => number, lo: number, hi: number, n: number): Pick<TlsModelBins, 'lo' | 'hi' | 'flux'> {
  const all = binFunction(f, lo, hi, n);
  let first = all.findIndex((v) => v < 1);
  if (first < 0) return { lo, hi, flux: new Float32Array(0) };
  let last = n - 1;
  while (!(all[last] < 1)) last--;
  first = Math.max(0, first - 1);
  last = Math.min(n - 1, last + 1);
  const width = (hi - lo) / n;
  return { lo: lo + first * width, hi: lo + (last + 1) * width, flux: all.slice(first, last + 1) };
}
