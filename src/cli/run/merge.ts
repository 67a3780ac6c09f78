/**
 * Merges the CSVs of `run --shard K/N` into the app's CSV of the whole list: rows back in input
 * order, the shard columns removed, each row's text kept byte for byte. Refuses, naming the files
 * and rows, anything that would make a silently wrong table: a row missing or present twice,
 * shards of different splits or lists, and rows still `pending` (a shard that did not finish).
 */
import Papa from 'papaparse';
import { AppError } from '../../lib/errors.ts';
import { splitCsvRecords } from './csv-records.ts';
import { SHARD_COLUMNS } from './shard.ts';

export interface PartFile {
  name: string;
  text: string;
}

export interface MergeOptions {
  /** Keep rows that are still pending instead of refusing them. */
  allowPending?: boolean;
}

const PREFIX = new RegExp(`^${SHARD_COLUMNS.join(',')},`);
const ROW_PREFIX = /^(\d+)\/(\d+),(\d+)\/(\d+),/;

function fail(message: string): never {
  throw new AppError('invalid-input', message);
}

/** A short list of numbers for a message: `3, 8, 12 and 40 more`. */
function few(numbers: number[]): string {
  const shown = numbers.slice(0, 10).join(', ');
  return numbers.length > 10 ? `${shown} and ${numbers.length - 10} more` : shown;
}

export function mergeShardCsvs(parts: PartFile[], options: MergeOptions = {}): string {
  if (parts.length === 0) fail('merge needs at least one part');
  let header: string | null = null;
  let headerFrom = '';
  let shardCount: number | null = null;
  let totalRows: number | null = null;
  const rows = new Map<number, { text: string; from: string }>();
  const shardsSeen = new Map<number, string>();

  for (const part of parts) {
    const records = splitCsvRecords(part.text.replace(/^\uFEFF/, ''));
    if (records.length === 0 || !PREFIX.test(records[0])) {
      fail(`${part.name} is not the output of "run --shard K/N" (its first columns are not ${SHARD_COLUMNS.join(', ')})`);
    }
    const appHeader = records[0].replace(PREFIX, '');
    if (header === null) {
      header = appHeader;
      headerFrom = part.name;
    } else if (appHeader !== header) {
      fail(`${part.name} has other columns than ${headerFrom}: the parts come from different sample lists or versions`);
    }
    for (let i = 1; i < records.length; i++) {
      if (records[i] === '') continue;
      const m = ROW_PREFIX.exec(records[i]);
      if (!m) fail(`${part.name}, record ${i + 1}: no shard and sample_row values (K/N,row/total) at its start`);
      const [k, n, row, total] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
      if (shardCount === null) shardCount = n;
      else if (n !== shardCount) fail(`${part.name} holds shard ${k}/${n}, but other parts were split into ${shardCount} shards`);
      if (totalRows === null) totalRows = total;
      else if (total !== totalRows) fail(`${part.name} counts ${total} sample rows, other parts ${totalRows}: the parts come from different sample lists`);
      const shardFrom = shardsSeen.get(k);
      if (shardFrom !== undefined && shardFrom !== part.name) fail(`shard ${k}/${n} is in both ${shardFrom} and ${part.name}`);
      shardsSeen.set(k, part.name);
      if (row < 1 || row > total) fail(`${part.name}, record ${i + 1}: sample row ${row} is outside 1–${total}`);
      const seen = rows.get(row);
      if (seen) fail(`sample row ${row} is present twice: in ${seen.from} and in ${part.name}`);
      rows.set(row, { text: records[i].slice(m[0].length), from: part.name });
    }
  }

  if (totalRows === null || shardCount === null) fail(`the parts hold no rows (${parts.map((p) => p.name).join(', ')})`);
  const missing: number[] = [];
  for (let r = 1; r <= totalRows; r++) if (!rows.has(r)) missing.push(r);
  if (missing.length > 0) {
    const absent = Array.from({ length: shardCount }, (_, k) => k).filter((k) => !shardsSeen.has(k));
    const shards = absent.length > 0 ? `; no part holds shard ${absent.map((k) => `${k}/${shardCount}`).join(', ')}` : '';
    fail(`${missing.length} of ${totalRows} sample rows are missing (rows ${few(missing)})${shards}`);
  }

  const ordered = Array.from({ length: totalRows }, (_, i) => rows.get(i + 1)!);
  if (!options.allowPending) {
    const status = statusIndex(header!);
    const pending: number[] = [];
    ordered.forEach((r, i) => {
      const fields = Papa.parse<string[]>(r.text, { header: false }).data[0] ?? [];
      if (fields[status] === 'pending') pending.push(i + 1);
    });
    if (pending.length > 0) {
      fail(`${pending.length} sample rows are still pending (rows ${few(pending)}): their shard did not finish; run it again (it continues from its checkpoint) or merge with --allow-pending`);
    }
  }
  return `${[header, ...ordered.map((r) => r.text)].join('\n')}\n`;
}

/** Where `status` is among the app's columns (an input column of that name is renamed by the writer). */
function statusIndex(header: string): number {
  const fields = Papa.parse<string[]>(header, { header: false }).data[0] ?? [];
  const i = fields.indexOf('status');
  if (i < 0) fail('the parts have no status column');
  return i;
}
