import { realTimers, type Timers } from '../clock.ts';

/** A probe sent into a dead network must not delay the next one. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
/** The wait before a probe that met a 5xx or its time limit asks once more. */
export const PROBE_RETRY_MS = 1_000;

export interface ProbeOptions {
  /** Time limit of each request (default 10 s). */
  timeoutMs?: number;
  /** Wait before the second request (default 1 s). */
  retryMs?: number;
  timers?: Timers;
}

type Answer = 'answered' | 'flaky' | 'refused';

/**
 * Asks the host of `url` whether it answers, with a HEAD request of its own short time limit: any
 * answer below 500 counts (a 404 or 405 from an endpoint that wants a POST still means the host is
 * up and lets this page read it); a refused request does not. A 5xx or a request past its limit is
 * asked once more, a second later: a host that is back still drops a request now and then (MAST's
 * intermittent 503s), and one such answer would otherwise cost a whole step of the outage's backoff
 * (up to 30 s more). A refused request is not: that is the outage itself. The caller's `signal`
 * ends the probe at once, with no.
 */
export async function probeHost(fetchFn: typeof fetch, url: string, signal: AbortSignal, options: ProbeOptions = {}): Promise<boolean> {
  const timers = options.timers ?? realTimers;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const first = await probeOnce(fetchFn, url, signal, timeoutMs, timers);
  if (first !== 'flaky' || signal.aborted) return first === 'answered';
  if (!(await wait(timers, options.retryMs ?? PROBE_RETRY_MS, signal))) return false;
  return (await probeOnce(fetchFn, url, signal, timeoutMs, timers)) === 'answered';
}

async function probeOnce(fetchFn: typeof fetch, url: string, signal: AbortSignal, timeoutMs: number, timers: Timers): Promise<Answer> {
  const limit = new AbortController();
  const timer = timers.setTimeout(() => limit.abort(new DOMException('The probe passed its time limit', 'TimeoutError')), timeoutMs);
  try {
    const response = await fetchFn(url, { method: 'HEAD', signal: AbortSignal.any([signal, limit.signal]) });
    await response.body?.cancel();
    return response.status < 500 ? 'answered' : 'flaky';
  } catch {
    return limit.signal.aborted && !signal.aborted ? 'flaky' : 'refused';
  } finally {
    timers.clearTimeout(timer);
  }
}

/** True after `ms`; false at once when `signal` aborts first. */
function wait(timers: Timers, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      timers.clearTimeout(timer);
      resolve(false);
    };
    const timer = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
