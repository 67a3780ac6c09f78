import { describe, expect, it } from 'vitest';
import { logRange, logTicks, panRange, tickLabel, wheelFactor, zoomRange } from '../../src/lib/views/plot-scale.ts';

describe('zooming and panning an axis range', () => {
  it('zooms a linear range about a point that stays where it is on screen', () => {
    const [min, max] = zoomRange([0, 100], 0.5, 0.2);
    expect([min, max]).toEqual([10, 60]);
    // The pivot (20) is still a fifth of the way across.
    expect((20 - min) / (max - min)).toBeCloseTo(0.2, 12);
    expect(zoomRange([0, 100], 2)).toEqual([-50, 150]);
  });

  it('zooms and pans a log range in decades', () => {
    const [min, max] = zoomRange([1, 100], 0.5, 0.5, true);
    expect(min).toBeCloseTo(10 ** 0.5, 12);
    expect(max).toBeCloseTo(10 ** 1.5, 12);
    const [a, b] = panRange([1, 100], 0.5, true);
    expect(a).toBeCloseTo(10, 12);
    expect(b).toBeCloseTo(1000, 12);
    // A log range never reaches zero or below, however far it is panned.
    const [c] = panRange([0.001, 0.01], -5, true);
    expect(c).toBeGreaterThan(0);
  });

  it('pans a linear range by a fraction of its width', () => {
    expect(panRange([10, 20], 0.25)).toEqual([12.5, 22.5]);
    expect(panRange([10, 20], -1)).toEqual([0, 10]);
  });

  it('turns a wheel notch into a bounded zoom factor, in or out by its sign', () => {
    expect(wheelFactor(100)).toBeCloseTo(Math.exp(0.2), 12);
    expect(wheelFactor(-100)).toBeCloseTo(Math.exp(-0.2), 12);
    // Lines (Firefox) count as 16 px; a huge delta is capped at a factor e.
    expect(wheelFactor(3, 1)).toBeCloseTo(Math.exp(0.096), 12);
    expect(wheelFactor(1e6)).toBeCloseTo(Math.E, 12);
  });
});

describe('the range of a log axis', () => {
  it('widens by a fraction of its decades on each side, so that dots at the ends are whole', () => {
    const [lo, hi] = logRange(0.1, 1000, 0.02);
    // four decades: 0.08 of a decade on each side
    expect(Math.log10(lo)).toBeCloseTo(-1.08, 12);
    expect(Math.log10(hi)).toBeCloseTo(3.08, 12);
    expect(logRange(0.1, 1000, 0)).toEqual([0.1, 1000]);
  });

  it('gives a single value half a decade each side, and leaves a range it cannot take the log of alone', () => {
    const [lo, hi] = logRange(5, 5, 0.02);
    expect(Math.log10(5 / lo)).toBeCloseTo(0.5, 12);
    expect(Math.log10(hi / 5)).toBeCloseTo(0.5, 12);
    expect(logRange(0, 10, 0.02)).toEqual([0, 10]);
  });
});

describe('the ticks of a log axis', () => {
  it('labels small decades by their value, never as 0 (the overview\'s bls_depth axis showed "0" for 0.0001)', () => {
    const ticks = logTicks(1e-4, 0.1);
    expect(ticks).toEqual([1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1]);
    expect(ticks.map(tickLabel)).toEqual(['0.0001', '0.0003', '0.001', '0.003', '0.01', '0.03', '0.1']);
    expect(tickLabel(1e-7)).toBe('1e-7');
    expect(tickLabel(123456)).toBe('123460');
  });

  it('has only positive ticks, and none for a range that reaches 0 or below', () => {
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(-5, 10)).toEqual([]);
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    for (const [lo, hi] of [[3e-9, 2e-3], [0.59, 3.3], [12, 125], [1e-3, 1e6]]) {
      const t = logTicks(lo, hi);
      expect(t.length).toBeGreaterThan(1);
      expect(t.every((v) => v > 0 && v >= lo && v <= hi)).toBe(true);
    }
  });
});
