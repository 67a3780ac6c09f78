/** `cli bls` end to end on astropy vectors: the peak, the full periodogram and compute_stats. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtCli } from '../helpers/cli.ts';
import { astropyCases, RESULT_FIELDS } from './astropy-vectors.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'bls-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built CLI, as users run it (npm run cli). */
function cli(args: string[]): string {
  return execFileSync(process.execPath, [builtCli(), ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('cli bls against astropy', () => {
  for (const name of ['synthetic-1-dy-likelihood-os10', 'synthetic-3-nody-snr-os3']) {
    it(`${name}: same peak, same arrays, same stats`, () => {
      const c = astropyCases().find((k) => k.name === name)!;
      const { time, flux, fluxErr } = c.input;
      const csv = path.join(dir, `${name}.csv`);
      const rows = Array.from(time, (t, i) => [t, flux[i], ...(fluxErr ? [fluxErr[i]] : [])].join(','));
      writeFileSync(csv, `${fluxErr ? 'time,flux,flux_err' : 'time,flux'}\n${rows.join('\n')}\n`);
      const out = path.join(dir, `${name}-periodogram.csv`);
      const a = c.autoperiod;
      const result = JSON.parse(
        cli(['bls', csv, '--durations', c.durations.join(','), '--objective', c.objective, '--oversample', String(c.oversample),
          '--period-min', String(a.minimum_period), '--period-max', String(a.maximum_period), '--frequency-factor', String(a.frequency_factor),
          '--periodogram', out, '--stats']),
      );
      const best = c.best_index;
      expect(result.index).toBe(best);
      expect(result.n_periods).toBe(c.result.period.length);
      expect(result.period).toBe(c.result.period[best]);
      expect(result.power).toBe(c.result.power[best]);
      expect(result.transit_time).toBe(c.result.transitTime[best]);
      expect(result.stats.depth).toEqual(c.stats.depth);
      expect(result.stats.depth_odd).toEqual(c.stats.depth_odd);
      expect(result.stats.per_transit_count).toEqual(c.stats.per_transit_count);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('period,power,depth,depth_err,duration,transit_time,depth_snr,log_likelihood');
      const columns = lines.slice(1).map((l) => l.split(',').map(Number));
      expect(Float64Array.from(columns, (r) => r[0])).toEqual(c.result.period);
      RESULT_FIELDS.forEach((f, k) => expect(Float64Array.from(columns, (r) => r[k + 1]), f).toEqual(c.result[f]));
    }, 60_000);
  }

  it('refuses a grid over the memory budget with grid-too-large, exit status 1', () => {
    const csv = path.join(dir, 'small.csv');
    writeFileSync(csv, `time,flux\n${Array.from({ length: 300 }, (_, i) => `${i * 0.1},${1 + 0.001 * Math.sin(i)}`).join('\n')}\n`);
    let stderr = '';
    let status = 0;
    try {
      cli(['bls', csv, '--grid', 'optimal', '--period-min', '0.5', '--memory-budget', '0.01']);
    } catch (err) {
      const e = err as { status: number; stderr: Buffer | string };
      status = e.status;
      stderr = String(e.stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/^grid-too-large: the search would need .* MiB of kernel memory/);
  }, 60_000);
});
