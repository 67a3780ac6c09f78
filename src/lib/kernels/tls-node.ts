/** Node-only access to the built TLS kernels (tests, CLI, benchmarks); the browser fetches the asset. */
import { loadWasm, type KernelTarget } from './node.ts';

/** The bytes of build/kernels/tls-<target>.wasm (made by `npm run asbuild`; inlined in the bundled CLI). */
export function loadTlsKernelBytes(target: KernelTarget): Promise<Uint8Array<ArrayBuffer>> {
  return loadWasm(`tls-${target}`, `TLS ${target}`);
}
