import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../helpers/random.ts';
import { runCli as cli } from '../helpers/cli.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { searchSettingsFrom } from '../../src/cli/settings.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';

describe('the CLI', () => {
  it('analyze prints the app CSV columns on stdout and messages on stderr', async () => {
    const good = path.join(LIGHTCURVES, 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits');
    const bad = path.join(LIGHTCURVES, 'test-lc-tess-pimen-corrupted.fits');
    const { stdout, stderr, code } = await cli(['analyze', good, bad, '--format', 'csv']);
    expect(code).toBe(1);
    const rows = Papa.parse<Record<string, string>>(stdout, { header: true, skipEmptyLines: true });
    expect(rows.meta.fields?.slice(0, 3)).toEqual(['file', 'status', 'error']);
    expect(rows.meta.fields).toEqual(expect.arrayContaining(['bls_period', 'bls_t0', 'bls_snr', 'bls_power']));
    expect(rows.data).toHaveLength(2);
    expect(rows.data[0].status).toBe('ok');
    // TOI-101.01: P = 1.4303699 d in the TOI table.
    expect(Math.abs(Number(rows.data[0].bls_period) / 1.4303699 - 1)).toBeLessThan(0.01);
    expect(rows.data[1].status).toBe('failed');
    expect(rows.data[1].error).toMatch(/^fits-invalid: test-lc-tess-pimen-corrupted\.fits: .*truncated/);
    expect(stderr).toContain('failed (fits-invalid');
  });

  it('bls runs the kernel on a CSV exactly as given and prints the best peak as JSON', async () => {
    // A seeded box transit: P = 2.5 d, depth 0.005, 0.1 d long, first mid-transit at 0.7 d.
    const rand = mulberry32(7);
    const noise = gaussian(rand);
    const lines = ['time,flux,flux_err'];
    for (let t = 0; t < 20; t += 0.01) {
      const phase = (((t - 0.7) % 2.5) + 2.5) % 2.5;
      const inTransit = phase < 0.05 || phase > 2.45;
      lines.push(`${t.toFixed(4)},${(1 + 0.001 * noise() - (inTransit ? 0.005 : 0)).toFixed(7)},0.001`);
    }
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-cli-')), 'box.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { stdout, code } = await cli(['bls', file, '--durations', '0.05,0.1,0.2', '--period-min', '1', '--period-max', '5', '--format', 'json']);
    expect(code).toBe(0);
    const peak = JSON.parse(stdout);
    expect(Object.keys(peak)).toEqual(expect.arrayContaining(['period', 'duration', 'transit_time', 'depth', 'depth_err', 'depth_snr', 'log_likelihood', 'power', 'n_periods']));
    expect(Math.abs(peak.period / 2.5 - 1)).toBeLessThan(0.002);
    expect(Math.abs(peak.depth - 0.005)).toBeLessThan(0.0008);
    const dt = (((peak.transit_time - 0.7) % 2.5) + 3.75) % 2.5 - 1.25;
    expect(Math.abs(dt)).toBeLessThan(0.03);
    expect(peak.depth_snr).toBeGreaterThan(20);
  });

  it('analyze --no-refine reports the search grid\'s own peak; the refined one is nearer the catalogue', async () => {
    const file = path.join(LIGHTCURVES, 'tess2018206045859-s0001-0000000231663901-0120-s_lc.fits');
    const period = async (...extra: string[]) => {
      const { stdout, code } = await cli(['analyze', file, '--format', 'csv', ...extra]);
      expect(code).toBe(0);
      return Number(Papa.parse<Record<string, string>>(stdout, { header: true, skipEmptyLines: true }).data[0].bls_period);
    };
    const refined = await period();
    const grid = await period('--no-refine');
    expect(grid).not.toBe(refined);
    // TOI-101.01: P = 1.4303699 d in the TOI table.
    expect(Math.abs(refined / 1.4303699 - 1)).toBeLessThan(Math.abs(grid / 1.4303699 - 1));
    const three = await cli(['analyze', file, '--min-transits', '4']);
    expect(three.code).not.toBe(0);
    expect(three.stderr).toContain('transits needed per signal must be 2 or 3, not 4');
  });

  it('the search options of analyze and run map onto the app\'s settings', () => {
    expect(searchSettingsFrom({})).toEqual(DEFAULT_SEARCH_SETTINGS);
    const s = searchSettingsFrom({ 'no-refine': true, 'min-transits': '3', 'no-catalog': true, 'catalog-window': '0.02' });
    expect(s).toEqual({ ...DEFAULT_SEARCH_SETTINGS, refine: false, minTransits: 3, catalogSearch: false, catalogWindow: 0.02 });
    expect(() => searchSettingsFrom({ 'catalog-window': '1.5' })).toThrow(/catalogue window must be a fraction between 0 and 1, not 1.5/);
  });

  it('refuses a bad option with a usage message and status 2', async () => {
    const { stderr, code } = await cli(['analyze', 'x.fits', '--objective', 'chi2']);
    expect(code).toBe(2);
    expect(stderr).toContain('--objective must be likelihood or snr, not "chi2"');
  });
});
