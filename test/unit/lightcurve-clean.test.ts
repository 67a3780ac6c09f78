/**
 * Cleaning, normalisation and stitching. Expected row counts were computed independently of this code
 * (numpy over the raw bytes, reading TIME/PDCSAP_FLUX/QUALITY at their fixed offsets 0/32/40 of the
 * 100-byte rows) with the rule: finite TIME, (QUALITY & bitmask) == 0, finite PDCSAP_FLUX > 0.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { caught } from '../helpers/fixtures.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { cleanLightCurve, readLightCurve, stitchLightCurves, type LightCurve, type RawLightCurve } from '../../src/lib/lightcurve/index.ts';

const read = (name: string) => readLightCurve(readFileSync(path.join(LIGHTCURVES, name)), name);
const WASP126_ALERTS = 'hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits';
const KEPLER90 = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];

function medianOf(values: ArrayLike<number>): number {
  const s = Array.from(values).sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}


/** A small hand-made light curve for the rules that real files do not exercise. */
function synthetic(n: number, overrides: Partial<RawLightCurve> = {}): RawLightCurve {
  return {
    fileName: 'synthetic.fits',
    mission: 'TESS',
    targetId: 1,
    segment: { kind: 'sector', number: 7 },
    bjdRef: 2457000,
    cadenceDays: 0.1,
    fluxColumn: 'PDCSAP_FLUX',
    time: Float64Array.from({ length: n }, (_, i) => 1000 + 0.1 * i),
    flux: Float64Array.from({ length: n }, (_, i) => 200 + (i % 5)),
    fluxErr: new Float64Array(n).fill(2),
    quality: new Int32Array(n),
    ...overrides,
  };
}

describe('cleaning the WASP-126 tess-data-alerts file (gaps marked by flux 0)', () => {
  const raw = read(WASP126_ALERTS);

  it('with the default TESS bitmask 17087 keeps 18103 of 20076 rows', () => {
    const lc = cleanLightCurve(raw);
    expect(lc.nRaw).toBe(20076);
    expect(lc.time).toHaveLength(18103);
    expect(lc.cleaning).toEqual({ qualityBitmask: 17087, dropped: { time: 815, quality: 1158, flux: 0 }, fluxErrFilled: 0 });
    expect(lc.segments).toEqual(['S1']);
    expect(lc.mission).toBe('TESS');
    expect(lc.targetId).toBe(25155310);
  });

  it("with lightkurve ≤ 2.5.0's 175 keeps one row more", () => {
    expect(cleanLightCurve(raw, { qualityMask: 175 }).time).toHaveLength(18104);
  });

  it('with no quality mask, removes the 1138 rows of flux 0 that have a time', () => {
    const lc = cleanLightCurve(raw, { qualityMask: 'none' });
    expect(lc.cleaning.dropped).toEqual({ time: 815, quality: 0, flux: 1138 });
    expect(lc.time).toHaveLength(18123);
    expect(lc.flux.every((f) => Number.isFinite(f) && f > 0)).toBe(true);
    expect(lc.time.every(Number.isFinite)).toBe(true);
  });

  it('normalises by the median flux (9262.914 e-/s)', () => {
    const lc = cleanLightCurve(raw);
    expect(medianOf(lc.flux)).toBeCloseTo(1, 12);
    const i = raw.time.findIndex((t, k) => Number.isFinite(t) && raw.quality[k] === 0 && raw.flux[k] > 0);
    expect(raw.flux[i] / lc.flux[lc.time.indexOf(raw.time[i])]).toBeCloseTo(9262.9140625, 6);
    expect(raw.fluxErr![i] / lc.fluxErr![lc.time.indexOf(raw.time[i])]).toBeCloseTo(9262.9140625, 6);
  });

  it('shows the known transit of WASP-126 b about 0.7% deep (TOI-114.01: 1327.52 + n·3.2888 BTJD)', () => {
    const lc = cleanLightCurve(raw);
    const [t0, period] = [2458327.519958 - 2457000, 3.2887898];
    const inTransit: number[] = [];
    const outOfTransit: number[] = [];
    lc.time.forEach((t, i) => {
      const phase = Math.abs(((t - t0 + period / 2) % period) - period / 2);
      if (phase < 0.04) inTransit.push(lc.flux[i]); // central part of the 3.44 h transit
      else if (phase > 0.15 && phase < 0.5) outOfTransit.push(lc.flux[i]);
    });
    expect(inTransit.length).toBeGreaterThan(300);
    const depth = medianOf(outOfTransit) - medianOf(inTransit);
    expect(depth).toBeGreaterThan(0.006);
    expect(depth).toBeLessThan(0.008);
  });
});

describe('cleaning a Kepler file (Kepler-90 Q3)', () => {
  const raw = read(KEPLER90[0]);

  it('applies the Kepler bitmasks to SAP_QUALITY', () => {
    const lc = cleanLightCurve(raw);
    expect(lc.cleaning).toEqual({ qualityBitmask: 1130799, dropped: { time: 142, quality: 88, flux: 6 }, fluxErrFilled: 0 });
    expect(lc.time).toHaveLength(4134);
    expect(cleanLightCurve(raw, { qualityMask: 'hard' }).time).toHaveLength(3898);
    expect(cleanLightCurve(raw, { qualityMask: 'hardest' }).time).toHaveLength(3835);
    expect(cleanLightCurve(raw, { qualityMask: 'hard' }).cleaning.qualityBitmask).toBe(1664431);
  });

  it('normalises by the median PDCSAP flux (39939.18 e-/s) and keeps time ascending', () => {
    const lc = cleanLightCurve(raw);
    expect(medianOf(lc.flux)).toBeCloseTo(1, 12);
    const i = raw.time.findIndex((t, k) => Number.isFinite(t) && raw.quality[k] === 0 && raw.flux[k] > 0);
    expect(i).toBeGreaterThan(0); // the first row has NaN flux
    expect(raw.flux[i] / lc.flux[0]).toBeCloseTo(39939.177734375, 5);
    for (let i = 1; i < lc.time.length; i++) expect(lc.time[i]).toBeGreaterThan(lc.time[i - 1]);
  });
});

describe('cleaning rules', () => {
  it('refuses fewer than 100 usable points with the counts (π Men 100-cadence cut: 99 usable)', () => {
    const err = caught(() => cleanLightCurve(read('test-lc-tess-pimen-100-cadences.fits')));
    expect(err.name).toBe('too-few-points');
    expect(err.message).toContain('test-lc-tess-pimen-100-cadences.fits: only 99 of 100 rows are usable');
    expect(err.message).toContain('1 quality-flagged with bitmask 17087');
    expect(cleanLightCurve(read('test-lc-tess-pimen-100-cadences.fits'), { minPoints: 99 }).time).toHaveLength(99);
  });

  it('fills a few missing flux errors with the median error and drops errors when none is usable', () => {
    const fluxErr = new Float64Array(120).fill(2);
    fluxErr[3] = Number.NaN;
    fluxErr[4] = 0;
    fluxErr[5] = Number.POSITIVE_INFINITY;
    const lc = cleanLightCurve(synthetic(120, { fluxErr }));
    expect(lc.cleaning.fluxErrFilled).toBe(3);
    expect(lc.time).toHaveLength(120);
    const level = 202; // median of 200 + (i % 5) over 120 rows
    expect(Array.from(lc.fluxErr!.subarray(2, 7))).toEqual(new Array(5).fill(2 / level));
    expect(cleanLightCurve(synthetic(120, { fluxErr: new Float64Array(120).fill(Number.NaN) })).fluxErr).toBeNull();
    expect(cleanLightCurve(synthetic(120, { fluxErr: null })).fluxErr).toBeNull();
  });

  it('sorts rows that arrive out of time order, carrying flux and errors along', () => {
    const raw = synthetic(150);
    raw.time.reverse();
    const lc = cleanLightCurve(raw);
    expect(lc.time[0]).toBeCloseTo(1000, 12);
    expect(lc.flux[0] * 202).toBeCloseTo(200 + (149 % 5), 9);
    for (let i = 1; i < lc.time.length; i++) expect(lc.time[i]).toBeGreaterThan(lc.time[i - 1]);
  });

  it('refuses an invalid quality mask', () => {
    expect(caught(() => cleanLightCurve(synthetic(120), { qualityMask: -1 })).name).toBe('invalid-settings');
    expect(caught(() => cleanLightCurve(synthetic(120), { qualityMask: 'soft' as 'hard' })).name).toBe('invalid-settings');
  });
});

describe('stitching', () => {
  const quarters = KEPLER90.map((f) => cleanLightCurve(read(f)));

  it('joins the three Kepler-90 quarters in time order, whatever order they come in', () => {
    const lc = stitchLightCurves([quarters[2], quarters[0], quarters[1]]);
    expect(lc.segments).toEqual(['Q3', 'Q4', 'Q5']);
    expect(lc.time).toHaveLength(4134 + 1008 + 4486);
    expect(lc.nRaw).toBe(4370 + 1021 + 4634);
    // Inside the README's raw ranges (260.22–349.50 … 443.49–538.16 BKJD), from the first Q3 point to the last Q5 one.
    expect(lc.time[0]).toBe(quarters[0].time[0]);
    expect(lc.time[0]).toBeGreaterThanOrEqual(260.22);
    expect(lc.time[0]).toBeLessThan(260.3);
    expect(lc.time[lc.time.length - 1]).toBe(quarters[2].time[quarters[2].time.length - 1]);
    expect(lc.time[lc.time.length - 1]).toBeCloseTo(538.16, 2);
    for (let i = 1; i < lc.time.length; i++) expect(lc.time[i]).toBeGreaterThan(lc.time[i - 1]);
    expect(lc.fluxErr).toHaveLength(lc.time.length);
    expect(lc.mission).toBe('Kepler');
    expect(lc.targetId).toBe(11442793);
    expect(lc.bjdRef).toBe(2454833);
    expect(lc.cleaning.dropped).toEqual({ time: 142 + 0 + 96, quality: 88 + 10 + 46, flux: 6 + 3 + 6 });
  });

  it('keeps each quarter at its own median of 1 (no jumps between quarters)', () => {
    const lc = stitchLightCurves(quarters);
    const q4 = lc.flux.filter((_, i) => lc.time[i] > 350 && lc.time[i] < 380);
    const q5 = lc.flux.filter((_, i) => lc.time[i] > 440);
    expect(q4).toHaveLength(1008);
    expect(medianOf(q4)).toBeCloseTo(1, 12);
    expect(medianOf(q5)).toBeCloseTo(1, 12);
  });

  it('refuses mixed missions, time references or stars, and an empty list', () => {
    const tess = cleanLightCurve(read(WASP126_ALERTS));
    expect(caught(() => stitchLightCurves([quarters[0], tess])).message).toContain('missions Kepler and TESS');
    const shifted: LightCurve = { ...quarters[1], bjdRef: 2457000 };
    expect(caught(() => stitchLightCurves([quarters[0], shifted])).message).toContain('time references');
    const k2 = cleanLightCurve(read('ktwo211495446-c05_llc.fits'));
    expect(caught(() => stitchLightCurves([k2, { ...k2, targetId: 211436265 }])).message).toContain('targets 211495446 and 211436265');
    for (const err of [caught(() => stitchLightCurves([quarters[0], tess])), caught(() => stitchLightCurves([]))]) expect(err.name).toBe('invalid-input');
  });

  it('drops flux errors when one part has none', () => {
    const withoutErr: LightCurve = { ...quarters[1], fluxErr: null };
    expect(stitchLightCurves([quarters[0], withoutErr]).fluxErr).toBeNull();
  });
});
