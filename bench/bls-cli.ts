/**
 * The issue's command-line goal: `cli bls` on a TESS sector, the whole process (Node start-up,
 * reading the CSV, compiling the kernel, the search, printing), against astropy's
 * `BoxLeastSquares.autopower` on the same grid timed inside Python (its start-up and reading
 * excluded), in the same run: with one thread, and with the default of one thread per core (the
 * period grid shared out, the same numbers). Runs alternate (ours, astropy, ours, ...) so that a
 * machine whose load changes affects both alike; medians are compared. Needs the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlsInput } from '../src/lib/search/bls-types.ts';
import { runAstropyAutopower, type AutopowerRun } from './bls-astropy.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/transit-features.mjs');

/** CPU seconds of this process's waited-for children (Linux: /proc/self/stat cutime + cstime). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: fields[13] = cutime, fields[14] = cstime (stat(5) fields 16, 17), in clock ticks.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const best = (a: number[]) => Math.min(...a);

export async function cliCase(name: string, input: BlsInput, durations: number[], repeats: number, withAstropy: boolean): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bls-cli-bench-'));
  try {
    const csv = path.join(dir, 'sector.csv');
    const lines = ['time,flux,flux_err'];
    for (let i = 0; i < input.time.length; i++) lines.push(`${input.time[i]},${input.flux[i]},${input.fluxErr![i]}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const variants = [
      { label: `1 thread (--threads 1)`, extra: ['--threads', '1'], runs: [] as Array<{ wall: number; cpu: number }> },
      { label: `${os.availableParallelism()} threads (default: the machine's cores)`, extra: [], runs: [] as Array<{ wall: number; cpu: number }> },
    ];
    const theirs: AutopowerRun[] = [];
    let result: { n_periods: number; period: number; power: number } | null = null;
    for (let r = 0; r < repeats; r++) {
      for (const v of variants) {
        const c0 = childrenCpuSeconds();
        const t0 = performance.now();
        const out = execFileSync(process.execPath, [CLI, 'bls', csv, '--durations', durations.join(','), ...v.extra], { encoding: 'utf8' });
        v.runs.push({ wall: (performance.now() - t0) / 1000, cpu: childrenCpuSeconds() - c0 });
        result = JSON.parse(out);
      }
      if (withAstropy) theirs.push(runAstropyAutopower(csv, durations));
    }
    process.stdout.write(
      `${name}: ${input.time.length} points, ${result!.n_periods} periods (autopower grid), ${durations.length} durations, ${repeats} runs each; ` +
        'median and best (the best is the figure least disturbed by other processes)\n',
    );
    const a = theirs[0];
    const aw = withAstropy ? theirs.map((t) => t.seconds) : [];
    const ac = withAstropy ? theirs.map((t) => t.cpuSeconds) : [];
    if (withAstropy) {
      process.stdout.write(
        `  astropy ${a.version} autopower, in-process: ${median(aw).toFixed(3)} s wall (best ${best(aw).toFixed(3)}), ${median(ac).toFixed(2)} s CPU (best ${best(ac).toFixed(2)})\n`,
      );
    }
    for (const v of variants) {
      const wall = v.runs.map((o) => o.wall);
      const cpu = v.runs.map((o) => o.cpu);
      process.stdout.write(`  cli bls, whole process, ${v.label}: ${median(wall).toFixed(3)} s wall (best ${best(wall).toFixed(3)}), ${median(cpu).toFixed(2)} s CPU (best ${best(cpu).toFixed(2)})\n`);
      if (withAstropy) {
        process.stdout.write(
          `    astropy autopower / whole process: ${(median(aw) / median(wall)).toFixed(2)}x wall median, ${(best(aw) / best(wall)).toFixed(2)}x wall best; ` +
            `${(median(ac) / median(cpu)).toFixed(2)}x CPU median, ${(best(ac) / best(cpu)).toFixed(2)}x CPU best (goal: 2x)\n`,
        );
      }
    }
    if (withAstropy) {
      const same = a.nPeriods === result!.n_periods && a.period === result!.period && a.power === result!.power;
      process.stdout.write(`  same grid and peak: ${same ? 'yes (period and power bit for bit)' : `NO (astropy ${a.nPeriods} periods, P ${a.period}, power ${a.power})`}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
