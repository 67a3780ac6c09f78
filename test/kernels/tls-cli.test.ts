// `npm run cli -- tls FILE` in a child process on a reference input, against the package's result.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtCli } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { referenceResult, referenceSpectrum, TLS_REFERENCE } from './tls-reference.ts';

/** The built CLI, as users run it (npm run cli). */
const execCli = (args: string[]) => promisify(execFile)(process.execPath, [builtCli(), ...args], { cwd: REPO_ROOT, maxBuffer: 1 << 26 });

describe('cli tls', () => {
  it('prints the package result as JSON and writes the SDE spectrum', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'tls-cli-')), 'spectrum.csv');
    const input = path.join(TLS_REFERENCE, 'synthetic-tess-box', 'input.csv');
    const { stdout, stderr } = await execCli(['tls', input, '--template', 'box', '--periodogram', out]);
    const result = JSON.parse(stdout);
    const ref = referenceResult('synthetic-tess-box');
    for (const key of ['period', 'T0', 'duration', 'depth', 'snr', 'SDE', 'odd_even_mismatch']) {
      expect(Math.abs(result[key] - (ref[key] as number)) / Math.abs(ref[key] as number), key).toBeLessThan(1e-9);
    }
    expect(result.transit_count).toBe(ref.transit_count);
    expect(stderr).toMatch(/5000 points, 2457 periods .* 38 durations; estimated \d+ s/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('period,power,power_raw,SR,chi2,chi2red');
    const spectrum = referenceSpectrum('synthetic-tess-box');
    expect(lines).toHaveLength(spectrum.period.length + 1);
    const row = lines[1000].split(',').map(Number);
    expect(Math.abs(row[0] - spectrum.period[999]) / spectrum.period[999]).toBeLessThan(1e-12);
    expect(Math.abs(row[1] - spectrum.power[999])).toBeLessThan(1e-8);
  }, 60_000);

  it('refuses a CSV without a flux column', async () => {
    const input = path.join(TLS_REFERENCE, 'synthetic-tess-box', 'settings.json');
    await expect(execCli(['tls', input])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/invalid-input: .*no "time" column/) });
  });
});
