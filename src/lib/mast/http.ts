import { AppError, type ErrorCode } from '../errors.ts';
import { hostOf } from './config.ts';
import { RelayUnreachableError } from './relay-client.ts';

/**
 * What the client needs from its surroundings. `fetch` is injected so the browser, Node and tests
 * (with a fault-injecting wrapper) run the same code.
 */
export interface MastDeps {
  fetch: typeof fetch;
  /** The caller's cancellation; ends the work with an error named `AbortError`, never retried. */
  signal?: AbortSignal;
  /** Waits between retries and polls; tests pass a recorder that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt for transient failures (default 3). */
  retries?: number;
  /** Per-request limit, body included (default 120 s: a 2 MB TESS file at MAST's reported ~10-20 KB/s worst case). */
  timeoutMs?: number;
  /** Give up on network-blocked at once: set while another host is left to try. */
  noRetryWhenBlocked?: boolean;
}

export const DEFAULT_RETRIES = 3;
export const DEFAULT_TIMEOUT_MS = 120_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

/**
 * Exponential backoff with "equal jitter" (half fixed, half random), so that many workers that
 * failed together do not retry together. astroquery itself never retries HTTP errors (§3); MAST's
 * intermittent 503s are why we do.
 */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry);
  return ceiling / 2 + (ceiling / 2) * random();
}

export function abortError(): Error {
  return new DOMException('the request was cancelled', 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** Waits `ms`, through the injected sleep when given, and ends early on the caller's abort. */
export async function pause(ms: number, deps: MastDeps): Promise<void> {
  throwIfAborted(deps.signal);
  if (deps.sleep) await deps.sleep(ms);
  else await abortableTimeout(ms, deps.signal);
  throwIfAborted(deps.signal);
}

function abortableTimeout(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error for an HTTP status: 429 and 5xx are worth retrying, other statuses are not. */
export function httpStatusError(code: ErrorCode, message: string, status: number, url: string): AppError {
  return new AppError(code, message, { transient: status === 429 || status >= 500, status, url });
}

/**
 * Runs `attempt` (one request, body included) under a per-request timeout combined with the
 * caller's signal, and retries transient failures with backoff. `failureCode` names what a timeout
 * or an unexpected error becomes (`mast-error` for queries, `download-failed` for files).
 */
export async function withRetries<T>(
  url: string,
  failureCode: ErrorCode,
  deps: MastDeps,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const retries = deps.retries ?? DEFAULT_RETRIES;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (let n = 0; ; n++) {
    throwIfAborted(deps.signal);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
    let failure: AppError;
    try {
      return await attempt(signal);
    } catch (err) {
      if (deps.signal?.aborted) throw abortError();
      failure = classify(err, url, failureCode, timeoutMs);
    }
    if (!failure.transient || n >= retries || (deps.noRetryWhenBlocked && failure.name === 'network-blocked')) {
      throw new AppError(failure.name, failure.message, { ...failure.details, attempts: n + 1 });
    }
    await pause(backoffMs(n), deps);
  }
}

function classify(err: unknown, url: string, failureCode: ErrorCode, timeoutMs: number): AppError {
  if (err instanceof AppError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const message = String((err as { message?: unknown } | null)?.message ?? err);
  // Our own timeout: fetch rejects with the signal's reason (TimeoutError), or AbortError while
  // the body streams; the caller's abort was handled before we get here.
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new AppError(failureCode, `${hostOf(url)} did not answer within ${timeoutMs / 1000} s`, { transient: true, url });
  }
  // Blocked directly, and the page's relay (npm start) could not reach the host either: the network
  // or the host is down. Still network-blocked, the code for "no answer could be read".
  if (err instanceof RelayUnreachableError) {
    return new AppError(
      'network-blocked',
      `could not reach ${hostOf(url)}: the browser blocked the direct request and the relay of the server that serves this page could not reach it either (${err.reason})`,
      { transient: true, url, cause: message, relayed: true },
    );
  }
  // fetch rejects with a bare TypeError, and no status, both when CORS hides the response and when
  // the network is down; the two cannot be told apart from script (Fetch standard, "network error").
  if (err instanceof TypeError) {
    return new AppError(
      'network-blocked',
      `could not reach ${hostOf(url)}: the browser blocked the response (CORS) or the network is down; set the MAST base URL in Settings or ?mast=…`,
      { transient: true, url, cause: message },
    );
  }
  return new AppError(failureCode, message, { transient: false, url });
}
