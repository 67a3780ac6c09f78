import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { autoperiod, gridSize, lightkurveDefaults } from '../../src/lib/search/grid.ts';

describe('autoperiod (astropy core.py)', () => {
  it('baseline 10 d, durations 0.1 and 0.2 d: 2301 periods from 0.4 to 5 d', () => {
    // df = 0.1 / 10² = 0.001; min = 2·0.2 = 0.4 (f 2.5); max = 10 / (3 − 1) = 5 (f 0.2);
    // nf = 1 + round(2.3 / 0.001) = 2301.
    const options = { baseline: 10, durations: [0.1, 0.2] };
    const p = autoperiod(options);
    expect(p.length).toBe(2301);
    expect(gridSize(options)).toBe(2301);
    expect(p[0]).toBeCloseTo(0.4, 12);
    expect(p[1]).toBeCloseTo(1 / 2.499, 12);
    expect(p[2300]).toBeCloseTo(5, 9);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThan(p[i - 1]);
  });

  it('uses baseline / (minimumNTransit − 1) for the default maximum', () => {
    // max = 10 / 4 = 2.5 (f 0.4): nf = 1 + round(2.1 / 0.001) = 2101.
    const p = autoperiod({ baseline: 10, durations: [0.1, 0.2], minimumNTransit: 5 });
    expect(p.length).toBe(2101);
    expect(p[2100]).toBeCloseTo(2.5, 9);
  });

  it('swaps a minimum above the maximum', () => {
    // min 2 (f 0.5), max 6 (f 1/6): nf = 1 + round((1/3) / 0.001) = 334; last 1 / (0.5 − 0.333).
    const p = autoperiod({ baseline: 10, durations: [0.1], minimumPeriod: 6, maximumPeriod: 2 });
    expect(p.length).toBe(334);
    expect(p[0]).toBeCloseTo(2, 12);
    expect(p[333]).toBeCloseTo(1 / 0.167, 9);
  });

  it('rounds half to even like numpy', () => {
    // df = 1 · 0.2 / 1² = 0.2; (1/1 − 1/2) / 0.2 = 2.5 → 2 (numpy), so 3 periods: 1, 1/0.8, 1/0.6.
    const p = autoperiod({ baseline: 1, durations: [0.2], minimumPeriod: 1, maximumPeriod: 2 });
    expect(Array.from(p)).toEqual([1, 1 / 0.8, 1 / 0.6]);
  });

  it('applies frequencyFactor to the step', () => {
    expect(gridSize({ baseline: 10, durations: [0.1, 0.2], frequencyFactor: 10 })).toBe(1 + 230);
  });

  it('refuses bad arguments with invalid-input', () => {
    const bad = [
      { baseline: 0, durations: [0.1] },
      { baseline: 10, durations: [] },
      { baseline: 10, durations: [-0.1] },
      { baseline: 10, durations: [0.1], minimumNTransit: 1 },
      { baseline: 10, durations: [0.1], minimumPeriod: -1, maximumPeriod: 2 },
      { baseline: 10, durations: [0.1], frequencyFactor: 0 },
    ];
    for (const options of bad) {
      expect(() => autoperiod(options)).toThrow(AppError);
      try {
        gridSize(options);
      } catch (err) {
        expect((err as AppError).name).toBe('invalid-input');
      }
    }
  });
});

describe('lightkurveDefaults', () => {
  it('minimum period is max(duration) + median Δt when that is larger', () => {
    // Δt = 0.02, 0.02, 0.02, 0.04, 29.9 → median 0.02; min = max(0.08, 0.33 + 0.02); max = 30 / 3.
    const g = lightkurveDefaults(Float64Array.of(0, 0.02, 0.04, 0.06, 0.1, 30));
    expect(g.minimumPeriod).toBeCloseTo(0.35, 12);
    expect(g.maximumPeriod).toBeCloseTo(10, 12);
    expect(g.frequencyFactor).toBe(10);
    expect(g.baseline).toBe(30);
    expect(Array.from(g.durations)).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.33]);
  });

  it('minimum period is 4 · median Δt for sparse sampling', () => {
    // Δt = 0.25 (×3) and 29.25 → median 0.25; min = max(1.0, 0.58).
    const g = lightkurveDefaults(Float64Array.of(0, 0.25, 0.5, 0.75, 30));
    expect(g.minimumPeriod).toBe(1);
  });

  it('gives the documented 4,525 periods for one TESS sector at 2-minute cadence (27.88 d)', () => {
    // Hand: min 0.33 + 2/1440 = 0.33139 d, max 9.2933 d, df = 10 · 0.05 / 27.88² = 6.4325e-4 d⁻¹,
    // nf = 1 + round((3.01758 − 0.10760) / 6.4325e-4) = 1 + round(4523.9) = 4525.
    // 20,074 evenly spaced times over exactly 27.88 d: Δt = 27.88 / 20073 d ≈ 2 min.
    const n = 20074;
    const time = new Float64Array(n).map((_, i) => 1325 + (i * 27.88) / (n - 1));
    const g = lightkurveDefaults(time);
    expect(g.baseline).toBeCloseTo(27.88, 9);
    expect(g.minimumPeriod).toBeCloseTo(0.33 + 27.88 / 20073, 9);
    expect(gridSize(g)).toBe(4525);
    const p = autoperiod(g);
    expect(p[0]).toBeCloseTo(0.33139, 5);
    expect(p[p.length - 1]).toBeCloseTo(9.2933, 1);
  });

  it('needs two times', () => {
    expect(() => lightkurveDefaults(Float64Array.of(1))).toThrow(/at least 2/);
  });
});
