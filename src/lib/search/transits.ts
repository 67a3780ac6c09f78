/**
 * The transits of a box signal one by one: which hold data, how deep each is, and whether the signal
 * rests on more than one of them (TLS's two-transit rule, with a test for a single deep event that
 * drags a periodic box along). Weights are the search's: 1/σ² from the flux errors, 1 without them.
 */
import type { BlsInput } from './bls-types.ts';

/** One transit epoch with in-transit data. */
export interface TransitMeasure {
  /** Epoch number n: mid-transit at transitTime + n · period. */
  epoch: number;
  time: number;
  /** Points inside the box. */
  count: number;
  /** Out-of-transit level minus this transit's weighted mean flux. */
  depth: number;
  depthErr: number;
  /** astropy's per-transit log likelihood: Σ −½·w·[(y − y_in)² − (y − y_out)²] with the signal's levels. */
  logLikelihood: number;
}

export interface TransitSet {
  /** Weighted mean flux outside every box, and its variance. */
  outLevel: number;
  outVariance: number;
  /** The signal's depth over all transits (out level minus the in-transit weighted mean). */
  depth: number;
  /** Epochs with at least one point in the box, in time order. */
  transits: TransitMeasure[];
}

const weights = (input: BlsInput) => (i: number) => (input.fluxErr ? 1 / (input.fluxErr[i] * input.fluxErr[i]) : 1);

/** Epoch of the transit nearest `t`, and the time from its middle. */
export function nearestEpoch(t: number, period: number, transitTime: number): { epoch: number; offset: number } {
  const epoch = Math.round((t - transitTime) / period);
  return { epoch, offset: t - (transitTime + epoch * period) };
}

/** Every transit of (period, transitTime, duration) that holds data; in-transit means |t − mid| < duration/2. */
export function measureTransits(input: BlsInput, period: number, transitTime: number, duration: number): TransitSet {
  const { time, flux } = input;
  const w = weights(input);
  const half = duration / 2;
  const groups = new Map<number, { w: number; wy: number; idx: number[] }>();
  let wOut = 0;
  let wyOut = 0;
  let wIn = 0;
  let wyIn = 0;
  for (let i = 0; i < time.length; i++) {
    const { epoch, offset } = nearestEpoch(time[i], period, transitTime);
    const wi = w(i);
    if (Math.abs(offset) < half) {
      let g = groups.get(epoch);
      if (!g) groups.set(epoch, (g = { w: 0, wy: 0, idx: [] }));
      g.w += wi;
      g.wy += wi * flux[i];
      g.idx.push(i);
      wIn += wi;
      wyIn += wi * flux[i];
    } else {
      wOut += wi;
      wyOut += wi * flux[i];
    }
  }
  const outLevel = wOut > 0 ? wyOut / wOut : Number.NaN;
  const outVariance = wOut > 0 ? 1 / wOut : Number.POSITIVE_INFINITY;
  const inLevel = wIn > 0 ? wyIn / wIn : Number.NaN;
  const transits = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([epoch, g]) => {
      let ll = 0;
      for (const i of g.idx) {
        const a = flux[i] - inLevel;
        const b = flux[i] - outLevel;
        ll += -0.5 * w(i) * (a * a - b * b);
      }
      return {
        epoch,
        time: transitTime + epoch * period,
        count: g.idx.length,
        depth: outLevel - g.wy / g.w,
        depthErr: Math.sqrt(1 / g.w + outVariance),
        logLikelihood: ll,
      };
    });
  return { outLevel, outVariance, depth: outLevel - inLevel, transits };
}

/** Why a peak is not reported. */
export type PeakRejection = 'too-few-transits' | 'one-transit-dominates';

export interface PeakVerdict {
  ok: boolean;
  reason?: PeakRejection;
  /** Distinct transits holding in-transit data. */
  nTransits: number;
  /** The transit that contributes most to the signal (largest log likelihood). */
  strongest: TransitMeasure | null;
  /** Depth of all the other transits together, and its uncertainty. */
  restDepth: number;
  restDepthErr: number;
}

/**
 * A rest shallower than the strongest transit by this many σ beyond what picking the largest of N
 * equal transits gives (√(2 ln N) σ), and less than half as deep, is not the same signal.
 */
export const DOMINANCE_SIGMA = 3;

/**
 * Is this box a periodic signal? It needs in-transit data in at least `minTransits` distinct transits
 * (TLS's rule) and must not rest on one of them: the other transits together must not be both
 * significantly (DOMINANCE_SIGMA, over the selection bias of the strongest of N) and substantially
 * (below half) shallower than the strongest. A single deep event whose other epochs fall on flat data
 * fails the second test; a planet's transits pass it.
 */
export function judgePeak(input: BlsInput, period: number, transitTime: number, duration: number, minTransits: number): PeakVerdict {
  const set = measureTransits(input, period, transitTime, duration);
  const { transits } = set;
  let strongest: TransitMeasure | null = null;
  for (const t of transits) if (!strongest || t.logLikelihood > strongest.logLikelihood) strongest = t;
  const rest = restDepth(input, period, transitTime, duration, strongest?.epoch, set.outLevel, set.outVariance);
  const verdict = { nTransits: transits.length, strongest, restDepth: rest.depth, restDepthErr: rest.depthErr };
  if (transits.length < minTransits) return { ok: false, reason: 'too-few-transits', ...verdict };
  if (strongest) {
    const gap = strongest.depth - rest.depth;
    const sigma = Math.hypot(strongest.depthErr, rest.depthErr);
    const threshold = DOMINANCE_SIGMA + Math.sqrt(2 * Math.log(transits.length));
    if (rest.depth < 0.5 * strongest.depth && gap > threshold * sigma) return { ok: false, reason: 'one-transit-dominates', ...verdict };
  }
  return { ok: true, ...verdict };
}

/** Depth of the in-transit points outside epoch `skip`, against the given out-of-transit level. */
function restDepth(input: BlsInput, period: number, transitTime: number, duration: number, skip: number | undefined, outLevel: number, outVariance: number) {
  const w = weights(input);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < input.time.length; i++) {
    const { epoch, offset } = nearestEpoch(input.time[i], period, transitTime);
    if (epoch === skip || !(Math.abs(offset) < duration / 2)) continue;
    sw += w(i);
    swy += w(i) * input.flux[i];
  }
  if (sw === 0) return { depth: Number.NaN, depthErr: Number.POSITIVE_INFINITY };
  return { depth: outLevel - swy / sw, depthErr: Math.sqrt(1 / sw + outVariance) };
}
