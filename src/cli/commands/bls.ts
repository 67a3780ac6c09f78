import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { estimateSeconds } from '../../lib/search/bls-plan.ts';
import type { BlsOptions } from '../../lib/search/bls-types.ts';
import { blsEngine, choiceOption, durationsOption, numberOption, parse, UsageError } from '../args.ts';
import { blsOnTableResult, periodogramCsv, planBlsOnTable, readTimeSeriesCsv, type BlsCommandOptions } from './bls-table.ts';
import { powerInThreads } from './bls-threads.ts';
import type { CommandContext } from './run.ts';

export const BLS_USAGE = `  cli bls FILE [--grid astropy|optimal] [--period-min D] [--period-max D] [--minimum-n-transit N]
               [--durations a,b,c] [--objective likelihood|snr] [--oversample N] [--frequency-factor F]
               [--period-oversampling N] [--stellar-radius R] [--stellar-mass M] [--duration-step S]
               [--minimum-duration D] [--max-periods N] [--memory-budget MIB]
               [--periodogram OUT.csv] [--stats] [--refine] [--threads N]
      Runs the BLS kernel on a CSV with columns time,flux[,flux_err], exactly as given (no cleaning),
      and prints the best peak as JSON (astropy's names, with the grid size and estimated time).
      --grid astropy (default): astropy's autopower grid (frequency factor 1, minimum_n_transit 3,
      lightkurve's durations unless --durations). --grid optimal: Ofir periods (--period-oversampling,
      default 2; the star of --stellar-radius/--stellar-mass, default the Sun) and Keplerian durations
      per period (--duration-step, default 1.2; --minimum-duration, default 2 cadences).
      --periodogram writes the full arrays; --stats adds astropy's compute_stats at the peak.
      --refine refines the peak as the app does (a fine grid around it, then a line through its
      transits' times) and reports that peak with period_uncertainty and transit_time_uncertainty
      (astropy's own is then \`search_peak\`); without it the answer is astropy's.
      --threads N (default: the machine's cores) shares the period grid among N threads (the same
      numbers, bit for bit); a search estimated under 0.2 s runs in one unless --threads is given.`;

const STRING_OPTIONS = ['grid', 'durations', 'objective', 'frequency-factor', 'oversample', 'period-min', 'period-max', 'minimum-n-transit',
  'period-oversampling', 'stellar-radius', 'stellar-mass', 'duration-step', 'minimum-duration', 'max-periods', 'memory-budget', 'periodogram', 'threads'];

/** Below this estimated search time, starting threads costs more than it saves. */
const THREADS_FROM_SECONDS = 0.2;

function planSeconds(points: number, o: BlsOptions): number {
  return estimateSeconds(points, o.periods, o.durations, o.oversample, o.durationRanges ?? null);
}

export async function blsCommand(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
    stats: { type: 'boolean' },
    refine: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('bls takes exactly one CSV file');
  if (values.format !== 'json') throw new UsageError('bls prints JSON only (--format json)');
  const table = readTimeSeriesCsv(await readFile(positionals[0], 'utf8'), positionals[0]);
  const memoryMiB = numberOption(values['memory-budget'], 'memory-budget');
  const threadsOption = numberOption(values.threads, 'threads');
  if (threadsOption !== undefined && !(Number.isInteger(threadsOption) && threadsOption >= 1)) throw new UsageError(`--threads must be a whole number >= 1, not "${String(values.threads)}"`);
  const engine = await blsEngine(values);
  const options: BlsCommandOptions = {
    grid: choiceOption(values.grid, 'grid', ['astropy', 'optimal'] as const),
    durations: durationsOption(values.durations),
    objective: choiceOption(values.objective, 'objective', ['likelihood', 'snr'] as const),
    oversample: numberOption(values.oversample, 'oversample'),
    frequencyFactor: numberOption(values['frequency-factor'], 'frequency-factor'),
    periodMin: numberOption(values['period-min'], 'period-min'),
    periodMax: numberOption(values['period-max'], 'period-max'),
    minimumNTransit: numberOption(values['minimum-n-transit'], 'minimum-n-transit'),
    periodOversampling: numberOption(values['period-oversampling'], 'period-oversampling'),
    stellarRadius: numberOption(values['stellar-radius'], 'stellar-radius'),
    stellarMass: numberOption(values['stellar-mass'], 'stellar-mass'),
    durationStep: numberOption(values['duration-step'], 'duration-step'),
    minimumDuration: numberOption(values['minimum-duration'], 'minimum-duration'),
    maxPeriods: numberOption(values['max-periods'], 'max-periods'),
    memoryBudget: memoryMiB === undefined ? undefined : memoryMiB * 2 ** 20,
    stats: values.stats === true,
    refine: values.refine === true,
  };
  const planned = planBlsOnTable(table, options);
  // The slow reference engine is TypeScript in this thread; only the WASM kernel is shared out.
  let threads = 1;
  if (values.engine === 'wasm') {
    const seconds = threadsOption === undefined ? planSeconds(table.time.length, planned.options) : Infinity;
    threads = seconds < THREADS_FROM_SECONDS ? 1 : (threadsOption ?? os.availableParallelism());
  }
  const kernel = values.kernel === 'debug' ? 'debug' : 'release';
  const periodogram = await powerInThreads(engine, table, planned.options, threads, context.entry, kernel);
  const { result } = blsOnTableResult(table, engine, options, planned, periodogram);
  if (typeof values.periodogram === 'string') await writeFile(values.periodogram, periodogramCsv(periodogram));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
