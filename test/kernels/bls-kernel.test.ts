import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { slowBlsEngine } from '../../src/lib/search/bls-slow.ts';
import { bestPeak, type BlsEngine, type BlsObjective, type BlsPeriodogram } from '../../src/lib/search/bls-types.ts';
import { autoperiod, lightkurveDefaults } from '../../src/lib/search/grid.ts';
import { blsMemoryBytes } from '../../src/lib/search/bls-plan.ts';
import { synthetic, type Injection } from './synthetic.ts';

const FIELDS = ['power', 'depth', 'depthErr', 'duration', 'transitTime', 'depthSnr', 'logLikelihood'] as const;

const debugBytes = await loadKernelBytes('debug');
const releaseBytes = await loadKernelBytes('release');
const engines: Record<string, BlsEngine> = {
  debug: await createBlsEngine(debugBytes),
  release: await createBlsEngine(releaseBytes),
  'release-scalar': await createBlsEngine(releaseBytes, { simd: false }),
  'debug-scalar': await createBlsEngine(debugBytes, { simd: false }),
};

function expectIdentical(a: BlsPeriodogram, b: BlsPeriodogram): void {
  for (const f of FIELDS) expect(Array.from(a[f]), f).toEqual(Array.from(b[f]));
}

function circularDistance(a: number, b: number, period: number): number {
  const d = (((a - b) % period) + period) % period;
  return Math.min(d, period - d);
}

const small = (seed: number, withErrors: boolean) =>
  synthetic({
    seed,
    points: 600,
    start: 10,
    cadence: 0.01,
    noise: 0.001,
    withErrors,
    injection: { period: 1.37, transitTime: 10.4, depth: 0.002, duration: 0.1 },
  });
const smallPeriods = new Float64Array(40).map((_, i) => 0.7 + i * 0.045);

describe('BLS kernel against the brute-force reference', () => {
  // Observed: power agrees to < 1e-14 relative (0 without uncertainties) and every best model is the
  // same start bin and duration, so the tolerance below is 1e-12 relative on all fields.
  for (const name of ['debug', 'release']) {
    for (const withErrors of [false, true]) {
      for (const objective of ['likelihood', 'snr'] as BlsObjective[]) {
        for (const oversample of [1, 3, 5]) {
          it(`${name}, ${withErrors ? 'with' : 'without'} errors, ${objective}, oversample ${oversample}`, () => {
            const data = small(11 + oversample, withErrors);
            const options = { periods: smallPeriods, durations: Float64Array.of(0.08, 0.12, 0.2), objective, oversample };
            const fast = engines[name].power(data, options);
            const slow = slowBlsEngine.power(data, options);
            expect(fast.objective).toBe(objective);
            expect(Array.from(fast.period)).toEqual(Array.from(smallPeriods));
            for (const f of FIELDS) {
              for (let i = 0; i < smallPeriods.length; i++) {
                expect(Number.isFinite(slow[f][i]), `${f}[${i}] finite`).toBe(true);
                expect(Math.abs(fast[f][i] - slow[f][i]), `${f}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.abs(slow[f][i]) + 1e-12);
              }
            }
          });
        }
      }
    }
  }

  it('reports -Infinity power and NaN fields at a period where no box qualifies (flat light curve)', () => {
    const time = new Float64Array(50).map((_, i) => i * 0.1);
    const flat = { time, flux: new Float64Array(50).fill(1), fluxErr: null };
    const options = { periods: Float64Array.of(1.3), durations: Float64Array.of(0.2), objective: 'likelihood' as const, oversample: 2 };
    for (const engine of [engines.release, slowBlsEngine]) {
      const p = engine.power(flat, options);
      // y is 0 everywhere, so every box has depth 0 and log likelihood 0: the first one wins.
      expect(p.power[0]).toBe(0);
      expect(p.depth[0]).toBe(0);
    }
  });
});

describe('BLS kernel variants agree bit for bit', () => {
  const data = synthetic({
    seed: 3,
    points: 4000,
    start: 1325.2,
    cadence: 0.00694,
    noise: 0.002,
    withErrors: true,
    dropFraction: 0.1,
    injection: { period: 2.3, transitTime: 1326, depth: 0.004, duration: 0.09 },
  });
  const options = { periods: new Float64Array(500).map((_, i) => 0.5 + i * 0.017), durations: Float64Array.of(0.05, 0.08, 0.13), oversample: 7 };
  for (const objective of ['likelihood', 'snr'] as BlsObjective[]) {
    it(`debug = release = scalar (${objective})`, () => {
      const reference = engines.debug.power(data, { ...options, objective });
      for (const name of ['release', 'release-scalar', 'debug-scalar']) expectIdentical(engines[name].power(data, { ...options, objective }), reference);
    });
  }
});

describe('BLS kernel engine', () => {
  it('reports as version the first 16 hex digits of the SHA-256 of the WASM bytes', () => {
    expect(engines.release.version).toBe(createHash('sha256').update(releaseBytes).digest('hex').slice(0, 16));
    expect(engines.debug.version).toMatch(/^[0-9a-f]{16}$/);
    expect(engines.debug.version).not.toBe(engines.release.version);
  });

  it('recovers an injected box transit in a TESS-sector-like light curve', () => {
    const injection: Injection = { period: 3.217, transitTime: 1326.31, depth: 0.003, duration: 0.12 };
    const data = synthetic({ seed: 42, points: 20074, start: 1325.0, cadence: 2 / 1440, noise: 0.001, withErrors: true, dropFraction: 0.1, injection });
    const grid = lightkurveDefaults(data.time);
    const periods = autoperiod(grid);
    const peak = bestPeak(engines.release.power(data, { periods, durations: grid.durations, objective: 'likelihood', oversample: 10 }));
    // Grid step at 3.2 d is P²·df ≈ 0.0067 d.
    expect(Math.abs(peak.period - injection.period)).toBeLessThan(0.007);
    expect(circularDistance(peak.transitTime, injection.transitTime, injection.period)).toBeLessThan(0.02);
    expect(peak.depth).toBeGreaterThan(0.0026);
    expect(peak.depth).toBeLessThan(0.0034);
    // The trial durations nearest 0.12 d are 0.10 and 0.15 d.
    expect([0.1, 0.15].some((d) => Math.abs(peak.duration - d) < 1e-9)).toBe(true);
    expect(peak.depthSnr).toBeGreaterThan(20);
  });

  it('grows its memory no further than the memory model used for budgets says', async () => {
    // a 300-d period at a 0.004-d bin: about 75,000 bins, so the per-bin arrays dominate the memory
    const data = synthetic({ seed: 9, points: 5000, start: 100, cadence: 0.02, noise: 0.001, withErrors: true });
    // a fresh instance: the memory only grows, so a shared one would carry earlier searches
    const engine = await createBlsEngine(releaseBytes);
    const periods = Float64Array.of(200, 250, 300);
    const durations = Float64Array.of(0.04, 0.1);
    engine.power(data, { periods, durations, objective: 'likelihood', oversample: 10 });
    const memory = (engine as unknown as { instance: { memory: WebAssembly.Memory } }).instance.memory.buffer.byteLength;
    const model = blsMemoryBytes(data.time.length, periods.length, durations.length, Math.ceil(300 / 0.004) + 10);
    expect(model).toBeGreaterThan(4 * 2 ** 20);
    // the memory grows in 64 KiB pages
    expect(memory).toBeLessThanOrEqual(Math.ceil(model / 65536) * 65536);
    expect(memory).toBeGreaterThan(model - 2 * 65536);
  });

  it('is invariant under a time shift', () => {
    // Times (and the injected transit time) on a 2^-7 d grid and a 1024 d shift keep t − t_ref
    // exact, so everything but the transit time must be bit-identical.
    const injection = (start: number): Injection => ({ period: 1.9, transitTime: start + 103 / 128, depth: 0.003, duration: 0.1 });
    const make = (start: number) =>
      synthetic({ seed: 5, points: 3000, start, cadence: 2 ** -7, noise: 0.001, withErrors: true, dropFraction: 0.2, injection: injection(start) });
    const options = { periods: new Float64Array(300).map((_, i) => 0.6 + i * 0.01), durations: Float64Array.of(0.06, 0.1), objective: 'snr' as const, oversample: 4 };
    const a = engines.release.power(make(0), options);
    const b = engines.release.power(make(1024), options);
    for (const f of FIELDS) if (f !== 'transitTime') expect(Array.from(b[f]), f).toEqual(Array.from(a[f]));
    for (let i = 0; i < a.transitTime.length; i++) expect(b.transitTime[i] - 1024).toBeCloseTo(a.transitTime[i], 9);

    // An arbitrary shift changes rounding only: the same peak comes out.
    const c = bestPeak(engines.release.power(make(2458325.37), options));
    const pa = bestPeak(a);
    expect(c.index).toBe(pa.index);
    expect(c.transitTime - 2458325.37).toBeCloseTo(pa.transitTime, 6);
    expect(c.depth).toBeCloseTo(pa.depth, 8);
  });

  it('handles two million points (memory growth) and finds the injected period', () => {
    const injection: Injection = { period: 7.5, transitTime: 3.1, depth: 0.002, duration: 0.2 };
    const data = synthetic({ seed: 9, points: 2_000_000, start: 0, cadence: 0.0005, noise: 0.003, withErrors: false, injection });
    const periods = Float64Array.of(5.3, 6.1, 7.5, 8.2, 9.9);
    const p = engines.release.power(data, { periods, durations: Float64Array.of(0.1, 0.2, 0.3), objective: 'likelihood', oversample: 5 });
    const peak = bestPeak(p);
    expect(peak.period).toBe(7.5);
    expect(peak.duration).toBeCloseTo(0.2, 9);
    expect(circularDistance(peak.transitTime, 3.1, 7.5)).toBeLessThan(0.02);
    expect(peak.depth).toBeCloseTo(0.002, 4);
  });

  it('handles 200,000 periods and matches the reference on a sample of them', () => {
    const data = small(21, true);
    const periods = new Float64Array(200_000).map((_, i) => 0.5 + i * 1e-5);
    const options = { durations: Float64Array.of(0.05, 0.1), objective: 'likelihood' as const, oversample: 3 };
    const fast = engines.release.power(data, { ...options, periods });
    const sample = Uint32Array.of(0, 1, 54_321, 123_456, 199_999);
    const slow = slowBlsEngine.power(data, { ...options, periods: Float64Array.from(sample, (i) => periods[i]) });
    sample.forEach((i, k) => {
      for (const f of FIELDS) expect(Math.abs(fast[f][i] - slow[f][k]), `${f}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.abs(slow[f][k]) + 1e-12);
    });
  });

  it('raises invalid-input for a bad argument before touching the kernel', () => {
    const data = small(1, false);
    const run = () => engines.release.power(data, { periods: Float64Array.of(0.1), durations: Float64Array.of(0.2), objective: 'likelihood', oversample: 2 });
    expect(run).toThrow(AppError);
    expect(run).toThrow(/smallest of periods/);
  });
});

/**
 * A hand-assembled module with the kernel's exports whose `blsRun` traps on its first call in each
 * instance (a mutable global remembers the call): a reused instance would succeed the second time.
 */
const TRAP_ONCE_WASM = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // types: (i32 i32 i32) -> i32, (i32) -> i32
  0x01, 0x0d, 0x02, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  // functions: allocate, slotOffset, blsRun
  0x03, 0x04, 0x03, 0x00, 0x01, 0x00,
  // one memory of one page
  0x05, 0x03, 0x01, 0x00, 0x01,
  // global: mutable i32 = 0
  0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b,
  // exports
  0x07, 0x2b, 0x04,
  0x08, ...new TextEncoder().encode('allocate'), 0x00, 0x00,
  0x0a, ...new TextEncoder().encode('slotOffset'), 0x00, 0x01,
  0x06, ...new TextEncoder().encode('blsRun'), 0x00, 0x02,
  0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00,
  // code: allocate → 0, slotOffset → 0, blsRun: if (g == 0) { g = 1; unreachable } return 0
  0x0a, 0x1b, 0x03,
  0x04, 0x00, 0x41, 0x00, 0x0b,
  0x04, 0x00, 0x41, 0x00, 0x0b,
  0x0f, 0x00, 0x23, 0x00, 0x45, 0x04, 0x40, 0x41, 0x01, 0x24, 0x00, 0x00, 0x0b, 0x41, 0x00, 0x0b,
);

describe('BLS kernel traps', () => {
  it('turns a trap into kernel-trap and discards the trapped instance', async () => {
    const engine = await createBlsEngine(TRAP_ONCE_WASM, { version: 'trap-test' });
    const data = small(2, false);
    const options = { periods: Float64Array.of(1.1), durations: Float64Array.of(0.1), objective: 'snr' as const, oversample: 1 };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        engine.power(data, options);
        expect.unreachable('the kernel should have trapped');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).name).toBe('kernel-trap');
      }
    }
  });
});
