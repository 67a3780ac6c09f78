/** Node-only access to the built kernels (tests, CLI, benchmarks); the browser fetches the asset. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type KernelTarget = 'release' | 'debug';

/** The bytes of build/kernels/<target>.wasm (made by `npm run asbuild`). */
export async function loadKernelBytes(target: KernelTarget): Promise<Uint8Array<ArrayBuffer>> {
  const file = path.join(REPO_ROOT, 'build', 'kernels', `${target}.wasm`);
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new AppError('kernel-error', `cannot read the ${target} kernel at ${file}; run "npm run asbuild" first`, {
      file,
      cause: String(err),
    });
  }
}
