import { describe, expect, it } from 'vitest';
import { biweightLocation, biweightTrend, quickMedian, savgolFilter, savgolTrend, segmentsByGap } from '../../src/lib/lightcurve/detrend.ts';
import { outlierMask } from '../../src/lib/lightcurve/outliers.ts';
import { gaussian, mulberry32 } from '../helpers/random.ts';

const range = (n: number, step: number, start = 0) => Float64Array.from({ length: n }, (_, i) => start + i * step);

describe('quickMedian', () => {
  it('agrees with the sorted median for odd and even counts, with ties', () => {
    const rand = mulberry32(3);
    for (const n of [1, 2, 5, 8, 101, 1000]) {
      const values = Float64Array.from({ length: n }, () => Math.round(rand() * 20));
      const sorted = Float64Array.from(values).sort();
      const expected = n % 2 ? sorted[n >> 1] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
      expect(quickMedian(Float64Array.from(values), n)).toBe(expected);
    }
  });
});

describe('biweight', () => {
  it('ignores a far outlier that moves the mean (Tukey: weight 0 beyond c·MAD)', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 1000]);
    // MAD = 1.5 around the median 3.5, so 1000 is far beyond 5·MAD; the rest are symmetric about 3.
    expect(biweightLocation(values, 6, new Float64Array(6))).toBeCloseTo(3, 6);
  });

  it('follows slow variability and leaves a transit shorter than the window in the residuals', () => {
    const rand = gaussian(mulberry32(11));
    const time = range(2000, 20 / 1440); // 20-minute cadence, 27.8 d
    const inTransit = (t: number) => Math.abs(((t - 1.3) % 3) - 0.1) < 0.1; // 0.2-d transits every 3 d
    const trendTrue = time.map((t) => 1 + 0.003 * Math.sin((2 * Math.PI * t) / 5));
    const flux = trendTrue.map((v, i) => v * (1 + 1e-3 * rand() - (inTransit(time[i]) ? 0.01 : 0)));
    const trend = biweightTrend(time, flux, 1);
    let worst = 0;
    const depths: number[] = [];
    for (let i = 0; i < time.length; i++) {
      if (inTransit(time[i])) depths.push(1 - flux[i] / trend[i]);
      // At the ends the window is one-sided, so a slope biases the trend (wotan offers edge_cutoff for that).
      else if (time[i] > 0.5 && time[i] < time[time.length - 1] - 0.5) worst = Math.max(worst, Math.abs(trend[i] / trendTrue[i] - 1));
    }
    // 72 points per window with σ = 1e-3: the location scatters by ~1.5e-4 (up to ~5e-4 over the
    // whole curve); the transits (10σ, beyond 5·MAD) get zero weight, which makes a window next to
    // one lopsided in time, worth slope × 0.1 d ≈ 4e-4. (A much steeper trend widens the MAD until
    // the transit is inside 5·MAD and drags the trend down.) Left undetrended it would be 3e-3.
    expect(worst).toBeLessThan(1e-3);
    const meanDepth = depths.reduce((a, b) => a + b, 0) / depths.length;
    expect(meanDepth).toBeGreaterThan(0.0095);
    expect(meanDepth).toBeLessThan(0.0105);
  });

  it('restarts at gaps longer than 0.5 d, so a jump across a gap does not leak into the other side', () => {
    const time = Float64Array.from([...range(200, 0.01), ...range(200, 0.01, 5)]);
    const flux = time.map((t) => (t < 4 ? 1 : 1.1));
    const trend = biweightTrend(time, flux, 1);
    expect(trend[199]).toBe(1);
    expect(trend[200]).toBeCloseTo(1.1, 12);
    expect(segmentsByGap(time, 0.5)).toEqual([[0, 200], [200, 400]]);
  });
});

describe('Savitzky–Golay (lightkurve flatten defaults)', () => {
  it('reproduces a quadratic exactly, edges included (polyorder 2, mode interp)', () => {
    const y = Float64Array.from({ length: 50 }, (_, i) => 3 - 0.2 * i + 0.01 * i * i);
    const out = savgolFilter(y, 11, 2);
    for (let i = 0; i < y.length; i++) expect(out[i]).toBeCloseTo(y[i], 10);
  });

  it('has the textbook 5-point quadratic weights (−3, 12, 17, 12, −3)/35 inside', () => {
    const y = new Float64Array(9);
    y[4] = 35;
    const out = savgolFilter(y, 5, 2);
    expect(Array.from(out.subarray(2, 7)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([-3, 12, 17, 12, -3]);
  });

  it('clips a deep dip out of the trend so the flattened dip keeps its depth', () => {
    const rand = gaussian(mulberry32(5));
    const time = range(3000, 2 / 1440);
    const flux = time.map((t) => 1 + 1e-4 * rand() + (Math.abs(t - 2) < 0.02 ? -0.01 : 0));
    const trend = savgolTrend(time, flux, { window: 301 });
    const at = Math.round(2 / (2 / 1440));
    expect(1 - flux[at] / trend[at]).toBeGreaterThan(0.0095);
  });
});

describe('outliers', () => {
  it('removes only high points by default, so transit points survive', () => {
    const rand = gaussian(mulberry32(9));
    const flux = Float64Array.from({ length: 1000 }, () => 1 + 1e-3 * rand());
    flux[100] = 1.02;
    flux[200] = 0.98;
    const keep = outlierMask(flux, { upper: 5, lower: null });
    expect(keep[100]).toBe(0);
    expect(keep[200]).toBe(1);
    expect(keep.reduce((a, b) => a + b, 0)).toBe(999);
    expect(outlierMask(flux, { upper: 5, lower: 5 })[200]).toBe(0);
  });
});
