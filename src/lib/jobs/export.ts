import { buildResultsCsv, type ResultRow } from '../export/csv.ts';
import { inputColumns } from '../search/input-columns.ts';
import { FEATURE_COLUMNS } from '../search/result.ts';
import { attemptsOf } from './failures.ts';
import type { JobRecord, SampleRecord, TargetRecord } from './types.ts';

/**
 * Run bookkeeping written right after `status` and `error`, before the features: it describes the
 * run, not the light curve, so it is not a feature column (and a comparison of two runs' features
 * can drop it by name).
 */
export const RUN_COLUMNS = ['attempts'] as const;

/**
 * One CSV row per input row, in input order: the input values, `status`, `error`, `attempts`, the
 * features. Rows that share a star share its result, each with its own catalogue candidate's `cat_*`
 * columns; invalid rows are `failed` with the reason they were refused (and no attempts: they were
 * never run).
 */
export function jobCsv(job: JobRecord, samples: SampleRecord[], targets: TargetRecord[]): string {
  const byKey = new Map(targets.map((t) => [t.key, t]));
  const rows: ResultRow[] = [...samples]
    .sort((a, b) => a.index - b.index)
    .map((s) => {
      if (s.problem || !s.targetKey) {
        return {
          values: s.values,
          status: 'failed',
          error: `invalid-sample-row: line ${s.line}: ${s.problem ?? 'no target'}`,
          features: inputColumns(s.catalog),
        };
      }
      const t = byKey.get(s.targetKey);
      // input_* always come from the row itself, whatever the state of its star.
      const input = inputColumns(s.catalog);
      const run = { attempts: t ? attemptsOf(t) : 0 };
      if (!t || t.status === 'pending' || !t.result) return { values: s.values, status: 'pending', features: { ...run, ...input } };
      const r = t.result;
      return {
        values: s.values,
        status: r.status,
        error: r.error ? `${r.error.code}: ${r.error.message}` : undefined,
        // The run's bookkeeping, the star's features, this row's own catalogue candidate (cat_*), this row's input_*.
        features: { ...run, ...r.features, ...r.candidates?.[s.index], ...input },
      };
    });
  return buildResultsCsv(job.columns, [...RUN_COLUMNS, ...FEATURE_COLUMNS], rows);
}

/** `koi_cumulative.csv` → `koi_cumulative-features.csv`. */
export function csvFileName(job: JobRecord): string {
  const stem = job.fileName.replace(/\.[^.]*$/, '') || 'samples';
  return `${stem}-features.csv`;
}
