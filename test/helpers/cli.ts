/**
 * The command line as users run it: the bundled file under dist/ (built by `npm run build`, which
 * `npm test` runs first), started with plain `node`. A bundle older than the sources it was built
 * from fails the test at once, rather than testing yesterday's code.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist/cli/transit-features.mjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let checked = false;

/** Throws when dist/cli is missing or older than src/, the kernels or its build config. */
export function builtCli(): string {
  if (checked) return CLI_BUNDLE;
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run "npm run build" (or "npm run build:cli")`);
  const built = statSync(CLI_BUNDLE).mtimeMs;
  const sources = Math.max(
    newestMtime(path.join(REPO_ROOT, 'src')),
    newestMtime(path.join(REPO_ROOT, 'build/kernels')),
    statSync(path.join(REPO_ROOT, 'vite.cli.config.ts')).mtimeMs,
  );
  if (sources > built) throw new Error(`${CLI_BUNDLE} is older than the sources: run "npm run build:cli"`);
  checked = true;
  return CLI_BUNDLE;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the built CLI to the end; never throws on a non-zero status. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<CliResult> {
  const cli = builtCli();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, maxBuffer: 1 << 26, timeout: options.timeout ?? 0 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({ stdout, stderr, code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null });
      },
    );
  });
}

/** Starts the built CLI and returns the child process (for tests that kill it). */
export function spawnCli(args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [builtCli(), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}
