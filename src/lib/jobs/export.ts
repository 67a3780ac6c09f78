import { buildResultsCsv, type ResultRow } from '../export/csv.ts';
import { inputColumns } from '../search/input-columns.ts';
import { FEATURE_COLUMNS } from '../search/result.ts';
import type { JobRecord, SampleRecord, TargetRecord } from './types.ts';

/**
 * One CSV row per input row, in input order: the input values, `status`, `error`, the features.
 * Rows that share a star share its result, each with its own catalogue candidate's `cat_*` columns;
 * invalid rows are `failed` with the reason they were refused.
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
      if (!t || t.status === 'pending' || !t.result) return { values: s.values, status: 'pending', features: input };
      const r = t.result;
      return {
        values: s.values,
        status: r.status,
        error: r.error ? `${r.error.code}: ${r.error.message}` : undefined,
        // The star's features, this row's own catalogue candidate (cat_*), this row's input_*.
        features: { ...r.features, ...r.candidates?.[s.index], ...input },
      };
    });
  return buildResultsCsv(job.columns, FEATURE_COLUMNS, rows);
}

/** `koi_cumulative.csv` → `koi_cumulative-features.csv`. */
export function csvFileName(job: JobRecord): string {
  const stem = job.fileName.replace(/\.[^.]*$/, '') || 'samples';
  return `${stem}-features.csv`;
}
