/**
 * `runTls`: the whole TLS search of one light curve on a TLS engine, with the result fields of
 * `transitleastsquares` 1.0.31, and `tlsFeatures` for the CSV's `tls_*` columns.
 */
import { AppError } from '../../errors.ts';
import { fap } from './fap.ts';
import { prepareTls, type PreparedTls } from './prepare.ts';
import { mean, periodUncertainty, spectra, std } from './spectra.ts';
import { countStats, durationInDays, fitT0, inTransitStats, modelDurationInDays, snrStats, transitTimes } from './transit-stats.ts';
import type { TlsEngine, TlsKernelOutput, TlsLightCurve, TlsOptions, TlsResult } from './types.ts';

/** Runs the kernel over the period grid in chunks, reporting progress and honouring the abort signal. */
export function searchPeriods(prepared: PreparedTls, engine: TlsEngine, opts: Pick<TlsOptions, 'onProgress' | 'signal'> = {}): TlsKernelOutput {
  const { kernel, options } = prepared;
  const total = kernel.periods.length;
  engine.begin(kernel);
  for (let first = 0; first < total; first += options.chunkPeriods) {
    if (opts.signal?.aborted) throw new DOMException('TLS search aborted', 'AbortError');
    const count = Math.min(options.chunkPeriods, total - first);
    engine.run(first, count);
    opts.onProgress?.(first + count, total);
  }
  return engine.finish();
}

/**
 * Searches periods [first, first + count) only, for splitting one target's grid across workers (each
 * with its own engine); the arrays are full-length with only that range filled. Join with
 * `mergeKernelOutputs`, then `tlsResult`.
 */
export function searchPeriodRange(prepared: Pick<PreparedTls, 'kernel'>, engine: TlsEngine, first: number, count: number): TlsKernelOutput {
  engine.begin(prepared.kernel);
  engine.run(first, count);
  return engine.finish();
}

/**
 * Joins the parts of a split search into the output of the whole grid of `n` periods (by default the
 * length of the first part's arrays). A part's arrays hold either the whole grid (only its range is
 * read) or just its own range.
 */
export function mergeKernelOutputs(parts: { first: number; count: number; out: TlsKernelOutput }[], n = parts[0].out.chi2.length): TlsKernelOutput {
  const merged = { chi2: new Float64Array(n).fill(NaN), row: new Int32Array(n), depth: new Float64Array(n) };
  for (const { first, count, out } of parts) {
    const length = out.chi2.length;
    if (length !== n && length !== count) throw new AppError('kernel-error', `a TLS part of ${length} periods fits neither the grid (${n}) nor its range (${count})`);
    const at = length === n ? first : 0;
    merged.chi2.set(out.chi2.subarray(at, at + count), first);
    merged.row.set(out.row.subarray(at, at + count), first);
    merged.depth.set(out.depth.subarray(at, at + count), first);
  }
  const missing = merged.chi2.findIndex((c) => Number.isNaN(c));
  if (missing >= 0) throw new AppError('kernel-error', `TLS period ${missing} of ${n} was searched by no part`);
  return merged;
}

export function runTls(lc: TlsLightCurve, options: TlsOptions, engine: TlsEngine): TlsResult {
  const prepared = prepareTls(lc, options);
  return tlsResult(prepared, searchPeriods(prepared, engine, options), engine.version);
}

/** The package's statistics from the per-period kernel output. */
export function tlsResult(prepared: PreparedTls, out: TlsKernelOutput, kernelVersion: string): TlsResult {
  const { clean, options, rows, kernelRowToCacheRow, kernel, plan } = prepared;
  const { time, flux } = clean;
  const n = time.length;
  const periods = kernel.periods;
  const chi2 = out.chi2;
  let best = 0;
  let chi2Max = -Infinity;
  for (let i = 0; i < chi2.length; i++) {
    if (chi2[i] < chi2[best]) best = i;
    chi2Max = Math.max(chi2Max, chi2[i]);
  }
  const chi2red = chi2.map((c) => c / (n - 4));
  const chi2Min = chi2[best];
  if (!(chi2Max > chi2Min)) return noTransitResult(prepared, out, kernelVersion);
  const bestRow = rows[kernelRowToCacheRow[out.row[best]]];
  const spec = spectra(chi2, options.oversamplingFactor);
  let peak = 0;
  for (let i = 1; i < spec.power.length; i++) if (spec.power[i] > spec.power[peak]) peak = i;
  const period = periods[peak];
  const depth = out.depth[peak];
  const T0 = fitT0(bestRow.signal, depth, time, flux, period, options.t0FitMargin);
  const times = transitTimes(T0, time, period);
  const duration = durationInDays(time, period, times, bestRow.duration);
  const inTransit = inTransitStats(time, flux, times, duration);
  const snr = snrStats(time, flux, period, bestRow.duration, T0, inTransit);
  const all = [...inTransit.odd, ...inTransit.even];
  const totalCount = inTransit.perTransitCount.reduce((a, b) => a + b, 0);
  const depthMean: [number, number] = [mean(all), std(all) / Math.sqrt(totalCount)];
  const half = (values: number[]): [number, number] => (values.length > 0 ? [mean(values), std(values) / Math.sqrt(values.length)] : [NaN, NaN]);
  const depthMeanOdd = half(inTransit.odd);
  const depthMeanEven = half(inTransit.even);
  const counts = countStats(time, times, duration);
  const emptyTransitCount = inTransit.perTransitCount.filter((c) => c === 0).length;
  const [u1, u2 = 0] = options.template.u;
  const ldFactor = options.template.limbDark === 'quadratic' ? 1 - u1 / 3 - u2 / 6 : 1 - u1 / 3;
  return {
    period,
    periodUncertainty: periodUncertainty(periods, spec.power),
    T0,
    duration,
    depth,
    depthMean,
    depthMeanEven,
    depthMeanOdd,
    snr: ((1 - depthMean[0]) / std(snr.outOfTransit)) * Math.sqrt(all.length),
    SDE: spec.SDE,
    SDERaw: spec.SDERaw,
    FAP: fap(spec.SDE),
    rpRs: Math.sqrt((1 - depth) * ldFactor),
    oddEvenMismatch: Math.abs(depthMeanOdd[0] - depthMeanEven[0]) / (depthMeanOdd[1] + depthMeanEven[1]),
    transitCount: times.length,
    distinctTransitCount: times.length - emptyTransitCount,
    emptyTransitCount,
    chi2Min,
    chi2redMin: chi2Min / (n - 4),
    beforeTransitCount: counts.before,
    inTransitCount: counts.inTransit,
    afterTransitCount: counts.after,
    transitTimes: times,
    perTransitCount: inTransit.perTransitCount,
    snrPerTransit: snr.snrPerTransit,
    snrPinkPerTransit: snr.snrPinkPerTransit,
    transitDepths: inTransit.transitDepths,
    transitDepthsUncertainties: inTransit.transitDepthsUncertainties,
    periods,
    power: spec.power,
    powerRaw: spec.powerRaw,
    SR: spec.SR,
    chi2,
    chi2red,
    plan,
    kernelVersion,
    modelDuration: modelDurationInDays(time, period, times, bestRow.duration),
    template: options.template,
  };
}

/** The package's result when every period gave the same chi2 (no transit fit anywhere): NaN statistics. */
function noTransitResult(prepared: PreparedTls, out: TlsKernelOutput, kernelVersion: string): TlsResult {
  const n = prepared.clean.time.length;
  const zeros = new Float64Array(out.chi2.length);
  const nan: [number, number] = [NaN, NaN];
  return {
    period: NaN,
    periodUncertainty: NaN,
    T0: 0,
    duration: NaN,
    depth: 1,
    depthMean: nan,
    depthMeanEven: nan,
    depthMeanOdd: nan,
    snr: NaN,
    SDE: 0,
    SDERaw: 0,
    FAP: NaN,
    rpRs: NaN,
    oddEvenMismatch: NaN,
    transitCount: NaN,
    distinctTransitCount: NaN,
    emptyTransitCount: NaN,
    chi2Min: out.chi2[0],
    chi2redMin: out.chi2[0] / (n - 4),
    beforeTransitCount: NaN,
    inTransitCount: NaN,
    afterTransitCount: NaN,
    transitTimes: [],
    perTransitCount: [],
    snrPerTransit: [],
    snrPinkPerTransit: [],
    transitDepths: [],
    transitDepthsUncertainties: [],
    periods: prepared.kernel.periods,
    power: zeros,
    powerRaw: zeros.slice(),
    SR: zeros.slice(),
    chi2: out.chi2,
    chi2red: out.chi2.map((c) => c / (n - 4)),
    plan: prepared.plan,
    kernelVersion,
    modelDuration: NaN,
    template: prepared.options.template,
  };
}
