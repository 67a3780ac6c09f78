import { expect } from 'vitest';

/**
 * A `fetch` for fault tests: records every call and answers the n-th call with the n-th scripted
 * step; once the script runs out, calls go to the real `fetch` (and so to the stand-in).
 */
export interface FetchCall {
  url: string;
  init: RequestInit | undefined;
}

export type FetchStep = (url: string, init: RequestInit | undefined, real: typeof fetch) => Promise<Response> | Response;

export function scriptedFetch(steps: FetchStep[] = []): { fetch: typeof fetch; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const real = globalThis.fetch;
  const wrapped = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push({ url, init });
    const step = steps[calls.length - 1];
    return step ? step(url, init, real) : real(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, calls };
}

/** Steps used by several tests. */
export const status = (code: number): FetchStep => () => new Response(`status ${code}`, { status: code });
export const rejectWith = (err: Error): FetchStep => () => Promise.reject(err);
export const json = (value: unknown): FetchStep => () => new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } });

/** What a promise rejected with; fails the test if it resolved or threw something else than a `type`. */
export async function rejectionOf<E extends Error = Error>(p: Promise<unknown>, type: abstract new (...args: never[]) => E = Error as never): Promise<E> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}
