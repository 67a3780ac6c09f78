/**
 * Shards: a deterministic share of a sample list for one task of an array job (Slurm, Kubernetes
 * indexed jobs, GNU parallel), and the columns that let `merge` put the shards' rows back in order.
 *
 * Stars are dealt round-robin in the order they first appear in the list, so every shard gets the
 * same number of stars (±1) and every row naming a star lands in that star's shard (one download,
 * one search, as in the app). Rows that name no valid star are dealt by their row number.
 */
import type { SampleList, SampleRow } from '../../lib/samples/index.ts';
import { splitCsvRecords } from './csv-records.ts';

export interface Shard {
  /** 0 … count − 1: Slurm's SLURM_ARRAY_TASK_ID, Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

/** The two columns a shard's CSV starts with, before the app's columns. */
export const SHARD_COLUMNS = ['shard', 'sample_row'] as const;

/** Reads `K/N` (0 ≤ K < N); returns null for a malformed value so the caller can word the usage error. */
export function parseShard(text: string): Shard | null {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1 || index >= count) return null;
  return { index, count };
}

export function formatShard(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/** The shard of every row of the list, by row position. */
export function shardOfRows(rows: readonly SampleRow[], count: number): number[] {
  const starShard = new Map<string, number>();
  return rows.map((row) => {
    if (row.problem !== undefined || !row.key) return row.index % count;
    let shard = starShard.get(row.key);
    if (shard === undefined) {
      shard = starShard.size % count;
      starShard.set(row.key, shard);
    }
    return shard;
  });
}

/** The list with only this shard's rows (each keeping its row index and line). */
export function selectShard(list: SampleList, shard: Shard): SampleList {
  const of = shardOfRows(list.rows, shard.count);
  const rows = list.rows.filter((_, i) => of[i] === shard.index);
  const nInvalid = rows.filter((r) => r.problem !== undefined).length;
  return { ...list, rows, nValid: rows.length - nInvalid, nInvalid };
}

/**
 * The app's CSV of a shard (its rows in input order) with the shard columns in front: `K/N` and the
 * row's place in the whole list, `row/total` (1-based), so that `merge` can check and order rows
 * without the sample list. The app's part of each line is kept byte for byte.
 */
export function shardCsv(appCsv: string, rows: readonly SampleRow[], shard: Shard, totalRows: number): string {
  const records = splitCsvRecords(appCsv);
  if (records.length !== rows.length + 1) throw new Error(`the CSV has ${records.length - 1} rows for ${rows.length} sample rows`);
  const lines = [`${SHARD_COLUMNS.join(',')},${records[0]}`];
  rows.forEach((row, i) => lines.push(`${formatShard(shard)},${row.index + 1}/${totalRows},${records[i + 1]}`));
  return `${lines.join('\n')}\n`;
}
