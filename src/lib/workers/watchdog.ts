import { realTimers, type Timers } from '../clock.ts';

/**
 * How long an analysis may run: `floorSeconds` plus `factor` times its planned time, at most
 * `capSeconds`. The floor covers what happens before the plan is known (reading, cleaning,
 * detrending) and makes small searches safe from a busy machine; the factor leaves room for a slow
 * one (the plans are one-core estimates from a development machine); the cap is the user's.
 */
export interface TimeLimits {
  floorSeconds: number;
  factor: number;
  /** Settings › Time limit per analysis. */
  capSeconds: number;
}

export const DEFAULT_TIME_LIMITS: TimeLimits = Object.freeze({ floorSeconds: 60, factor: 10, capSeconds: 1800 });

/** The time limit, in seconds, of an analysis planned to take `plannedSeconds`. */
export function timeLimitSeconds(plannedSeconds: number, limits: TimeLimits = DEFAULT_TIME_LIMITS): number {
  return Math.min(limits.capSeconds, limits.floorSeconds + limits.factor * plannedSeconds);
}

export interface Expiry {
  elapsedSeconds: number;
  limitSeconds: number;
  plannedSeconds: number;
}

/**
 * One analysis's time limit. `start` arms it with the floor; each `plan` adds the planned seconds of
 * a search as it becomes known (the worker reports the BLS grid's and the TLS grid's estimates) and
 * moves the deadline; `onExpire` is called once when the time is up, unless `stop` came first.
 */
export class Watchdog {
  private planned = 0;
  private startedAt = 0;
  private timer: unknown = null;
  private running = false;

  constructor(
    private readonly onExpire: (expiry: Expiry) => void,
    private readonly limits: TimeLimits = DEFAULT_TIME_LIMITS,
    private readonly timers: Timers = realTimers,
  ) {}

  get limitSeconds(): number {
    return timeLimitSeconds(this.planned, this.limits);
  }

  get plannedSeconds(): number {
    return this.planned;
  }

  start(): this {
    this.startedAt = this.timers.now();
    this.running = true;
    this.arm();
    return this;
  }

  /** More planned work (seconds); ignored when not a finite positive number. */
  plan(seconds: number): void {
    if (!this.running || !(Number.isFinite(seconds) && seconds > 0)) return;
    this.planned += seconds;
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.timers.clearTimeout(this.timer);
    const deadline = this.startedAt + this.limitSeconds * 1000;
    this.timer = this.timers.setTimeout(() => this.expire(), Math.max(0, deadline - this.timers.now()));
  }

  private expire(): void {
    if (!this.running) return;
    this.stop();
    this.onExpire({
      elapsedSeconds: (this.timers.now() - this.startedAt) / 1000,
      limitSeconds: this.limitSeconds,
      plannedSeconds: this.planned,
    });
  }
}
