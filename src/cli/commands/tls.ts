import { readFile, writeFile } from 'node:fs/promises';
import { createTlsEngine } from '../../lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../lib/kernels/tls-node.ts';
import { prepareTls, searchPeriods, tlsResult, type TlsResult } from '../../lib/search/tls/index.ts';
import { choiceOption, numberOption, parse, UsageError } from '../args.ts';
import { readTimeSeriesCsv } from './bls-table.ts';

export const TLS_USAGE = `  cli tls FILE [--template default|box] [--r-star R] [--m-star M] [--period-min D] [--period-max D]
              [--oversampling N] [--max-seconds S] [--periodogram OUT.csv]
      Runs Transit Least Squares (as transitleastsquares 1.0.31) on a CSV with columns
      time,flux[,flux_err], exactly as given, and prints the result as JSON; --periodogram writes
      period,power,power_raw,SR,chi2,chi2red. The grid and a time estimate go to stderr first.`;

/** The result without its spectrum arrays, in the package's field names. */
function resultJson(r: TlsResult): Record<string, unknown> {
  return {
    period: r.period,
    period_uncertainty: r.periodUncertainty,
    T0: r.T0,
    duration: r.duration,
    depth: r.depth,
    depth_mean: r.depthMean,
    depth_mean_even: r.depthMeanEven,
    depth_mean_odd: r.depthMeanOdd,
    snr: r.snr,
    SDE: r.SDE,
    SDE_raw: r.SDERaw,
    FAP: r.FAP,
    rp_rs: r.rpRs,
    odd_even_mismatch: r.oddEvenMismatch,
    transit_count: r.transitCount,
    distinct_transit_count: r.distinctTransitCount,
    empty_transit_count: r.emptyTransitCount,
    chi2_min: r.chi2Min,
    chi2red_min: r.chi2redMin,
    before_transit_count: r.beforeTransitCount,
    in_transit_count: r.inTransitCount,
    after_transit_count: r.afterTransitCount,
    transit_times: r.transitTimes,
    per_transit_count: r.perTransitCount,
    snr_per_transit: r.snrPerTransit,
    snr_pink_per_transit: r.snrPinkPerTransit,
    transit_depths: r.transitDepths,
    transit_depths_uncertainties: r.transitDepthsUncertainties,
    n_periods: r.periods.length,
    plan: r.plan,
    kernel_version: r.kernelVersion,
  };
}

export async function tlsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    template: { type: 'string' },
    'r-star': { type: 'string' },
    'm-star': { type: 'string' },
    'period-min': { type: 'string' },
    'period-max': { type: 'string' },
    oversampling: { type: 'string' },
    'max-seconds': { type: 'string' },
    periodogram: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('tls takes exactly one CSV file');
  if (values.format !== 'json') throw new UsageError('tls prints JSON only (--format json)');
  if (values.engine !== 'wasm') throw new UsageError('tls runs on the wasm engine only');
  const kernel = choiceOption(values.kernel, 'kernel', ['release', 'debug'] as const) ?? 'release';
  const table = readTimeSeriesCsv(await readFile(positionals[0], 'utf8'), positionals[0]);
  const engine = await createTlsEngine(await loadTlsKernelBytes(kernel));
  const prepared = prepareTls(table, {
    template: choiceOption(values.template, 'template', ['default', 'box'] as const),
    rStar: numberOption(values['r-star'], 'r-star'),
    mStar: numberOption(values['m-star'], 'm-star'),
    periodMin: numberOption(values['period-min'], 'period-min'),
    periodMax: numberOption(values['period-max'], 'period-max'),
    oversamplingFactor: numberOption(values.oversampling, 'oversampling'),
    maxSeconds: numberOption(values['max-seconds'], 'max-seconds'),
  });
  const p = prepared.plan;
  process.stderr.write(
    `TLS: ${p.nPoints} points, ${p.nPeriods} periods (${p.periodMin.toFixed(4)}–${p.periodMax.toFixed(3)} d), ` +
      `${p.nDurations} durations; estimated ${p.estimatedSeconds.toFixed(0)} s on one core\n`,
  );
  const result = tlsResult(prepared, searchPeriods(prepared, engine), engine.version);
  if (typeof values.periodogram === 'string') {
    const lines = ['period,power,power_raw,SR,chi2,chi2red'];
    for (let i = 0; i < result.periods.length; i++) {
      lines.push([result.periods[i], result.power[i], result.powerRaw[i], result.SR[i], result.chi2[i], result.chi2red[i]].join(','));
    }
    await writeFile(values.periodogram, `${lines.join('\n')}\n`);
  }
  process.stdout.write(`${JSON.stringify(resultJson(result), null, 2)}\n`);
  return 0;
}
