/**
 * The one error type of the app. `name` is a stable code so that it survives comlink
 * (which keeps only name, message and stack) and can be written into a CSV row.
 */
export type ErrorCode =
  | 'invalid-sample-file'
  | 'invalid-sample-row'
  | 'invalid-settings'
  | 'target-not-found'
  | 'no-light-curve'
  | 'download-failed'
  | 'network-blocked'
  | 'mast-error'
  | 'fits-invalid'
  | 'too-few-points'
  | 'invalid-input'
  | 'grid-too-large'
  | 'kernel-error'
  | 'kernel-trap'
  | 'worker-crashed'
  | 'timeout'
  | 'storage-quota'
  | 'storage-failed'
  | 'storage-outdated'
  | 'invalid-job-file'
  | 'aborted';

export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid-sample-file',
  'invalid-sample-row',
  'invalid-settings',
  'target-not-found',
  'no-light-curve',
  'download-failed',
  'network-blocked',
  'mast-error',
  'fits-invalid',
  'too-few-points',
  'invalid-input',
  'grid-too-large',
  'kernel-error',
  'kernel-trap',
  'worker-crashed',
  'timeout',
  'storage-quota',
  'storage-failed',
  'storage-outdated',
  'invalid-job-file',
  'aborted',
];

export class AppError extends Error {
  override readonly name: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = code;
    this.details = details;
  }

  /** Transient failures are worth retrying; permanent ones never are. */
  get transient(): boolean {
    return this.details.transient === true;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Turns anything thrown (including an error that crossed a worker boundary and lost its class)
 * back into an AppError without losing the code.
 */
export function toAppError(err: unknown, fallback: ErrorCode = 'kernel-error'): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)) {
    const e = err as { name?: unknown; message?: unknown; details?: unknown };
    const message = String(e.message ?? 'unknown error');
    if (e.name === 'AbortError') return new AppError('aborted', message);
    if (isErrorCode(e.name)) {
      const details = typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : {};
      return new AppError(e.name, message, details);
    }
    if (e.name === 'QuotaExceededError') return new AppError('storage-quota', `The browser refused to store more data: ${message}`);
    if (e.name === 'RuntimeError') return new AppError('kernel-trap', `The WebAssembly kernel trapped: ${message}`);
    return new AppError(fallback, message);
  }
  return new AppError(fallback, String(err));
}

/** "code: message", the form written to a CSV row's `error` column. */
export function formatError(err: AppError): string {
  return `${err.name}: ${err.message}`;
}
