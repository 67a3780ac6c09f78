import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { mergeShardCsvs } from '../run/merge.ts';
import { parse, UsageError } from '../args.ts';

export const MERGE_USAGE = `  cli merge RESULTS.csv PART.csv... [--allow-pending]
      Joins the CSVs of "run --shard K/N" into the app's CSV of the whole list, rows in input order.
      Fails, naming them, when a sample row is missing or present twice, when parts come from
      different lists or splits, or when rows are still pending (unless --allow-pending).`;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'allow-pending': { type: 'boolean' } });
  if (positionals.length < 2) throw new UsageError('merge takes the output file and at least one part');
  const [out, ...inputs] = positionals;
  const resolved = path.resolve(out);
  if (inputs.some((p) => path.resolve(p) === resolved)) throw new UsageError(`merge would overwrite its own input ${out}`);
  const parts = await Promise.all(
    inputs.map(async (name) => {
      try {
        return { name, text: await readFile(name, 'utf8') };
      } catch (err) {
        throw new AppError('invalid-input', `cannot read ${name}: ${(err as Error).message}`);
      }
    }),
  );
  const merged = mergeShardCsvs(parts, { allowPending: values['allow-pending'] === true });
  const tmp = `${resolved}.${process.pid}.tmp`;
  await writeFile(tmp, merged);
  await rename(tmp, resolved);
  process.stderr.write(`wrote ${out} from ${parts.length} parts\n`);
  return 0;
}
