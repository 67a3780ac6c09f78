import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { describeWarning, parseSampleList } from '../../src/lib/samples/index.ts';
import { LIGHTCURVES, REPO_ROOT, SAMPLES } from '../helpers/paths.ts';

const LOCAL = path.join(REPO_ROOT, 'test/fixtures/samples');

describe('bad rows: each kept; an unusable id or URL makes a row invalid, a bad catalogue value only empty', () => {
  const list = parseSampleList(readFileSync(path.join(LOCAL, 'ours-bad-rows.csv'), 'utf8'), 'ours-bad-rows.csv');
  const byLine = new Map(list.rows.map((r) => [r.line, r]));

  it('keeps all 16 data rows in order, 8 valid and 8 invalid', () => {
    expect(list.rows.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(list.nValid).toBe(8);
    expect(list.nInvalid).toBe(8);
    expect(list.rows.filter((r) => !r.problem).map((r) => r.line)).toEqual([3, 4, 7, 12, 13, 14, 15, 17]);
    expect(list.nTargets).toBe(2);
  });

  it('takes a star name for MAST to resolve at run time (line 7: Kepler-90)', () => {
    const row = byLine.get(7)!;
    expect(row.problem).toBeUndefined();
    expect(row.target).toBeUndefined();
    expect(row.name).toBe('Kepler-90');
    expect(row.key).toBe('name::kepler-90');
  });

  it.each([
    [5, 'expected 7 fields (one per header column) but found 4'],
    [6, 'expected 7 fields (one per header column) but found 8'],
    [8, 'column "target": the target is empty'],
    [9, 'column "target": target "11442793" is a bare number; write it as "TIC 11442793", "KIC 11442793" or "EPIC 11442793", or add a mission column'],
    [10, 'column "mission": "Spitzer" is not a mission (TESS, Kepler or K2)'],
    [11, 'column "target": target "KIC 11442793" is a Kepler id but the mission column says TESS'],
    [16, 'column "lightcurve_url": "s3://stpubdata/tess/public/tid/s0015/0000/0003/7542/2201/tess2019226182529-s0015-0000000375422201-0151-s_lc.fits" is not an https: URL or a path relative to the page'],
    [18, 'a quoted field is never closed (a lone " runs to the end of the file)'],
  ])('line %i is invalid: %s', (line, problem) => {
    const row = byLine.get(line)!;
    expect(row.problem).toBe(problem);
    expect(row.target).toBeUndefined();
    expect(row.key).toBeUndefined();
    expect(row.index).toBe(line - 3);
  });

  it.each([
    [4, 'period'],
    [12, 'period'],
    [13, 'depthPpm'],
    [14, 'durationHours'],
    [15, 'epochBjd'],
  ])('line %i is searched, with %s left empty', (line, field) => {
    const row = byLine.get(line)!;
    expect(row.problem).toBeUndefined();
    expect(row.key).toBe('Kepler:11442793');
    expect(row).not.toHaveProperty(field);
  });

  it('counts every catalogue value left empty, per column and reason, with the first lines', () => {
    // Lines 3, 4, 7, 12-15 and 17 are searched; empty cells are "missing", the others say why, in the order first met.
    expect(list.warnings).toEqual([
      { column: 'period', problem: 'not a number', rows: 1, lines: [4] },
      { column: 'epoch_bjd', problem: 'missing', rows: 6, lines: [4, 7, 12, 13, 14] },
      { column: 'period', problem: 'missing', rows: 5, lines: [7, 13, 14, 15, 17] },
      { column: 'depth_ppm', problem: 'missing', rows: 5, lines: [7, 12, 14, 15, 17] },
      { column: 'duration_hours', problem: 'missing', rows: 5, lines: [7, 12, 13, 15, 17] },
      { column: 'period', problem: 'not positive', rows: 1, lines: [12] },
      { column: 'depth_ppm', problem: 'not positive', rows: 1, lines: [13] },
      { column: 'duration_hours', problem: 'not a number', rows: 1, lines: [14] },
      { column: 'epoch_bjd', problem: 'not a full BJD', rows: 1, lines: [15] },
    ]);
    expect(describeWarning(list.warnings![5])).toBe('1 row: period not positive, left empty (line 12)');
    expect(describeWarning(list.warnings![1])).toBe('6 rows: epoch_bjd missing, left empty (lines 4, 7, 12, 13, 14, …)');
  });

  it('keeps the raw values of every row, whatever their number', () => {
    expect(byLine.get(4)!.values).toEqual(['KIC 11442793', '', 'abc', '8322', '14.40', '', '']);
    expect(byLine.get(5)!.values).toEqual(['KIC 11442793', '', '331.5972732', '8322']);
    expect(byLine.get(6)!.values).toHaveLength(8);
  });

  it.each([
    ['0x1F', 'not a number'],
    ['Infinity', 'not a number'],
    ['nan', 'not a number'],
    ['NaN', 'not a number'],
    ['3,5', 'not a number'], // a decimal comma, quoted so that it stays one field
    ['1e999', 'not a number'],
    ['0', 'not positive'],
    ['0.0000e+00', 'not positive'],
    ['-1e-3', 'not positive'],
    ['', 'missing'],
  ])('period %j is left empty as %s, and the row is searched', (raw, problem) => {
    const list = parseSampleList(`target,period\nTIC 25155310,"${raw}"\n`, 'p.csv');
    expect(list.rows[0].problem).toBeUndefined();
    expect(list.rows[0].period).toBeUndefined();
    expect(list.rows[0].key).toBe('TESS:25155310');
    expect(list.warnings).toEqual([{ column: 'period', problem, rows: 1, lines: [2] }]);
  });

  it('accepts plain decimal forms with spaces around them', () => {
    const list = parseSampleList('target,period,depth_ppm\nTIC 25155310, 3.2887898 ,+7.006e3\n', 'p.csv');
    expect(list.rows[0]).toMatchObject({ period: 3.2887898, depthPpm: 7006 });
    expect(list.warnings).toEqual([]);
  });

  it('does not count the catalogue values of a row that is invalid anyway', () => {
    const list = parseSampleList('target,period\nTIC abc,0\nTIC 25155310,3.2\n', 'p.csv');
    expect(list.nInvalid).toBe(1);
    expect(list.warnings).toEqual([]);
  });

  it('reports the lines a malformed quote swallowed, and keeps counting lines after a quoted line break', () => {
    const text = 'target,notes\nTIC 25155310,"two\nlines"\nTIC 55652896,"TOI-216"b\nTIC 55525572,x\nTIC 261136679,y\n';
    const list = parseSampleList(text, 'q.csv');
    expect(list.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(list.rows[0].problem).toBeUndefined();
    expect(list.rows[1].problem).toBe(
      'a quoted field is malformed (a closing " must be followed by a comma or the end of the line); lines 4–6 were read as this one row',
    );
  });

  it('reads the koi and toi columns with their own names', () => {
    const koi = parseSampleList('kepid,koi_period,koi_time0bk\n11442793,331.5972732,abc\n', 'k.csv');
    expect(koi.rows[0]).toMatchObject({ key: 'Kepler:11442793', period: 331.5972732 });
    expect(koi.warnings).toEqual([{ column: 'koi_time0bk', problem: 'not a number', rows: 1, lines: [2] }]);
    const toi = parseSampleList('toi,tid,pl_orbper,pl_tranmid\n114.01,25155310,3.2887898,1327.519958\n', 't.csv');
    expect(toi.rows[0].epochBjd).toBeUndefined();
    expect(toi.warnings).toEqual([{ column: 'pl_tranmid', problem: 'not a full BJD', rows: 1, lines: [2] }]);
    const seed = parseSampleList('target_id,period,depth,duration\nKepler-90,,,\n', 's.csv');
    expect(seed.rows[0].problem).toMatch(/^column "target_id": target "Kepler-90" is not a TIC, KIC or EPIC id/);
  });
});

describe('bad files throw invalid-sample-file naming the file and the accepted headers', () => {
  function fileError(text: string, fileName = 'list.csv'): AppError {
    try {
      parseSampleList(text, fileName);
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      expect(e.name).toBe('invalid-sample-file');
      expect(e.message).toContain(`"${fileName}"`);
      expect(e.message).toContain('a "target" column');
      expect(e.message).toContain('label, source, toi, tid, target_id, period, depth, duration, kepid');
      expect(e.message).toContain('kepid, koi_disposition, koi_period, koi_time0bk, koi_depth, koi_duration');
      expect(e.message).toContain('toi, tid, tfopwg_disp, pl_orbper, pl_tranmid, pl_trandep, pl_trandurh');
      return e;
    }
    throw new Error('parseSampleList did not throw');
  }

  it('an empty file', () => {
    expect(fileError('').message).toMatch(/^"list.csv" is empty \(no header row\)\. Expected/);
  });

  it('a file with only comments and blank lines', () => {
    expect(fileError('# nothing here\n\n# still nothing\n\n').message).toMatch(/^"list.csv" is empty/);
  });

  it('a header without data rows (after comments and blank lines)', () => {
    expect(fileError('# c\ntarget,period\n\n\n').message).toMatch(/^"list.csv" has a header \(line 2\) but no data rows\./);
  });

  it('a header that matches no format: the K2 planetary-systems export', () => {
    const text = readFileSync(path.join(SAMPLES, 'planetary_systems_k2.csv'), 'utf8');
    const e = fileError(text, 'planetary_systems_k2.csv');
    expect(e.message).toMatch(/^"planetary_systems_k2.csv" has a header \(line 101: pl_name, hostname, default_flag, /);
    expect(e.message).toContain('that matches no accepted format');
  });

  it('a binary file: a FITS light curve', () => {
    const bytes = readFileSync(path.join(LIGHTCURVES, 'kplr011442793-2010009091648_llc.fits'));
    const e = fileError(new TextDecoder().decode(bytes), 'kplr011442793-2010009091648_llc.fits');
    expect(e.message).toMatch(/^"kplr011442793-2010009091648_llc.fits" is not a text CSV file \(it contains binary data\)/);
  });

  it('a non-CSV text file: JSON', () => {
    expect(fileError('{"target": "TIC 25155310"}\n').message).toContain('that matches no accepted format');
  });

  it('a header whose quoting is broken', () => {
    expect(fileError('"target,period\nTIC 25155310,3.2887898\n').message).toContain('has a malformed header on line 1');
  });

  it('a header that repeats a column the format reads', () => {
    expect(fileError('target,period,period\nTIC 25155310,3.2887898,3.3\n').message).toMatch(
      /^"list.csv" has more than one column named "period"\./,
    );
  });
});
