/** Node-only access to the built TLS kernels (tests, CLI, benchmarks); the browser fetches the asset. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';
import type { KernelTarget } from './node.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The bytes of build/kernels/tls-<target>.wasm (made by `npm run asbuild`). */
export async function loadTlsKernelBytes(target: KernelTarget): Promise<Uint8Array<ArrayBuffer>> {
  const file = path.join(REPO_ROOT, 'build', 'kernels', `tls-${target}.wasm`);
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new AppError('kernel-error', `cannot read the TLS ${target} kernel at ${file}; run "npm run asbuild" first`, { file, cause: String(err) });
  }
}
