/**
 * Light curves without transits made from real ones (shared by scripts/calibrate-fap.mts, the
 * recovery test and bench/bls-recovery.bench.ts): the known transits are cut out, then a block
 * bootstrap reorders the remaining flux in blocks of consecutive cadences and lays it back on the
 * original time stamps. Noise on timescales shorter than a block (white noise, red noise, the
 * detrending's residue) keeps its character; any periodicity longer than a block loses its phase.
 */
import type { BlsInput } from '../../src/lib/search/bls-types.ts';
import { filterPoints } from '../../src/lib/search/numeric.ts';

/** A known transit signal to cut out: period and mid-transit time in the light curve's days, duration in days. */
export interface KnownSignal {
  period: number;
  transitTime: number;
  duration: number;
}

/** The input without the points within `margin` + one duration of any known transit (twice the box, plus a margin). */
export function maskKnown(input: BlsInput, known: KnownSignal[], margin = 0.1): BlsInput {
  return filterPoints(input, (i) =>
    known.every(({ period, transitTime, duration }) => {
      const x = (input.time[i] - transitTime) / period;
      return Math.abs((x - Math.round(x)) * period) >= duration + margin;
    }),
  );
}

/**
 * One bootstrap light curve: the flux (and its errors) cut into blocks of `blockDays` worth of
 * consecutive cadences, the blocks drawn in a random order (a permutation, so every point is used
 * once) and laid on the time stamps in sequence. `rand` is a seeded uniform generator.
 */
export function blockBootstrap(input: BlsInput, cadence: number, blockDays: number, rand: () => number): BlsInput {
  const n = input.time.length;
  const size = Math.max(2, Math.round(blockDays / cadence));
  const blocks: number[] = [];
  for (let start = 0; start < n; start += size) blocks.push(start);
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
  }
  const flux = new Float64Array(n);
  const fluxErr = input.fluxErr ? new Float64Array(n) : null;
  let at = 0;
  for (const start of blocks) {
    const end = Math.min(n, start + size);
    flux.set(input.flux.subarray(start, end), at);
    if (fluxErr && input.fluxErr) fluxErr.set(input.fluxErr.subarray(start, end), at);
    at += end - start;
  }
  return { time: input.time, flux, fluxErr };
}
