// Command-line entry: the same library and kernels as the app, for scripting and comparisons.
//   npm run --silent cli -- analyze FILE... [--format json|csv]
//   npm run --silent cli -- bls FILE [--period-min D] [--period-max D] [--durations a,b,c] ...
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, toAppError } from '../lib/errors.ts';
import { buildResultsCsv } from '../lib/export/csv.ts';
import { createBlsEngine } from '../lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../lib/kernels/node.ts';
import { analyzeFiles } from '../lib/search/analyze.ts';
import { FEATURE_COLUMNS, type TargetResult } from '../lib/search/result.ts';
import { DEFAULT_SEARCH_SETTINGS, validateSearchSettings, type SearchSettings } from '../lib/search/settings.ts';
import type { BlsEngine } from '../lib/search/bls-types.ts';
import { slowBlsEngine } from '../lib/search/bls-slow.ts';
import { runBlsOnTable, readTimeSeriesCsv } from './bls-command.ts';

const USAGE = `Usage:
  cli analyze FILE... [--format json|csv] [--durations a,b,c] [--objective likelihood|snr]
                      [--frequency-factor F] [--oversample N] [--period-min D] [--period-max D]
                      [--max-periods N] [--quality-mask default|hard|hardest|none|<int>]
      Reads Kepler/K2/TESS light-curve FITS files (all files of one star go in one call per star;
      each FILE is analysed on its own), cleans them as the app does and runs the BLS search.
  cli bls FILE [--format json] [--period-min D] [--period-max D] [--durations a,b,c]
               [--objective likelihood|snr] [--frequency-factor F] [--oversample N]
      Runs the BLS kernel on a CSV with columns time,flux[,flux_err], exactly as given (no
      cleaning), on astropy's autoperiod grid, and prints the best peak as JSON.
Common: [--engine wasm|slow] [--kernel release|debug]`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) fail(`--${name}: "${value}" is not a number`);
  return n;
}

function durationsOption(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((d) => !(Number.isFinite(d) && d > 0))) fail(`--durations: "${value}" is not a list of positive days`);
  return list;
}

async function engineFor(kind: string, kernel: string): Promise<BlsEngine> {
  if (kind === 'slow') return slowBlsEngine;
  if (kind !== 'wasm') fail(`--engine must be wasm or slow, not "${kind}"`);
  if (kernel !== 'release' && kernel !== 'debug') fail(`--kernel must be release or debug, not "${kernel}"`);
  return createBlsEngine(await loadKernelBytes(kernel));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'json' },
      durations: { type: 'string' },
      objective: { type: 'string' },
      'frequency-factor': { type: 'string' },
      oversample: { type: 'string' },
      'period-min': { type: 'string' },
      'period-max': { type: 'string' },
      'max-periods': { type: 'string' },
      'quality-mask': { type: 'string' },
      engine: { type: 'string', default: 'wasm' },
      kernel: { type: 'string', default: 'release' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || !command) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values.format !== 'json' && values.format !== 'csv') fail(`--format must be json or csv, not "${values.format}"`);
  const objective = values.objective;
  if (objective !== undefined && objective !== 'likelihood' && objective !== 'snr') fail(`--objective must be likelihood or snr, not "${objective}"`);
  const oversample = numberOption(values.oversample, 'oversample');
  const durations = durationsOption(values.durations);
  const frequencyFactor = numberOption(values['frequency-factor'], 'frequency-factor');
  const periodMin = numberOption(values['period-min'], 'period-min');
  const periodMax = numberOption(values['period-max'], 'period-max');
  const engine = await engineFor(values.engine!, values.kernel!);

  if (command === 'bls') {
    if (files.length !== 1) fail('bls takes exactly one CSV file');
    if (values.format !== 'json') fail('bls prints JSON only (--format json)');
    const table = readTimeSeriesCsv(await readFile(files[0], 'utf8'), files[0]);
    const peak = runBlsOnTable(table, engine, { durations, objective, oversample, frequencyFactor, periodMin, periodMax });
    process.stdout.write(`${JSON.stringify(peak, null, 2)}\n`);
    return 0;
  }

  if (command === 'analyze') {
    if (files.length === 0) fail('analyze needs at least one FITS file');
    const qualityMask = values['quality-mask'];
    const settings: SearchSettings = validateSearchSettings({
      ...DEFAULT_SEARCH_SETTINGS,
      ...(durations ? { durations } : {}),
      ...(objective ? { objective } : {}),
      ...(oversample !== undefined ? { oversample } : {}),
      ...(frequencyFactor !== undefined ? { frequencyFactor } : {}),
      ...(periodMin !== undefined ? { minimumPeriod: periodMin } : {}),
      ...(periodMax !== undefined ? { maximumPeriod: periodMax } : {}),
      ...(values['max-periods'] !== undefined ? { maxPeriods: numberOption(values['max-periods'], 'max-periods')! } : {}),
      ...(qualityMask !== undefined ? { qualityMask: /^\d+$/.test(qualityMask) ? Number(qualityMask) : (qualityMask as SearchSettings['qualityMask']) } : {}),
    });
    const results: Array<{ file: string; result: TargetResult }> = [];
    for (const file of files) {
      let result: TargetResult;
      try {
        const bytes = await readFile(file);
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        result = analyzeFiles([{ name: path.basename(file), bytes: buffer }], settings, engine);
      } catch (err) {
        const e = toAppError(err, 'invalid-input');
        result = { status: 'failed', error: { code: e.name, message: e.message }, features: {} };
      }
      process.stderr.write(`${file}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}\n`);
      results.push({ file, result });
    }
    if (values.format === 'csv') {
      process.stdout.write(
        buildResultsCsv(
          ['file'],
          FEATURE_COLUMNS,
          results.map(({ file, result }) => ({
            values: [file],
            status: result.status,
            error: result.error ? `${result.error.code}: ${result.error.message}` : undefined,
            features: result.features,
          })),
        ),
      );
    } else {
      const out = results.map(({ file, result }) => ({
        file,
        status: result.status,
        error: result.error ? `${result.error.code}: ${result.error.message}` : '',
        ...result.features,
        kernel_version: result.kernelVersion ?? '',
      }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    }
    return results.some((r) => r.result.status === 'failed') ? 1 : 0;
  }
  fail(`unknown command "${command}"\n${USAGE}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const e = err instanceof AppError ? err : toAppError(err, 'invalid-input');
    process.stderr.write(`${e.name}: ${e.message}\n`);
    process.exit(1);
  },
);
