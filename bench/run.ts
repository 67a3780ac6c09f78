// `npm run bench [-- NAME...]`: runs bench/NAME.bench.ts (all of them when none is named), one after
// another so that they do not compete for the cores. Each prints its own figures and ratios against
// the reference it measures in the same run; none fails on speed.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const names = wanted.length > 0 ? wanted : all;
for (const name of names) {
  if (!all.includes(name)) {
    process.stderr.write(`no benchmark named "${name}" (have: ${all.join(', ') || 'none'})\n`);
    process.exit(2);
  }
}
for (const name of names) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const mod = (await import(pathToFileURL(path.join(here, `${name}.bench.ts`)).href)) as { default: (args: string[]) => Promise<void> };
  await mod.default(process.argv.slice(2));
}
if (names.length === 0) process.stdout.write('no benchmarks yet\n');
