import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { splitCsvRecords } from '../../src/cli/run/csv-records.ts';
import { mergeShardCsvs, type PartFile } from '../../src/cli/run/merge.ts';
import { parseShard, selectShard, shardCsv, shardOfRows, type Shard } from '../../src/cli/run/shard.ts';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { jobCsv } from '../../src/lib/jobs/export.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import { parseSampleList, type SampleList } from '../../src/lib/samples/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { mulberry32 } from '../helpers/random.ts';

/** A list with what merging must survive: repeated stars, invalid rows, quotes, commas and line breaks in values, a `status` input column. */
function listText(seed: number, n: number): string {
  const rand = mulberry32(seed);
  const lines = ['target,status,note'];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const star = r < 0.1 ? 'KIC 11442793x' : `TIC ${1000 + Math.floor(rand() * (n / 3))}`;
    const note = r > 0.8 ? `"line one\nline ""two"", with a comma"` : `note ${i}`;
    lines.push(`${star},${r > 0.5 ? 'CONFIRMED' : ''},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The app's CSV of `list`; each star's result follows from its id alone (odd ids stay pending unless `finishAll`). */
async function appCsv(list: SampleList, finishAll: boolean): Promise<string> {
  const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
  const job = await store.createJob(list, DEFAULT_SEARCH_SETTINGS);
  const targets = await store.targets(job.id);
  for (const t of targets) {
    const id = Number(t.key.split(':')[1]);
    if (!finishAll && id % 2 === 1) continue;
    await store.recordResult(job.id, t.key, id % 5 === 0
      ? { status: 'failed', error: { code: 'target-not-found', message: `no TIC ${id}, "quoted", here` }, features: {} }
      : { status: 'ok', features: { bls_period: id / 7, n_points: id } });
  }
  return jobCsv((await store.getJob(job.id))!, await store.samples(job.id), await store.targets(job.id));
}

async function parts(text: string, count: number, finishAll = true): Promise<PartFile[]> {
  const whole = parseSampleList(text, 'list.csv');
  const out: PartFile[] = [];
  for (let index = 0; index < count; index++) {
    const shard: Shard = { index, count };
    const list = selectShard(whole, shard);
    out.push({ name: `part-${index}.csv`, text: shardCsv(await appCsv(list, finishAll), list.rows, shard, whole.rows.length) });
  }
  return out;
}

describe('shards', () => {
  it('reads K/N with 0 <= K < N', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/4/2', '']) expect(parseShard(bad), bad).toBeNull();
  });

  it('deals stars round-robin: every row of a star in one shard, every row in exactly one shard, the same every time', () => {
    const whole = parseSampleList(listText(11, 300), 'list.csv');
    const of = shardOfRows(whole.rows, 4);
    expect(shardOfRows(whole.rows, 4)).toEqual(of);
    const starShard = new Map<string, Set<number>>();
    whole.rows.forEach((row, i) => {
      if (row.key) starShard.set(row.key, (starShard.get(row.key) ?? new Set()).add(of[i]));
    });
    expect([...starShard.values()].every((s) => s.size === 1)).toBe(true);
    const stars = [...starShard.values()].map((s) => [...s][0]);
    const perShard = [0, 1, 2, 3].map((k) => stars.filter((s) => s === k).length);
    expect(Math.max(...perShard) - Math.min(...perShard)).toBeLessThanOrEqual(1);
    const selected = [0, 1, 2, 3].flatMap((index) => selectShard(whole, { index, count: 4 }).rows.map((r) => r.index));
    expect(selected.sort((a, b) => a - b)).toEqual(whole.rows.map((r) => r.index));
    expect(whole.nInvalid).toBeGreaterThan(10);
  });
});

describe('merge', () => {
  it('gives back the app CSV of the whole list, byte for byte, from parts in any order', async () => {
    const text = listText(5, 120);
    const expected = await appCsv(parseSampleList(text, 'list.csv'), true);
    const p = await parts(text, 3);
    expect(p[1].text.split('\n')[0]).toBe(`shard,sample_row,${expected.split('\n')[0]}`);
    expect(mergeShardCsvs(p)).toBe(expected);
    expect(mergeShardCsvs([p[2], p[0], p[1]])).toBe(expected);
    expect(expected).toContain('"line one\nline ""two"", with a comma"');
    expect(expected.split('\n')[0]).toMatch(/^target,input_status,note,status,error,/);
  });

  it('fails loudly on a missing part, a part given twice, and parts of other splits or lists', async () => {
    const text = listText(6, 60);
    const p = await parts(text, 3);
    expect(() => mergeShardCsvs([p[0], p[2]])).toThrow(/sample rows are missing \(rows [\d, ]+.*\); no part holds shard 1\/3/);
    expect(() => mergeShardCsvs([p[0], p[1], p[2], p[1]])).toThrow(/shard 1\/3 is in both part-1\.csv and part-1\.csv|present twice/);
    const copy = { name: 'copy-of-1.csv', text: p[1].text };
    expect(() => mergeShardCsvs([p[0], p[1], p[2], copy])).toThrow(/shard 1\/3 is in both part-1\.csv and copy-of-1\.csv/);
    const four = await parts(text, 4);
    expect(() => mergeShardCsvs([p[0], four[1]])).toThrow(/holds shard 1\/4, but other parts were split into 3 shards/);
    const longer = await parts(listText(6, 61), 3);
    expect(() => mergeShardCsvs([p[0], longer[1], p[2]])).toThrow(/counts 61 sample rows, other parts 60/);
    const oneRowTwice = { name: 'dup.csv', text: p[0].text + p[0].text.split('\n')[1] + '\n' };
    expect(() => mergeShardCsvs([oneRowTwice, p[1], p[2]])).toThrow(/sample row \d+ is present twice: in dup\.csv and in dup\.csv/);
    expect(() => mergeShardCsvs([{ name: 'plain.csv', text: 'target,status\nTIC 1,ok\n' }])).toThrow(/plain\.csv is not the output of "run --shard K\/N"/);
  });

  it('refuses rows still pending unless asked to keep them', async () => {
    const text = listText(7, 40);
    const p = await parts(text, 2, false);
    expect(() => mergeShardCsvs(p)).toThrow(/sample rows are still pending \(rows .*\): their shard did not finish/);
    const merged = mergeShardCsvs(p, { allowPending: true });
    const rows = Papa.parse<string[]>(merged, { skipEmptyLines: true }).data.slice(1);
    expect(rows.map((r) => r[2])).toEqual(parseSampleList(text, 'list.csv').rows.map((r) => r.values[2]));
    expect(rows.filter((r) => r[3] === 'pending').length).toBeGreaterThan(3);
  });

  it('splits records on line breaks outside quotes only', () => {
    expect(splitCsvRecords('a,b\n"x\ny",2\r\n"q""\n",3\n')).toEqual(['a,b', '"x\ny",2', '"q""\n",3']);
    expect(splitCsvRecords('a\nb')).toEqual(['a', 'b']);
  });
});
