import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createBlsEngine } from '../lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../lib/kernels/node.ts';
import { slowBlsEngine } from '../lib/search/bls-slow.ts';
import type { BlsEngine } from '../lib/search/bls-types.ts';

/** A usage error: printed to stderr, exit status 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS: Options = {
  format: { type: 'string', default: 'json' },
  engine: { type: 'string', default: 'wasm' },
  kernel: { type: 'string', default: 'release' },
  help: { type: 'boolean', short: 'h' },
};

/** The BLS search options shared by `analyze` and `bls`. */
export const SEARCH_OPTIONS: Options = {
  durations: { type: 'string' },
  objective: { type: 'string' },
  'frequency-factor': { type: 'string' },
  oversample: { type: 'string' },
  'period-min': { type: 'string' },
  'period-max': { type: 'string' },
};

export function parse(argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { ...COMMON_OPTIONS, ...options } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function numberOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: "${String(value)}" is not a number`);
  return n;
}

export function durationsOption(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = String(value).split(',').map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((d) => !(Number.isFinite(d) && d > 0))) throw new UsageError(`--durations: "${String(value)}" is not a list of positive days`);
  return list;
}

export function choiceOption<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) throw new UsageError(`--${name} must be ${choices.join(' or ')}, not "${String(value)}"`);
  return value as T;
}

/** The BLS engine named by --engine / --kernel. */
export async function blsEngine(values: Record<string, unknown>): Promise<BlsEngine> {
  const engine = choiceOption(values.engine, 'engine', ['wasm', 'slow'] as const);
  const kernel = choiceOption(values.kernel, 'kernel', ['release', 'debug'] as const);
  if (engine === 'slow') return slowBlsEngine;
  return createBlsEngine(await loadKernelBytes(kernel ?? 'release'));
}
