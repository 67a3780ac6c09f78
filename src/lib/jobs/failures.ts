import type { AppError, ErrorCode } from '../errors.ts';
import type { TargetRecord } from './types.ts';

/**
 * What a failure says about its target:
 * - `network`: MAST or the network could not be reached (a blocked or unreachable host, a request
 *   with no answer, a 5xx or a cut body after the client's own retries). Says nothing about the
 *   target: it stays pending, and several in a row mean an outage.
 * - `worker`: the analysis worker crashed, trapped or ran past its time limit. Retried once; the
 *   second time the target is failed for good.
 * - `target`: this target has no usable data (not found, no light curve, a bad FITS file, too few
 *   points, a refused grid...). Stored as failed at once.
 */
export type FailureKind = 'network' | 'worker' | 'target';

export const WORKER_FAILURE_CODES: readonly ErrorCode[] = ['worker-crashed', 'kernel-trap', 'timeout'];

/** Worker failures after which a target is failed and never retried automatically again. */
export const MAX_WORKER_FAILURES = 2;

/** The codes `Retry failed › only transient` runs again: outcomes another try may change. */
export const TRANSIENT_CODES: readonly ErrorCode[] = ['download-failed', 'network-blocked', 'mast-error', 'timeout', 'worker-crashed', 'kernel-trap'];

export function failureKind(err: AppError): FailureKind {
  if ((WORKER_FAILURE_CODES as readonly string[]).includes(err.name)) return 'worker';
  if (err.name === 'network-blocked') return 'network';
  // The MAST client marks what is worth retrying (timeouts, 429, 5xx, cut bodies, maintenance
  // pages); once its own retries are spent, those are the network's doing, not the target's.
  if ((err.name === 'download-failed' || err.name === 'mast-error') && err.transient) return 'network';
  return 'target';
}

export type RetryChoice = 'all' | 'transient';

/** Whether `Retry failed` with this choice runs the target again. */
export function retryable(target: Pick<TargetRecord, 'status' | 'result'>, choice: RetryChoice): boolean {
  if (target.status !== 'failed') return false;
  if (choice === 'all') return true;
  const code = target.result?.error?.code;
  return code !== undefined && (TRANSIENT_CODES as readonly string[]).includes(code);
}

/** A target's attempts as the CSV shows them (records stored before attempts were counted have none). */
export function attemptsOf(target: Pick<TargetRecord, 'status' | 'attempts'>): number {
  return target.attempts ?? (target.status === 'pending' ? 0 : 1);
}

/** How many targets each `Retry failed` choice would run again. */
export function retryCounts(targets: ReadonlyArray<Pick<TargetRecord, 'status' | 'result'>>): Record<RetryChoice, number> {
  let all = 0;
  let transient = 0;
  for (const t of targets) {
    if (t.status !== 'failed') continue;
    all++;
    if (retryable(t, 'transient')) transient++;
  }
  return { all, transient };
}
