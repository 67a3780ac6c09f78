import { describe, expect, it } from 'vitest';
import { computeStats, pyMod } from '../../src/lib/search/bls-stats.ts';

/**
 * Hand-computed case: 0.1-d cadence over 10 d, unit weights, flux 1 except 0.99 within 0.15 d of
 * t = 1 + 2k (period 2, duration 0.3: three points per transit, k = 0 … 4).
 */
function boxCurve(secondaryDepth = 0) {
  const time = Float64Array.from({ length: 100 }, (_, i) => i * 0.1);
  const flux = time.map((t) => {
    const phase = pyMod(t - 1 + 1, 2) - 1;
    if (Math.abs(phase) < 0.15) return 0.99;
    if (Math.abs(pyMod(t - 1, 2) - 1) < 0.15) return 1 - secondaryDepth;
    return 1;
  });
  return { time, flux, fluxErr: null };
}

describe('computeStats, hand-computed', () => {
  it('fiducial, odd and even depths of a clean box', () => {
    const s = computeStats(boxCurve(), 2, 0.3, 1);
    // 15 points in transit, 85 out; unit weights.
    expect(s.depth[0]).toBeCloseTo(0.01, 14);
    expect(s.depth[1]).toBeCloseTo(Math.sqrt(1 / 15 + 1 / 85), 14);
    // Odd transits (t0 + (2k+1)P: t = 3, 7) hold 6 points, even ones (t = 1, 5, 9) 9.
    expect(s.depthOdd[0]).toBeCloseTo(0.01, 14);
    expect(s.depthOdd[1]).toBeCloseTo(Math.sqrt(1 / 6 + 1 / 85), 14);
    expect(s.depthEven[1]).toBeCloseTo(Math.sqrt(1 / 9 + 1 / 85), 14);
    expect(s.transitTimes).toEqual([1, 3, 5, 7, 9]);
    expect(s.perTransitCount).toEqual([3, 3, 3, 3, 3]);
    // −½·Σ[(y − y_in)² − (y − y_out)²] = ½ · 3 · 0.01² per transit.
    for (const ll of s.perTransitLogLikelihood) expect(ll).toBeCloseTo(1.5e-4, 12);
  });

  it('secondary eclipse and half-period depths', () => {
    const s = computeStats(boxCurve(0.004), 2, 0.3, 1);
    // Phase-0.5 box (t = 0.0, 0.1, then three at each of t = 2, 4, 6, 8, then 9.9: 15 points) against the 70 points outside both boxes.
    expect(s.depthPhased[0]).toBeCloseTo(0.004, 14);
    expect(s.depthPhased[1]).toBeCloseTo(Math.sqrt(1 / 15 + 1 / 70), 14);
    // Period 1: both boxes are "in" (15 at 0.99, 15 at 0.996), 70 out at 1.
    expect(s.depthHalf[0]).toBeCloseTo(1 - (15 * 0.99 + 15 * 0.996) / 30, 14);
    expect(s.depthHalf[1]).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 70), 14);
  });

  it('a pure sinusoid prefers the harmonic model and recovers its amplitude', () => {
    const time = Float64Array.from({ length: 400 }, (_, i) => i * 0.05);
    const flux = time.map((t) => 1 + 0.003 * Math.sin((2 * Math.PI * t) / 2.5 + 0.4));
    const s = computeStats({ time, flux, fluxErr: null }, 2.5, 0.3, 1.2);
    expect(s.harmonicAmplitude).toBeCloseTo(0.003, 12);
    expect(s.harmonicDeltaLogLikelihood).toBeGreaterThan(0);
  });

  it('an empty in-transit mask gives (0, ∞) and no transits', () => {
    const time = Float64Array.from({ length: 10 }, (_, i) => i * 0.1);
    const s = computeStats({ time, flux: new Float64Array(10).fill(1), fluxErr: null }, 5, 0.01, 3);
    expect(s.depth).toEqual([0, Infinity]);
    expect(s.transitTimes).toEqual([]);
  });
});
