// Command-line entry: the same library and kernels as the app, for scripting, whole jobs and clusters.
// `npm run --silent cli -- COMMAND ...` prints only the result on stdout; messages go to stderr.
// The same module is the entry of the analysis threads of `run` (see lib/workers/node-thread.ts).
import { toAppError } from '../lib/errors.ts';
import { isAnalysisThread, serveAnalysisApi } from '../lib/workers/node-thread.ts';
import { UsageError } from './args.ts';
import { ANALYZE_USAGE, analyzeCommand } from './commands/analyze.ts';
import { BLS_USAGE, blsCommand } from './commands/bls.ts';
import { isBlsThread, serveBlsSlices } from './commands/bls-threads.ts';
import { MERGE_USAGE, mergeCommand } from './commands/merge.ts';
import { RUN_USAGE, runCommand, type CommandContext } from './commands/run.ts';
import { TLS_USAGE, tlsCommand } from './commands/tls.ts';

/** One entry per command; a new command adds a line here and a module in commands/. */
const COMMANDS: Record<string, { usage: string; run(argv: string[], context: CommandContext): Promise<number> }> = {
  analyze: { usage: ANALYZE_USAGE, run: analyzeCommand },
  bls: { usage: BLS_USAGE, run: blsCommand },
  tls: { usage: TLS_USAGE, run: tlsCommand },
  run: { usage: RUN_USAGE, run: runCommand },
  merge: { usage: MERGE_USAGE, run: mergeCommand },
};

const USAGE = `Usage:\n${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n')}\nEvery command: [--format json] [--engine wasm|slow] [--kernel release|debug] [--help]`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stderr.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest, { entry: import.meta.url });
}

if (isAnalysisThread()) {
  serveAnalysisApi();
} else if (isBlsThread()) {
  serveBlsSlices();
} else {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n${USAGE}\n`);
        process.exit(2);
      }
      const e = toAppError(err, 'invalid-input');
      process.stderr.write(`${e.name}: ${e.message}\n`);
      process.exit(1);
    },
  );
}
