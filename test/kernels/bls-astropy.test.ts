/**
 * Parity with astropy 5.2.1's BoxLeastSquares (fast method) on the committed vectors of
 * test/fixtures/bls (make_vectors.py): the autoperiod grid, every result array, the peak index and
 * compute_stats at the peak.
 *
 * Measured: grids and all seven result arrays are bit-identical (relative difference 0) on every
 * case, for the debug and release kernels, SIMD and scalar; compute_stats depths, transit times,
 * counts and per-transit log likelihoods are bit-identical; the harmonic amplitude agrees to
 * < 5e-12 relative and the harmonic Δlog L to < 1e-12 relative (numpy's BLAS dot products and
 * LAPACK solve round differently from our sums). The tests assert exactly that, with a little room
 * on the two harmonic values.
 */
import { describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { computeStats } from '../../src/lib/search/bls-stats.ts';
import { bestPeak, type BlsEngine } from '../../src/lib/search/bls-types.ts';
import { autoperiod } from '../../src/lib/search/grid.ts';
import { astropyCases, RESULT_FIELDS, vectorIndex } from './astropy-vectors.ts';

const cases = astropyCases();
const engines: Record<string, BlsEngine> = {
  release: await createBlsEngine(await loadKernelBytes('release')),
  debug: await createBlsEngine(await loadKernelBytes('debug')),
  'release-scalar': await createBlsEngine(await loadKernelBytes('release'), { simd: false }),
};

function span(t: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of t) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

function expectClose(actual: number, expected: number, relative: number, label: string): void {
  expect(Math.abs(actual - expected), label).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-15);
}

describe('astropy reference vectors', () => {
  it('were made by astropy 5.2.1 and cover both objectives, dy and no dy, oversample 1 to 10, real data', () => {
    expect(vectorIndex.versions.astropy).toBe('5.2.1');
    expect(new Set(cases.map((c) => c.objective))).toEqual(new Set(['likelihood', 'snr']));
    expect(cases.some((c) => c.input.fluxErr === null)).toBe(true);
    expect(new Set(cases.map((c) => c.oversample))).toEqual(new Set([1, 3, 5, 7, 10]));
    expect(cases.filter((c) => c.source.endsWith('normalised by the median)')).length).toBe(3);
  });

  for (const c of cases) {
    describe(c.name, () => {
      it('autoperiod gives astropy\'s grid exactly', () => {
        const a = c.autoperiod;
        const periods = autoperiod({
          baseline: span(c.input.time),
          durations: c.durations,
          minimumPeriod: a.minimum_period,
          maximumPeriod: a.maximum_period,
          frequencyFactor: a.frequency_factor,
          minimumNTransit: a.minimum_n_transit,
        });
        expect(Array.from(periods)).toEqual(Array.from(c.result.period));
      });

      for (const [name, engine] of Object.entries(engines)) {
        it(`${name}: every result array bit-identical, same peak`, () => {
          const out = engine.power(c.input, {
            periods: c.result.period,
            durations: Float64Array.from(c.durations),
            objective: c.objective,
            oversample: c.oversample,
          });
          for (const f of RESULT_FIELDS) expect(out[f], f).toEqual(c.result[f]);
          expect(bestPeak(out).index).toBe(c.best_index);
        });
      }

      it('computeStats at the peak matches compute_stats', () => {
        const e = c.stats;
        const s = computeStats(c.input, e.period, e.duration, e.transit_time);
        expect(s.depth).toEqual(e.depth);
        expect(s.depthOdd).toEqual(e.depth_odd);
        expect(s.depthEven).toEqual(e.depth_even);
        expect(s.depthHalf).toEqual(e.depth_half);
        expect(s.depthPhased).toEqual(e.depth_phased);
        expect(s.transitTimes).toEqual(e.transit_times);
        expect(s.perTransitCount).toEqual(e.per_transit_count);
        expect(s.perTransitLogLikelihood).toEqual(e.per_transit_log_likelihood);
        expectClose(s.harmonicAmplitude, e.harmonic_amplitude, 1e-10, 'harmonicAmplitude');
        expectClose(s.harmonicDeltaLogLikelihood, e.harmonic_delta_log_likelihood, 1e-10, 'harmonicDeltaLogLikelihood');
      });
    });
  }
});
