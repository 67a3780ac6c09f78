import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toAppError } from '../../lib/errors.ts';
import { buildResultsCsv } from '../../lib/export/csv.ts';
import { createTlsEngine } from '../../lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../../lib/kernels/tls-node.ts';
import { analyzeFiles } from '../../lib/search/analyze.ts';
import { tlsStep } from '../../lib/search/tls-columns.ts';
import { FEATURE_COLUMNS, type TargetResult } from '../../lib/search/result.ts';
import { blsEngine, choiceOption, numberOption, parse, UsageError } from '../args.ts';
import { ANALYSIS_OPTIONS, searchSettingsFrom } from '../settings.ts';

export const ANALYZE_USAGE = `  cli analyze FILE... [--format json|csv] [--durations a,b,c] [--objective likelihood|snr]
                      [--frequency-factor F] [--oversample N] [--period-min D] [--period-max D]
                      [--max-periods N] [--quality-mask default|hard|hardest|none|<int>]
                      [--detrend biweight|savgol|none] [--window-days D] [--savgol-window N]
                      [--outlier-sigma S|none] [--signals N]
                      [--tls] [--tls-max-seconds S] [--r-star R] [--m-star M]
                      [--no-refine] [--min-transits 2|3]
      Reads Kepler/K2/TESS light-curve FITS files, cleans each as the app does, runs the search and
      prints one result per file, with the app's CSV columns. --tls also runs Transit Least Squares
      (with --r-star / --m-star in solar units as the sample list's stellar columns would give).
      --no-refine reports the search grid's own peak; --min-transits 3 asks three transits with data.`;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals: files } = parse(argv, {
    ...ANALYSIS_OPTIONS,
    'r-star': { type: 'string' },
    'm-star': { type: 'string' },
  });
  if (files.length === 0) throw new UsageError('analyze needs at least one FITS file');
  const format = choiceOption(values.format, 'format', ['json', 'csv'] as const);
  const settings = searchSettingsFrom(values);
  const engine = await blsEngine(values);
  const tls = settings.runTls ? await createTlsEngine(await loadTlsKernelBytes(values.kernel === 'debug' ? 'debug' : 'release')) : undefined;
  const radiusRsun = numberOption(values['r-star'], 'r-star');
  const massMsun = numberOption(values['m-star'], 'm-star');
  const star = radiusRsun !== undefined || massMsun !== undefined ? { radiusRsun, massMsun } : undefined;
  const results: Array<{ file: string; result: TargetResult }> = [];
  for (const file of files) {
    let result: TargetResult;
    try {
      const bytes = await readFile(file);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      result = await analyzeFiles([{ name: path.basename(file), bytes: buffer }], settings, engine, { tls: tlsStep(tls), star });
    } catch (err) {
      const e = toAppError(err, 'invalid-input');
      result = { status: 'failed', error: { code: e.name, message: e.message }, features: {} };
    }
    process.stderr.write(`${file}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}\n`);
    results.push({ file, result });
  }
  const errorText = (r: TargetResult) => (r.error ? `${r.error.code}: ${r.error.message}` : undefined);
  if (format === 'csv') {
    const rows = results.map(({ file, result }) => ({ values: [file], status: result.status, error: errorText(result), features: result.features }));
    process.stdout.write(buildResultsCsv(['file'], FEATURE_COLUMNS, rows));
  } else {
    const out = results.map(({ file, result }) => ({
      file,
      status: result.status,
      error: errorText(result) ?? '',
      ...result.features,
      kernel_version: result.kernelVersion ?? '',
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  }
  return results.some((r) => r.result.status === 'failed') ? 1 : 0;
}
