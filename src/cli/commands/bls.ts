import { readFile } from 'node:fs/promises';
import { blsEngine, choiceOption, durationsOption, numberOption, parse, UsageError } from '../args.ts';
import { readTimeSeriesCsv, runBlsOnTable } from './bls-table.ts';

export const BLS_USAGE = `  cli bls FILE [--period-min D] [--period-max D] [--durations a,b,c] [--objective likelihood|snr]
               [--frequency-factor F] [--oversample N]
      Runs the BLS kernel on a CSV with columns time,flux[,flux_err], exactly as given (no
      cleaning), on astropy's autoperiod grid, and prints the best peak as JSON.`;

export async function blsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    durations: { type: 'string' },
    objective: { type: 'string' },
    'frequency-factor': { type: 'string' },
    oversample: { type: 'string' },
    'period-min': { type: 'string' },
    'period-max': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('bls takes exactly one CSV file');
  if (values.format !== 'json') throw new UsageError('bls prints JSON only (--format json)');
  const table = readTimeSeriesCsv(await readFile(positionals[0], 'utf8'), positionals[0]);
  const peak = runBlsOnTable(table, await blsEngine(values), {
    durations: durationsOption(values.durations),
    objective: choiceOption(values.objective, 'objective', ['likelihood', 'snr'] as const),
    oversample: numberOption(values.oversample, 'oversample'),
    frequencyFactor: numberOption(values['frequency-factor'], 'frequency-factor'),
    periodMin: numberOption(values['period-min'], 'period-min'),
    periodMax: numberOption(values['period-max'], 'period-max'),
  });
  process.stdout.write(`${JSON.stringify(peak, null, 2)}\n`);
  return 0;
}
