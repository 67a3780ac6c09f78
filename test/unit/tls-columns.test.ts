import { beforeAll, describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { createTlsEngine } from '../../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../src/lib/kernels/tls-node.ts';
import { analyzeFiles } from '../../src/lib/search/analyze.ts';
import { tlsStep } from '../../src/lib/search/tls-columns.ts';
import type { BlsEngine } from '../../src/lib/search/bls-types.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { summaryBytes } from '../../src/lib/search/summary/index.ts';
import { massFromLogg, tlsOptionsFor } from '../../src/lib/search/tls-columns.ts';
import type { TlsEngine } from '../../src/lib/search/tls/index.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';

const file = lightCurveFile;

const TOI101 = 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits';

describe('TLS in the per-target pipeline', () => {
  let bls: BlsEngine;
  let tls: TlsEngine;
  beforeAll(async () => {
    bls = await createBlsEngine(await loadKernelBytes('release'));
    tls = await createTlsEngine(await loadTlsKernelBytes('release'));
  });

  it('derives the mass from radius and log g (the Sun: R = 1, log g = 4.438 gives M = 1)', () => {
    expect(massFromLogg(1, 4.438)).toBeCloseTo(1, 12);
    // Twice the radius at the same gravity is four times the mass.
    expect(massFromLogg(2, 4.438)).toBeCloseTo(4, 12);
  });

  it('uses the star of the sample list and widens, never narrows, the package ranges', () => {
    const o = tlsOptionsFor({ radiusRsun: 5, logg: 4.438, ldU1: 0.3, ldU2: 0.2 }, DEFAULT_SEARCH_SETTINGS);
    expect(o).toMatchObject({ rStar: 5, rStarMin: 0.13, rStarMax: 5, mStar: 25, mStarMin: 0.1, mStarMax: 25 });
    expect(o.template).toMatchObject({ u: [0.3, 0.2], limbDark: 'quadratic' });
    expect(tlsOptionsFor(undefined, DEFAULT_SEARCH_SETTINGS)).toEqual({ maxSeconds: DEFAULT_SEARCH_SETTINGS.tlsMaxSeconds });
  });

  it('leaves the TLS columns empty when TLS is off', async () => {
    const r = await analyzeFiles([file(TOI101)], DEFAULT_SEARCH_SETTINGS, bls, { tls: tlsStep(tls) });
    expect(r.features.tls_period).toBeUndefined();
    expect(r.features.tls_error).toBeUndefined();
  });

  it('finds TOI-101.01 with TLS too, and reports the star it assumed', async () => {
    const settings = { ...DEFAULT_SEARCH_SETTINGS, runTls: true };
    const r = await analyzeFiles([file(TOI101)], settings, bls, { tls: tlsStep(tls) });
    expect(r.status).toBe('ok');
    const f = r.features;
    expect(f.tls_error).toBeUndefined();
    // TOI table: P = 1.4303699 d, depth 18961 ppm.
    expect(Math.abs((f.tls_period as number) / 1.4303699 - 1)).toBeLessThan(0.005);
    expect(f.tls_depth as number).toBeGreaterThan(0.012);
    expect(f.tls_depth as number).toBeLessThan(0.025);
    expect(f.tls_sde as number).toBeGreaterThan(9);
    expect(f.tls_transit_count as number).toBeGreaterThanOrEqual(15);
    expect(f).toMatchObject({ tls_r_star: 1, tls_m_star: 1 });
    // The plot summary carries the SDE spectrum and the TLS model, on the BLS fold (the same transit), within budget.
    const s = r.summary!.tls!;
    expect(s.spectrum.nPeriods).toBe(f.tls_n_periods);
    expect(Math.max(...s.spectrum.power)).toBeCloseTo(f.tls_sde as number, 4);
    expect(s.model!.onBlsFold).toBe(true);
    expect(Math.min(...s.model!.flux)).toBeLessThan(1 - 0.8 * (f.tls_depth as number));
    const bytes = summaryBytes(r.summary);
    console.info(`plot summary of TOI-101 with TLS: ${bytes} bytes (${s.spectrum.period.length} SDE spectrum points)`);
    expect(bytes).toBeLessThan(16_000);
  });

  it('says why TLS did not run when its time estimate is over the limit, and keeps the BLS result', async () => {
    const settings = { ...DEFAULT_SEARCH_SETTINGS, runTls: true, tlsMaxSeconds: 0.01 };
    const r = await analyzeFiles([file(TOI101)], settings, bls, { tls: tlsStep(tls) });
    expect(r.status).toBe('ok');
    expect(r.features.tls_error).toMatch(/^grid-too-large: /);
    expect(r.features.tls_period).toBeUndefined();
    expect(Math.abs((r.features.bls_period as number) / 1.4303699 - 1)).toBeLessThan(0.005);
  });

  it('says so when TLS is asked for without its kernel', async () => {
    const r = await analyzeFiles([file(TOI101)], { ...DEFAULT_SEARCH_SETTINGS, runTls: true }, bls);
    expect(r.features.tls_error).toMatch(/^kernel-error: .*TLS/);
  });
});
