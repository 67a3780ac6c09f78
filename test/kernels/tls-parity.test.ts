// The TLS search against transitleastsquares 1.0.31 on the two smaller reference cases (the larger
// ones run in bench/tls.bench.ts), the debug and release kernels against each other, the kernel's
// statuses and the caps. Tolerances are the measured agreement (docs/tls.md) with headroom.
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { createTlsEngine } from '../../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../src/lib/kernels/tls-node.ts';
import { mergeKernelOutputs, prepareTls, runTls, searchPeriodRange, searchPeriods, tlsFeatures, type TlsEngine, type TlsResult } from '../../src/lib/search/tls/index.ts';
import { referenceInput, referenceResult, referenceSpectrum, templateOf, type TlsCase } from './tls-reference.ts';

const release = await createTlsEngine(await loadTlsKernelBytes('release'));
const debug = await createTlsEngine(await loadTlsKernelBytes('debug'));

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe.each(['synthetic-tess-box', 'wasp126-s1'] as TlsCase[])('TLS parity: %s', (name) => {
  let result: TlsResult;
  const ref = referenceResult(name);
  beforeAll(() => {
    result = runTls(referenceInput(name), { template: templateOf(name) }, release);
  }, 60_000);

  it('gives the package chi2 at every trial period (1e-10 relative) and its power spectrum', () => {
    const spectrum = referenceSpectrum(name);
    expect(result.periods.length).toBe(spectrum.period.length);
    spectrum.chi2.forEach((c, i) => {
      expect(rel(result.periods[i], spectrum.period[i])).toBeLessThan(1e-12);
      expect(rel(result.chi2[i], c)).toBeLessThan(1e-10);
      expect(Math.abs(result.power[i] - spectrum.power[i])).toBeLessThan(1e-8);
    });
  });

  it('finds the same period, T0, duration and depth (1e-9 relative)', () => {
    expect(rel(result.period, ref.period as number)).toBeLessThan(1e-9);
    expect(Math.abs(result.T0 - (ref.T0 as number))).toBeLessThan(1e-9);
    expect(rel(result.duration, ref.duration as number)).toBeLessThan(1e-9);
    expect(rel(result.depth, ref.depth as number)).toBeLessThan(1e-9);
    expect(rel(result.rpRs, ref.rp_rs as number)).toBeLessThan(1e-9);
    expect(rel(result.periodUncertainty, ref.period_uncertainty as number)).toBeLessThan(1e-9);
  });

  it('reports SDE, SNR and the odd/even mismatch within 1e-9 and the integer counts exactly', () => {
    expect(rel(result.SDE, ref.SDE as number)).toBeLessThan(1e-9);
    expect(rel(result.SDERaw, ref.SDE_raw as number)).toBeLessThan(1e-9);
    expect(rel(result.snr, ref.snr as number)).toBeLessThan(1e-9);
    expect(rel(result.oddEvenMismatch, ref.odd_even_mismatch as number)).toBeLessThan(1e-8);
    expect(rel(result.chi2Min, ref.chi2_min as number)).toBeLessThan(1e-10);
    expect(result.FAP).toBe(ref.FAP);
    expect(result.transitCount).toBe(ref.transit_count);
    expect(result.distinctTransitCount).toBe(ref.distinct_transit_count);
    expect(result.emptyTransitCount).toBe(ref.empty_transit_count);
    expect(result.inTransitCount).toBe(ref.in_transit_count);
    expect(result.beforeTransitCount).toBe(ref.before_transit_count);
    expect(result.afterTransitCount).toBe(ref.after_transit_count);
    expect(result.perTransitCount).toEqual(ref.per_transit_count);
  });

  it('reports per-transit times, depths and SNRs, and the mean depths', () => {
    const lists = [
      [result.transitTimes, ref.transit_times],
      [result.transitDepths, ref.transit_depths],
      [result.transitDepthsUncertainties, ref.transit_depths_uncertainties],
      [result.snrPerTransit, ref.snr_per_transit],
      [result.snrPinkPerTransit, ref.snr_pink_per_transit],
      [result.depthMean, ref.depth_mean],
      [result.depthMeanOdd, ref.depth_mean_odd],
      [result.depthMeanEven, ref.depth_mean_even],
    ] as const;
    for (const [mine, theirs] of lists) {
      expect(mine.length).toBe((theirs as number[]).length);
      (theirs as number[]).forEach((v, i) => expect(rel(mine[i], v)).toBeLessThan(1e-9));
    }
  });

  it('fills the tls_* columns, with tls_depth as a depth', () => {
    const f = tlsFeatures(result);
    expect(f.tls_period).toBe(result.period);
    expect(f.tls_depth as number).toBeCloseTo(1 - (ref.depth as number), 12);
    expect(f.tls_sde).toBe(result.SDE);
    expect(f.tls_snr).toBe(result.snr);
    expect(f.tls_odd_even).toBe(result.oddEvenMismatch);
    expect(String(f.tls_transit_times).split(';')).toHaveLength(ref.transit_count as number);
    expect(f.tls_kernel_version).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('TLS kernel', () => {
  it('debug and release kernels give identical output', () => {
    const prepared = prepareTls(referenceInput('synthetic-k2'), {});
    const slice = (engine: TlsEngine) => {
      engine.begin(prepared.kernel);
      engine.run(4000, 40);
      const out = engine.finish();
      return [Array.from(out.chi2.subarray(4000, 4040)), Array.from(out.row.subarray(4000, 4040)), Array.from(out.depth.subarray(4000, 4040))];
    };
    const a = slice(release);
    expect(a[0].every((c) => c > 0 && Number.isFinite(c))).toBe(true);
    expect(slice(debug)).toEqual(a);
  });

  it('a grid split in ranges (as across workers) gives the same output as one search', () => {
    const prepared = prepareTls(referenceInput('synthetic-k2'), { periodMin: 5, periodMax: 5.6 });
    const n = prepared.kernel.periods.length;
    expect(n).toBeGreaterThan(100);
    const whole = searchPeriods(prepared, release);
    const half = Math.floor(n / 2);
    const merged = mergeKernelOutputs([
      { first: 0, count: half, out: searchPeriodRange(prepared, release, 0, half) },
      { first: half, count: n - half, out: searchPeriodRange(structuredClone(prepared), debug, half, n - half) },
    ]);
    expect(merged).toEqual(whole);
    expect(() => mergeKernelOutputs([{ first: 0, count: half, out: whole }])).toThrow(/searched by no part/);
  });

  it('the constant-dy and varying-dy paths agree', () => {
    const prepared = prepareTls(referenceInput('synthetic-tess-box'), { template: 'box' });
    const slice = (dy: Float64Array) => {
      release.begin({ ...prepared.kernel, dy });
      release.run(1500, 100);
      return release.finish();
    };
    const constant = slice(prepared.kernel.dy);
    // one error differs in its last bit: the kernel takes the two-dot-product path
    const varied = slice(prepared.kernel.dy.map((v, i) => (i === 0 ? v * (1 + 2 ** -52) : v)));
    for (let i = 1500; i < 1600; i++) {
      expect(rel(varied.chi2[i], constant.chi2[i])).toBeLessThan(1e-12);
      expect(varied.row[i]).toBe(constant.row[i]);
    }
  });

  it('refuses a bad layout and a run outside the grid with invalid-input', () => {
    const prepared = prepareTls(referenceInput('synthetic-tess-box'), { template: 'box' });
    expect(() => release.begin({ ...prepared.kernel, maxWidth: prepared.kernel.maxWidth + 1 })).toThrow(AppError);
    release.begin(prepared.kernel);
    expect(() => release.run(prepared.kernel.periods.length - 1, 2)).toThrow(/outside the grid/);
  });

  it('stops at the abort signal with an AbortError and reports progress', () => {
    const controller = new AbortController();
    const seen: number[] = [];
    expect(() =>
      runTls(referenceInput('synthetic-tess-box'), {
        template: 'box',
        chunkPeriods: 100,
        onProgress: (done) => {
          seen.push(done);
          if (done >= 200) controller.abort();
        },
        signal: controller.signal,
      }, release),
    ).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(seen).toEqual([100, 200]);
  });
});

describe('TLS plan and caps', () => {
  it('states the grid and a time estimate before the search, and refuses grids over the caps', () => {
    const lc = referenceInput('synthetic-k2');
    const { plan } = prepareTls(lc, {});
    expect(plan.nPeriods).toBe(8494);
    expect(plan.nDurations).toBe(45);
    expect(plan.estimatedSeconds).toBeGreaterThan(1);
    const refuse = (options: object, pattern: RegExp) => {
      try {
        prepareTls(lc, options);
        expect.unreachable();
      } catch (err) {
        expect((err as AppError).name).toBe('grid-too-large');
        expect((err as AppError).message).toMatch(pattern);
      }
    };
    refuse({ maxPeriods: 8000 }, /8,494 periods.*limit of 8,000/);
    refuse({ maxSeconds: 1 }, /would take about \d+ s/);
    refuse({ maxMemoryBytes: 1000 }, /MiB, above the limit/);
  });

  it('drops rows the package drops (NaN, infinite, ≤ 0) and rejects too few points', () => {
    const lc = referenceInput('synthetic-tess-box');
    lc.flux[3] = NaN;
    lc.fluxErr![7] = 0;
    lc.time[11] = Infinity;
    expect(prepareTls(lc, { template: 'box' }).clean.time.length).toBe(4997);
    const tiny = { time: new Float64Array([1, 2, 3]), flux: new Float64Array([1, 1, 1]), fluxErr: null };
    expect(() => prepareTls(tiny, {})).toThrow(expect.objectContaining({ name: 'too-few-points' }));
  });
});
