/** Node-only access to the built kernels (tests, CLI, benchmarks); the browser fetches the asset. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';

/** The kernels inlined as base64 by the CLI bundle (vite.cli.config.ts); undefined when run from source. */
declare const __BUNDLED_KERNELS__: Record<string, string> | undefined;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type KernelTarget = 'release' | 'debug';

/**
 * The bytes of a kernel by file stem (`release`, `tls-debug`, ...): inlined in the bundled CLI, so the
 * one file runs anywhere; otherwise build/kernels/<stem>.wasm (made by `npm run asbuild`).
 */
export async function loadWasm(stem: string, what: string): Promise<Uint8Array<ArrayBuffer>> {
  const inlined = typeof __BUNDLED_KERNELS__ === 'undefined' ? undefined : __BUNDLED_KERNELS__[stem];
  if (inlined !== undefined) {
    const bytes = Buffer.from(inlined, 'base64');
    return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  const file = path.join(REPO_ROOT, 'build', 'kernels', `${stem}.wasm`);
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new AppError('kernel-error', `cannot read the ${what} kernel at ${file}; run "npm run asbuild" first`, {
      file,
      cause: String(err),
    });
  }
}

/** The bytes of the BLS kernel build/kernels/<target>.wasm. */
export function loadKernelBytes(target: KernelTarget): Promise<Uint8Array<ArrayBuffer>> {
  return loadWasm(target, target);
}
