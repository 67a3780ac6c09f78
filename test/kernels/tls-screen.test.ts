// The TLS kernel screens windows with bounds (integer dot products, prefix sums) and computes the
// chi2 only where a window could win. Here it is checked against a brute-force transcription of
// the package's search, which computes every window's chi2 directly: on seeded light curves built
// to stress the bounds (varying dy, outliers far beyond the quantisation range, a transit), every
// period's lowest chi2, template row and depth must be the brute force's.
import { describe, expect, it } from 'vitest';
import { createTlsEngine } from '../../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../src/lib/kernels/tls-node.ts';
import { prepareTls, type TlsKernelInput, type TlsKernelOutput } from '../../src/lib/search/tls/index.ts';
import { gaussian, mulberry32 } from '../helpers/random.ts';

const release = await createTlsEngine(await loadTlsKernelBytes('release'));

/** Every window's chi2 = Σ q (d − model)², summed directly; the package's positions, stride and ties. */
function bruteForce(k: TlsKernelInput): TlsKernelOutput {
  const n = k.time.length;
  const out = { chi2: new Float64Array(k.periods.length), row: new Int32Array(k.periods.length), depth: new Float64Array(k.periods.length) };
  for (let p = 0; p < k.periods.length; p++) {
    const period = k.periods[p];
    const phase = Array.from(k.time, (t) => t / period - Math.floor(t / period));
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => phase[a] - phase[b] || a - b);
    const patched = n + k.maxWidth;
    const d = Float64Array.from({ length: patched }, (_, j) => k.flux[order[j % n]]);
    const q = Float64Array.from({ length: patched }, (_, j) => 1 / k.dy[order[j % n]] ** 2);
    let total = 0;
    for (let j = 0; j < n; j++) total += q[j] * (d[j] - 1) ** 2;
    let best = Infinity;
    let bestRow = 0;
    let bestDepth = 0;
    for (let r = 0; r < k.rowWidth.length; r++) {
      const w = k.rowWidth[r];
      if (w < k.widthMin[p] || w > k.widthMax[p]) continue;
      const xth = k.inverseMargin > 0 ? Math.max(1, Math.trunc(w / k.inverseMargin)) : 1;
      let rowBest = n;
      let rowDepth = 0;
      let found = false;
      for (let i = 0; i <= patched - w; i += xth) {
        let sum = 0;
        for (let j = 0; j < w; j++) sum += d[i + j];
        const mean = 1 - sum / w;
        if (!(mean > k.transitDepthMin)) continue;
        const target = mean * k.rowOvershoot[r];
        const scale = 1 / (0.5 / target);
        let inside = 0;
        let outside = 0;
        for (let j = 0; j < w; j++) {
          const model = 1 - scale * (1 - k.signal[r * k.maxWidth + j]);
          inside += q[i + j] * (d[i + j] - model) ** 2;
          outside += q[i + j] * (d[i + j] - 1) ** 2;
        }
        // the window's points replace their out-of-transit terms (a window past n repeats earlier points)
        const stat = total - outside + inside;
        if (stat < rowBest) {
          rowBest = stat;
          rowDepth = 1 - target;
          found = true;
        }
      }
      if (rowBest < best) {
        best = rowBest;
        bestRow = r;
        bestDepth = found ? rowDepth : 0;
      }
    }
    out.chi2[p] = best;
    out.row[p] = bestRow;
    out.depth[p] = bestDepth;
  }
  return out;
}

function lightCurve(seed: number, opts: { varyingDy: boolean; outliers: number; repeats?: number }) {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const n = 420;
  const time = Float64Array.from({ length: n }, (_, i) => 100 + i * (12 / n) + rand() * 0.002);
  // the first `repeats` points share one time stamp: their phases tie at every period, more than the
  // bucket sort takes in one bucket (its merge-sort fallback), and the rest still needs sorting
  for (let i = 0; i < (opts.repeats ?? 0); i++) time[i] = 104.2;
  const sigma = Float64Array.from({ length: n }, () => 4e-4 * (opts.varyingDy ? 0.6 + 0.8 * rand() : 1));
  const flux = Float64Array.from(time, (t, i) => {
    const inTransit = Math.abs(((t - 101.37 + 1.55) % 3.1) - 1.55) < 0.06;
    return 1 + sigma[i] * normal() - (inTransit ? 1.2e-3 : 0);
  });
  // outliers of hundreds of sigma, both ways: beyond the integer screen's range, so clamped
  for (let k = 0; k < opts.outliers; k++) {
    const i = Math.floor(rand() * n);
    flux[i] += (rand() < 0.5 ? -1 : 1) * (0.05 + 0.1 * rand());
  }
  return { time, flux, fluxErr: sigma };
}

describe('TLS kernel screening against a brute-force search', () => {
  const cases = [
    { name: 'constant dy, no outliers', seed: 11, varyingDy: false, outliers: 0 },
    { name: 'varying dy, no outliers', seed: 12, varyingDy: true, outliers: 0 },
    { name: 'constant dy, outliers', seed: 13, varyingDy: false, outliers: 6 },
    { name: 'varying dy, outliers', seed: 14, varyingDy: true, outliers: 6 },
    { name: 'time stamps repeated 60 times (ties in the phase sort)', seed: 15, varyingDy: true, outliers: 0, repeats: 60 },
  ];
  it.each(cases)('$name: every period’s chi2, row and depth', ({ seed, varyingDy, outliers, repeats }) => {
    const prepared = prepareTls(lightCurve(seed, { varyingDy, outliers, repeats }), { periodMin: 1, periodMax: 5 });
    const k = prepared.kernel;
    expect(k.periods.length).toBeGreaterThan(50);
    release.begin(k);
    release.run(0, k.periods.length);
    const ours = release.finish();
    const ref = bruteForce(k);
    for (let p = 0; p < k.periods.length; p++) {
      const at = `period ${p} (${k.periods[p]} d)`;
      expect(Math.abs(ours.chi2[p] - ref.chi2[p]) / ref.chi2[p], at).toBeLessThan(1e-10);
      expect(ours.row[p], at).toBe(ref.row[p]);
      // the kernel's window mean comes from prefix sums, the brute force's from a direct sum
      expect(Math.abs(ours.depth[p] - ref.depth[p]), at).toBeLessThan(1e-13);
    }
  });
});
