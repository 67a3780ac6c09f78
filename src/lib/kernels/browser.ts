import blsUrl from '../../../build/kernels/release.wasm?url';
import tlsUrl from '../../../build/kernels/tls-release.wasm?url';
import type { BlsEngine } from '../search/bls-types.ts';
import type { TlsEngine } from '../search/tls/index.ts';
import { createBlsEngine } from './bls-kernel.ts';
import { createTlsEngine } from './tls-kernel.ts';

/** A release kernel as the browser gets it: a static asset, fetched once per worker. */
async function fetchKernel(url: string, what: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the ${what} kernel (${response.status} for ${url})`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function loadBrowserEngine(): Promise<BlsEngine> {
  return createBlsEngine(await fetchKernel(blsUrl, 'BLS'));
}

export async function loadBrowserTlsEngine(): Promise<TlsEngine> {
  return createTlsEngine(await fetchKernel(tlsUrl, 'TLS'));
}
