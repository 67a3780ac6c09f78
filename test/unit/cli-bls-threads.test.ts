/** `cli bls --threads N`: the period grid shared among threads gives astropy's arrays bit for bit. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTimeSeriesCsv } from '../../src/cli/commands/bls-table.ts';
import { builtCli } from '../helpers/cli.ts';
import { astropyCases, RESULT_FIELDS } from '../kernels/astropy-vectors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bls-threads-'));
const cli = (args: string[]) => execFileSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8' });

describe('cli bls over several threads', () => {
  for (const name of ['synthetic-6-dy-likelihood-os10-unsorted', 'tess-wasp126']) {
    it(`${name}: 3 threads give astropy's periodogram and the one-thread peak, bit for bit`, () => {
      const c = astropyCases().find((k) => k.name === name)!;
      const { time, flux, fluxErr } = c.input;
      const csv = path.join(dir, `${name}.csv`);
      const rows = Array.from(time, (t, i) => [t, flux[i], ...(fluxErr ? [fluxErr[i]] : [])].join(','));
      writeFileSync(csv, `${fluxErr ? 'time,flux,flux_err' : 'time,flux'}\n${rows.join('\n')}\n`);
      const a = c.autoperiod;
      const args = ['bls', csv, '--durations', c.durations.join(','), '--objective', c.objective, '--oversample', String(c.oversample),
        ...(a.minimum_period ? ['--period-min', String(a.minimum_period)] : []), ...(a.maximum_period ? ['--period-max', String(a.maximum_period)] : []),
        ...(a.frequency_factor ? ['--frequency-factor', String(a.frequency_factor)] : [])];
      const out = path.join(dir, `${name}-periodogram.csv`);
      const three = JSON.parse(cli([...args, '--threads', '3', '--periodogram', out]));
      const one = JSON.parse(cli([...args, '--threads', '1']));
      expect(three).toEqual(one);
      expect(three.index).toBe(c.best_index);
      const columns = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
      expect(columns).toHaveLength(c.result.period.length);
      expect(Float64Array.from(columns, (r) => r[0])).toEqual(c.result.period);
      RESULT_FIELDS.forEach((f, k) => expect(Float64Array.from(columns, (r) => r[k + 1]), f).toEqual(c.result[f]));
    }, 60_000);
  }
});

describe('reading a time,flux[,flux_err] CSV', () => {
  const plain = '# a comment\r\nflux_err,time,note,flux\r\n0.1,1.5,a,1.01\r\n\r\n  \r\n0.2,2.5,b,0.99\r\n# another\r\n0.3,3.5,,1e-3\r\n';
  it('reads plain comma files (any column order, CRLF, comments, blank lines) as papaparse reads quoted ones', () => {
    const a = readTimeSeriesCsv(plain, 'a.csv');
    expect(Array.from(a.time)).toEqual([1.5, 2.5, 3.5]);
    expect(Array.from(a.flux)).toEqual([1.01, 0.99, 0.001]);
    expect(Array.from(a.fluxErr!)).toEqual([0.1, 0.2, 0.3]);
    // A quote anywhere takes the papaparse path: same numbers.
    const quoted = readTimeSeriesCsv(plain.replace('a,1.01', '"a",1.01'), 'b.csv');
    expect(quoted).toEqual(a);
    expect(readTimeSeriesCsv('time,flux\n1,2\n', 'c.csv').fluxErr).toBeNull();
  });

  it('names the row and column of a missing, empty or non-numeric cell, and a missing column', () => {
    expect(() => readTimeSeriesCsv('time,flux\n1,2\n3\n', 'x.csv')).toThrow('x.csv: data row 2, column "flux": "" is not a finite number');
    expect(() => readTimeSeriesCsv('time,flux\n1,2\n ,4\n', 'x.csv')).toThrow('x.csv: data row 2, column "time": " " is not a finite number');
    expect(() => readTimeSeriesCsv('time,flux\n1,abc\n', 'x.csv')).toThrow('x.csv: data row 1, column "flux": "abc" is not a finite number');
    expect(() => readTimeSeriesCsv('time,flux\n"1",Infinity\n', 'x.csv')).toThrow('x.csv: data row 1, column "flux": "Infinity" is not a finite number');
    // Another delimiter goes through papaparse, which finds it.
    expect(Array.from(readTimeSeriesCsv('time;flux\n1;2\n', 'x.csv').flux)).toEqual([2]);
    expect(() => readTimeSeriesCsv('t,flux\n1,2\n', 'x.csv')).toThrow('x.csv: no "time" column (found: t, flux)');
  });
});
