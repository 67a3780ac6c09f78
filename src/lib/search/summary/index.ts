/**
 * The plot summary stored with each result: what the target view draws before (or without) the
 * full light curve. Pure: numbers in, typed arrays out; sized in `summaryBytes`.
 */
import type { BlsPeak, BlsPeriodogram } from '../bls-types.ts';
import { summarizeFold, type FoldSummary } from './fold.ts';
import { summarizePeriodogram, type PeriodogramSummary } from './periodogram.ts';
import { summarizeTls, type TlsSummary, type TlsSummaryInput } from './tls.ts';

export { summarizePeriodogram, type PeriodogramSummary } from './periodogram.ts';
export { summarizeFold, foldWindowDays, FOLD_BINS, type FoldSummary, type TransitPanel, type Signal } from './fold.ts';
export { binCentre, BinAccumulator, type Bins } from './bin.ts';
export { summarizeTls, tlsModelShape, tlsOffsetOnBlsFold, TLS_SPECTRUM_BUCKETS, type TlsModelBins, type TlsSummary, type TlsSummaryInput } from './tls.ts';

export const SUMMARY_VERSION = 1;

/**
 * Log-period buckets of the BLS periodogram: fewer when TLS ran, whose SDE spectrum is drawn beside
 * it at about half the width (TLS_SPECTRUM_BUCKETS) and shares the size budget.
 */
export const PERIODOGRAM_BUCKETS = 600;
export const PERIODOGRAM_BUCKETS_WITH_TLS = 400;

export interface TargetSummary {
  version: typeof SUMMARY_VERSION;
  /** BJD of the light curve's time zero (BTJD, BKJD). */
  bjdRef: number;
  /** The FITS header's OBJECT (what the file says the star is); absent in summaries stored before it. */
  object?: string;
  /** Days in the light curve's time system: first and last searched point. */
  timeSpan: [number, number];
  periodogram: PeriodogramSummary;
  /** The best peak as searched (the grid's), which the fold uses. */
  signal: { period: number; transitTime: number; duration: number; depth: number };
  /** Absent when the search found no signal. */
  fold?: FoldSummary;
  /** When TLS ran and gave a result: its SDE spectrum and its folded model. */
  tls?: TlsSummary;
}

/** Everything the target view needs from one search, built from the searched light curve. */
export function buildSummary(
  lc: { time: Float64Array; flux: Float64Array; bjdRef: number; object?: string | null },
  periodogram: Pick<BlsPeriodogram, 'period' | 'power'> | undefined,
  peak: BlsPeak | Pick<BlsPeak, 'period' | 'transitTime' | 'duration' | 'depth'> | null,
  tls?: TlsSummaryInput,
): TargetSummary {
  const n = lc.time.length;
  // The reported peak (refined when the search refines), so that the folds line up with the CSV.
  const found = peak !== null && peak.period > 0 && peak.duration > 0;
  const timeSpan: [number, number] = [lc.time[0], lc.time[n - 1]];
  return {
    version: SUMMARY_VERSION,
    bjdRef: lc.bjdRef,
    ...(lc.object ? { object: lc.object } : {}),
    timeSpan,
    periodogram: periodogram ? summarizePeriodogram(periodogram.period, periodogram.power, tls ? PERIODOGRAM_BUCKETS_WITH_TLS : PERIODOGRAM_BUCKETS) : { period: new Float32Array(0), power: new Float32Array(0), nPeriods: 0 },
    signal: peak ? { period: peak.period, transitTime: peak.transitTime, duration: peak.duration, depth: peak.depth } : { period: NaN, transitTime: NaN, duration: NaN, depth: NaN },
    ...(found ? { fold: summarizeFold(lc.time, lc.flux, peak) } : {}),
    ...(tls ? { tls: summarizeTls(tls, found && peak ? peak : null, timeSpan) } : {}),
  };
}

/**
 * Bytes of a summary as stored: its typed arrays' bytes plus the rest as JSON (IndexedDB's structured
 * clone stores typed arrays as their bytes, so this is close to what the record costs).
 */
export function summaryBytes(summary: unknown): number {
  let bytes = 0;
  const json = JSON.stringify(summary, (_key, value) => {
    if (ArrayBuffer.isView(value)) {
      bytes += value.byteLength;
      return 0;
    }
    return value;
  });
  return bytes + json.length;
}
