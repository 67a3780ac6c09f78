// The TLS part of the plot summary: the folded model against the package's own `model_folded_model`
// (transitleastsquares 1.0.31 reference runs), the SDE spectrum bucketed like the BLS periodogram,
// where the model is drawn (on the BLS fold or on its own), and the size with TLS in the worst case.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTlsEngine } from '../../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../src/lib/kernels/tls-node.ts';
import { BinAccumulator, binCentre, buildSummary, summarizeTls, summaryBytes, tlsOffsetOnBlsFold, TLS_SPECTRUM_BUCKETS, type TlsSummaryInput } from '../../src/lib/search/summary/index.ts';
import { runTls, type TlsResult } from '../../src/lib/search/tls/index.ts';
import { DEFAULT_TEMPLATE } from '../../src/lib/search/tls/index.ts';
import { worstCaseSearch } from '../helpers/worst-summary.ts';
import { referenceInput, referenceResult, TLS_REFERENCE, templateOf, type TlsCase } from '../kernels/tls-reference.ts';

/** The package's folded model: phase (mid-transit at 0.5) and flux. */
function referenceFoldedModel(name: TlsCase): { phase: number[]; model: number[] } {
  const lines = readFileSync(path.join(TLS_REFERENCE, name, 'folded.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  return { phase: rows.map((r) => r[3]), model: rows.map((r) => r[4]) };
}

describe.each(['wasp126-s1', 'synthetic-tess-box'] as TlsCase[])('the TLS model and spectrum of %s', (name) => {
  let result: TlsResult;
  beforeAll(async () => {
    const engine = await createTlsEngine(await loadTlsKernelBytes('release'));
    result = runTls(referenceInput(name), { template: templateOf(name) }, engine);
  }, 120_000);

  it("bins the model as the package folds it: same width, same bottom, same shape bin by bin", () => {
    const ref = referenceFoldedModel(name);
    const period = referenceResult(name).period as number;
    const depth = 1 - (referenceResult(name).depth as number);
    // The package's model spans its in-transit samples; ours is as wide within one sample.
    const inTransit = ref.model.filter((v) => v < 1).length;
    expect(Math.abs(result.modelDuration - (inTransit / ref.model.length) * period)).toBeLessThan((2 * period) / ref.model.length);
    const s = summarizeTls(result, null, [result.periods[0], result.periods[0]]);
    const model = s.model!;
    expect(model.onBlsFold).toBe(false);
    // The reference model binned into the same bins (hours from mid-transit).
    const acc = new BinAccumulator(model.lo, model.hi, model.flux.length);
    ref.phase.forEach((p, i) => acc.add((p - 0.5) * period * 24, ref.model[i]));
    const binned = acc.result();
    const theirs = binned.flux;
    // The bins the package's transit touches; those at its edges hold a transit edge between its
    // samples (about 7 per bin here), where one sample is worth 1/7 of the bin's mean.
    const inside = [...theirs.keys()].filter((i) => theirs[i] < 1 - 1e-9);
    const first = inside[0];
    const last = inside[inside.length - 1];
    let edge = 0;
    let interior = 0;
    for (let i = 0; i < model.flux.length; i++) {
      if (!Number.isFinite(theirs[i])) continue;
      const d = Math.abs(model.flux[i] - theirs[i]) / depth;
      if (Math.abs(i - first) <= 1 || Math.abs(i - last) <= 1) edge = Math.max(edge, d);
      else interior = Math.max(interior, d);
    }
    console.info(`${name}: TLS folded model against the package's, largest bin difference ${(interior * 100).toFixed(2)} % of the depth inside, ${(edge * 100).toFixed(1)} % at the edges`);
    expect(last - first).toBeGreaterThan(5);
    expect(interior).toBeLessThan(0.02);
    expect(edge).toBeLessThan(1.2 / Math.min(...Array.from(binned.count).filter((c) => c > 0)));
    const mid = Math.floor(model.flux.length / 2);
    expect(Math.min(...model.flux)).toBeCloseTo(Math.min(...theirs.filter(Number.isFinite)), name === 'wasp126-s1' ? 5 : 4);
    expect(model.flux[0]).toBe(1);
    expect(Math.abs(binCentre({ lo: model.lo, hi: model.hi, flux: model.flux }, mid))).toBeLessThan(((model.hi - model.lo) / model.flux.length) * 0.51);
  });

  it('keeps the SDE peak at the TLS period and the highest power of every bucket', () => {
    const s = summarizeTls(result, null, [0, 1]);
    expect(s.spectrum.nPeriods).toBe(result.periods.length);
    expect(s.spectrum.period.length).toBeLessThanOrEqual(TLS_SPECTRUM_BUCKETS + 49);
    const top = Math.max(...s.spectrum.power);
    expect(top).toBeCloseTo(result.SDE, 4);
    expect(s.spectrum.period[s.spectrum.power.indexOf(top)]).toBe(Math.fround(result.period));
    expect(s.signal).toEqual({ period: result.period, transitTime: result.T0, duration: result.duration, depth: 1 - result.depth, sde: result.SDE });
  });
});

describe('where the TLS model is drawn', () => {
  const bls = { period: 3.29, transitTime: 1326.1, duration: 0.12 };
  const span: [number, number] = [1325, 1352];

  it('on the BLS fold, shifted, when TLS found the same transit', () => {
    // 20 min later, and a period that drifts 0.3 min over the span.
    const offset = tlsOffsetOnBlsFold(bls, { period: 3.29 * (1 + 1e-6), transitTime: 1326.1 + 3.29 * 2 + 20 / 1440 }, span);
    expect(offset).not.toBeNull();
    expect(offset!).toBeCloseTo(20 / 60, 1);
  });

  it('on its own when TLS found another period or another phase', () => {
    expect(tlsOffsetOnBlsFold(bls, { period: 3.29 * 2, transitTime: 1326.1 + 3.29 }, span)).toBeNull();
    expect(tlsOffsetOnBlsFold(bls, { period: 3.29, transitTime: 1326.1 + 1.6 }, span)).toBeNull();
    // Same period to 0.2 %: over 7 cycles the transit drifts by 66 min, smeared across the 173-min box.
    expect(tlsOffsetOnBlsFold(bls, { period: 3.29 * 1.002, transitTime: 1326.1 }, span)).toBeNull();
  });

  it('puts the model bottom at the offset on the BLS bins', () => {
    const input: TlsSummaryInput = { period: 3.29, T0: 1326.1 + 0.5 / 24, duration: 0.11, depth: 0.994, SDE: 20, modelDuration: 0.11, template: DEFAULT_TEMPLATE, periods: [1, 3.29, 5], power: [0, 20, 1] };
    const s = summarizeTls(input, bls, span);
    const m = s.model!;
    expect(m.onBlsFold).toBe(true);
    // On the BLS fold's bins (±2.5 durations in 120 bins), those the transit touches and one either side.
    const width = (2 * 0.3 * 24) / 120;
    expect(m.lo).toBeGreaterThan(-0.3 * 24);
    expect(m.hi).toBeLessThan(0.3 * 24);
    expect((m.lo + 0.3 * 24) / width).toBeCloseTo(Math.round((m.lo + 0.3 * 24) / width), 6);
    expect((m.hi - m.lo) / width).toBeCloseTo(m.flux.length, 6);
    expect([m.flux[0], m.flux[m.flux.length - 1]]).toEqual([1, 1]);
    expect(m.flux[1]).toBeLessThan(1);
    const lowest = m.flux.indexOf(Math.min(...m.flux));
    expect(binCentre({ lo: m.lo, hi: m.hi, flux: m.flux }, lowest)).toBeCloseTo(0.5, 0);
    expect(Math.min(...m.flux)).toBeCloseTo(0.994, 3);
  });

  it('leaves the model out when TLS fitted no transit, keeping the spectrum', () => {
    const input: TlsSummaryInput = { period: NaN, T0: 0, duration: NaN, depth: 1, SDE: 0, modelDuration: NaN, template: DEFAULT_TEMPLATE, periods: [1, 2, 3], power: [0, 0, 0] };
    const s = summarizeTls(input, bls, span);
    expect(s.model).toBeUndefined();
    expect(s.spectrum.nPeriods).toBe(3);
  });
});

describe('the summary with TLS', () => {
  it('stays within its budget in the worst case: 65,000 points, 100,000 BLS and 60,000 TLS periods, a transit every day, TLS on another period', () => {
    const { rand, time, flux, period, power } = worstCaseSearch();
    const periodogram = { period, power };
    const peak = { period: 1.05, depth: 1e-3, duration: 0.1, transitTime: 0.3 };
    const tlsPeriods = Float64Array.from({ length: 60_000 }, (_, i) => 0.6 + i * 0.008);
    const tls: TlsSummaryInput = { period: 7.3, T0: 2.1, duration: 0.2, depth: 0.999, SDE: 9, modelDuration: 0.21, template: DEFAULT_TEMPLATE, periods: tlsPeriods, power: Float64Array.from(tlsPeriods, () => rand()) };
    // The longest OBJECT a FITS header card can hold (68 characters), with quotes that JSON escapes.
    const object = `"${'x'.repeat(66)}"`;
    const without = summaryBytes(buildSummary({ time, flux, bjdRef: 2454833, object }, periodogram, peak));
    const s = buildSummary({ time, flux, bjdRef: 2454833, object }, periodogram, peak, tls);
    expect(s.object).toBe(object);
    expect(s.tls!.model!.onBlsFold).toBe(false);
    const bytes = summaryBytes(s);
    console.info(`plot summary, worst case: ${without} bytes without TLS, ${bytes} bytes with TLS (${s.tls!.spectrum.period.length} SDE spectrum points)`);
    // The BLS periodogram gives up 200 buckets to the SDE spectrum; the whole stays near 16 kB.
    expect(s.periodogram.period.length).toBeLessThanOrEqual(400 + 49);
    expect(bytes - without).toBeLessThan(2_000);
    expect(bytes).toBeLessThan(16_000);
  });
});
