import { AppError } from '../errors.ts';

/** Time limits of a run, from Settings; they change how long a run waits, never a result's numbers. */
export interface RunLimits {
  /** No analysis runs longer than this (the cap of each watchdog's limit, workers/watchdog.ts). */
  analysisMaxSeconds: number;
  /** One request to MAST, body included, before it is given up and retried. */
  requestTimeoutSeconds: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = Object.freeze({ analysisMaxSeconds: 1800, requestTimeoutSeconds: 120 });

/** Checks limits typed in Settings, naming the field and the rule. */
export function validateRunLimits(l: RunLimits): RunLimits {
  const whole = (field: string, value: number, min: number, max: number): number => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new AppError('invalid-settings', `${field} must be a whole number of seconds from ${min} to ${max}, got ${value}`, { field, value });
    }
    return value;
  };
  return {
    analysisMaxSeconds: whole('Time limit per analysis', l.analysisMaxSeconds, 10, 86_400),
    requestTimeoutSeconds: whole('Time limit per request', l.requestTimeoutSeconds, 1, 600),
  };
}
