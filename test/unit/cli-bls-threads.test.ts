/** `cli bls --threads N`: the period grid shared among threads gives astropy's arrays bit for bit. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
