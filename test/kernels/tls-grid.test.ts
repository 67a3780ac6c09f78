// TLS grids and templates against transitleastsquares 1.0.31 (../shared/reference/tls), and the
// Mandel & Agol flux against a direct numerical integral over the planet's disk.
import { describe, expect, it } from 'vitest';
import { BOX_TEMPLATE, DEFAULT_TEMPLATE } from '../../src/lib/search/tls/constants.ts';
import { durationGrid, periodGrid } from '../../src/lib/search/tls/grid.ts';
import { ellipticK, ellipticPi, quadraticFlux } from '../../src/lib/search/tls/occultation.ts';
import { templateCache } from '../../src/lib/search/tls/template.ts';
import { referenceDurationGrid, referenceInput, referencePeriodGrid, referenceTemplates, TLS_CASES, templateOf } from './tls-reference.ts';

function span(time: Float64Array): number {
  return Math.max(...time) - Math.min(...time);
}

describe('TLS period and duration grids', () => {
  it.each(TLS_CASES)('%s: same periods (descending) to 1e-9 relative and the same durations', (name) => {
    const { time } = referenceInput(name);
    const ref = referencePeriodGrid(name);
    const grid = periodGrid({ rStar: 1, mStar: 1, timeSpan: span(time), periodMin: 0, periodMax: Infinity, oversamplingFactor: 3, nTransitsMin: 2 });
    expect(grid.length).toBe(ref.length);
    let worst = 0;
    ref.forEach((p, i) => (worst = Math.max(worst, Math.abs(grid[i] - p) / p)));
    expect(worst).toBeLessThan(1e-9);
    const durations = durationGrid(grid, 1.1);
    const refDurations = referenceDurationGrid(name);
    expect(durations.length).toBe(refDurations.length);
    refDurations.forEach((d, i) => expect(Math.abs(durations[i] - d.duration) / d.duration).toBeLessThan(1e-12));
  });

  it('falls back to R = M = 1 with oversampling 2 when the star gives fewer than 100 periods', () => {
    const narrow = periodGrid({ rStar: 1, mStar: 1, timeSpan: 30, periodMin: 9.9, periodMax: 10, oversamplingFactor: 3, nTransitsMin: 2 });
    const fallback = periodGrid({ rStar: 1, mStar: 1, timeSpan: 30, periodMin: 0, periodMax: Infinity, oversamplingFactor: 2, nTransitsMin: 2 });
    expect(Array.from(narrow)).toEqual(Array.from(fallback));
  });
});

describe('TLS templates', () => {
  it.each(TLS_CASES)('%s: widths, overshoots and template samples as the package cached them', (name) => {
    const ref = referenceTemplates(name);
    const n = referenceInput(name).time.length;
    const cache = templateCache(
      ref.rows.map((r) => r.duration),
      n,
      templateOf(name) === 'box' ? BOX_TEMPLATE : DEFAULT_TEMPLATE,
    );
    expect(cache.maxWidthInSamples).toBe(ref.maxwidth_in_samples);
    ref.rows.forEach((row, i) => {
      const mine = cache.rows[i];
      expect(mine.widthInSamples).toBe(row.width_in_samples);
      expect(mine.signal.length).toBe(row.signal.length);
      expect(Math.abs(mine.overshoot - row.overshoot) / row.overshoot).toBeLessThan(1e-11);
      let worst = 0;
      row.signal.forEach((v, j) => (worst = Math.max(worst, Math.abs(mine.signal[j] - v))));
      expect(worst).toBeLessThan(1e-11);
    });
  });
});

/** Limb-darkened flux blocked by the planet, integrated on a polar grid over the planet's disk. */
function numericFlux(p: number, z: number, u1: number, u2: number): number {
  const nr = 600;
  const nphi = 1200;
  let blocked = 0;
  for (let i = 0; i < nr; i++) {
    const rho = ((i + 0.5) / nr) * p;
    for (let k = 0; k < nphi; k++) {
      const phi = ((k + 0.5) / nphi) * 2 * Math.PI;
      const x = z + rho * Math.cos(phi);
      const y = rho * Math.sin(phi);
      const r2 = x * x + y * y;
      if (r2 >= 1) continue;
      const mu = Math.sqrt(1 - r2);
      blocked += (1 - u1 * (1 - mu) - u2 * (1 - mu) ** 2) * rho;
    }
  }
  blocked *= (p / nr) * ((2 * Math.PI) / nphi);
  return 1 - blocked / (Math.PI * (1 - u1 / 3 - u2 / 6));
}

describe('Mandel & Agol quadratic limb darkening', () => {
  const [u1, u2] = DEFAULT_TEMPLATE.u;
  it.each([
    [0.1, 0],
    [0.1, 0.05],
    [0.1, 0.1],
    [0.1, 0.5],
    [0.1, 0.93],
    [0.1, 1.02],
    [0.03, 0.5],
    [0.6, 0.3],
    [0.6, 0.5],
    [0.6, 0.7],
  ])('p = %f, z = %f agrees with a numerical integral to 2e-4 of the depth', (p, z) => {
    const exact = quadraticFlux(p, z, u1, u2);
    const numeric = numericFlux(p, z, u1, u2);
    expect(Math.abs(exact - numeric)).toBeLessThan(2e-4 * (1 - numeric));
  });

  it('is 1 off the disk, 1 - p² for a uniform disk inside, and continuous at z = p and z = 1 - p', () => {
    expect(quadraticFlux(0.1, 1.1, u1, u2)).toBe(1);
    expect(quadraticFlux(0.1, 0.5, 0, 0)).toBeCloseTo(0.99, 14);
    for (const z of [0.1, 0.9]) {
      expect(Math.abs(quadraticFlux(0.1, z, u1, u2) - quadraticFlux(0.1, z + 1e-9, u1, u2))).toBeLessThan(1e-7);
    }
  });

  it('Bulirsch Π(0, k) equals K(k)', () => {
    for (const k of [0.1, 0.5, 0.9]) expect(ellipticPi(0, k)).toBeCloseTo(ellipticK(k), 7);
  });
});
