import wasmUrl from '../../../build/kernels/release.wasm?url';
import type { BlsEngine } from '../search/bls-types.ts';
import { createBlsEngine } from './bls-kernel.ts';

/** The release kernel as the browser gets it: a static asset, fetched and compiled once per worker. */
export async function loadBrowserEngine(): Promise<BlsEngine> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`could not load the BLS kernel (${response.status} for ${wasmUrl})`);
  return createBlsEngine(await response.arrayBuffer());
}
