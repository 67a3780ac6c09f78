/**
 * The brute-force BLS reference: the quantity astropy's fast method computes (bls.c `run_bls`), found
 * by the most direct means. For every period, duration and start bin it loops over the points and
 * sums those whose phase bin lies in the window, with the same bins, the same wrap and the same
 * tie-break (first maximum wins). It is O(periods · durations · bins · points): a test reference and
 * a CLI cross-check (`--engine slow`), not a production engine.
 */
import { addReferenceTime, emptyPeriodogram, prepareBls } from './bls-prepare.ts';
import type { BlsEngine, BlsInput, BlsOptions, BlsPeriodogram } from './bls-types.ts';

/**
 * How many times a point of phase bin `ind` (1-based) is counted by the window of positions
 * [first, last]. bls.c appends copies of bins 1..oversample at positions m..m+oversample−1
 * (m = ceil(P/bin)); those copies replace what was binned there, so a point of bin m (the last,
 * partial one) is counted nowhere, and a point of an early bin can be counted at both places.
 */
function timesCounted(ind: number, m: number, oversample: number, first: number, last: number): number {
  let count = 0;
  const overwritten = ind >= m && ind <= m + oversample - 1;
  if (!overwritten && ind >= first && ind <= last) count++;
  if (ind <= oversample && ind + m - 1 >= first && ind + m - 1 <= last) count++;
  return count;
}

function searchSlow(input: BlsInput, options: BlsOptions): BlsPeriodogram {
  const prepared = prepareBls(input, options);
  const { time, y, ivar, periods, durations, oversample } = prepared;
  const useLikelihood = prepared.objective === 'likelihood';
  const out = emptyPeriodogram(prepared);
  const n = time.length;

  let minT = Infinity;
  let sumY = 0;
  let sumIvar = 0;
  for (let i = 0; i < n; i++) {
    minT = Math.min(minT, time[i]);
    sumY += y[i] * ivar[i];
    sumIvar += ivar[i];
  }
  let minDuration = Infinity;
  for (const d of durations) minDuration = Math.min(minDuration, d);
  const ind = new Int32Array(n);
  const ranges = prepared.durationRanges;

  for (let p = 0; p < periods.length; p++) {
    const period = periods[p];
    const first = ranges ? ranges.first[p] : 0;
    const count = ranges ? ranges.count[p] : durations.length;
    const bin = (ranges?.periodBins ? durations[first] : minDuration) / oversample;
    const m = Math.ceil(period / bin);
    const nBins = m + oversample;
    for (let i = 0; i < n; i++) {
      const x = time[i] - minT;
      ind[i] = Math.trunc((x - period * Math.floor(x / period)) / bin) + 1;
    }
    let best = -Infinity;
    for (const d of durations.subarray(first, first + count)) {
      const dur = Math.round(d / bin);
      for (let start = 0; start <= nBins - dur; start++) {
        let yIn = 0;
        let ivarIn = 0;
        for (let i = 0; i < n; i++) {
          const c = timesCounted(ind[i], m, oversample, start + 1, start + dur);
          if (c > 0) {
            yIn += c * y[i] * ivar[i];
            ivarIn += c * ivar[i];
          }
        }
        const ivarOut = sumIvar - ivarIn;
        if (ivarIn < Number.EPSILON || ivarOut < Number.EPSILON) continue;
        const yInMean = yIn / ivarIn;
        const yOutMean = (sumY - yIn) / ivarOut;
        const depth = yOutMean - yInMean;
        const depthErr = Math.sqrt(1 / ivarIn + 1 / ivarOut);
        const logLikelihood = 0.5 * ivarIn * depth * depth;
        const objective = useLikelihood ? logLikelihood : depth / depthErr;
        if (depth >= 0 && objective > best) {
          best = objective;
          const duration = dur * bin;
          out.depth[p] = depth;
          out.depthErr[p] = depthErr;
          out.depthSnr[p] = depth / depthErr;
          out.logLikelihood[p] = logLikelihood;
          out.duration[p] = duration;
          out.transitTime[p] = (start * bin + 0.5 * duration + minT) % period;
        }
      }
    }
    out.power[p] = best;
  }
  return addReferenceTime(out, prepared.tRef);
}

export const slowBlsEngine: BlsEngine = {
  version: 'ts-slow-1',
  power: searchSlow,
};
