import { realTimers, type Timers } from '../clock.ts';
import type { AppError } from '../errors.ts';

/**
 * Where the network stands for a running job:
 * - `clear`: downloads go on;
 * - `outage`: MAST or the network cannot be reached; downloads wait (the targets stay pending)
 *   while a probe asks the failing host now and then, with backoff up to `retryEveryMs`;
 * - `first-request-failed`: the very first requests of a job were refused at the network level. A
 *   browser cannot tell a host that is down from one that refuses cross-origin requests (no CORS
 *   headers), so this is said rather than waited out: the job stops until someone acts.
 */
export type OutageStatus =
  | { kind: 'clear' }
  | {
      kind: 'outage';
      /** When the outage was declared (ms since the epoch). */
      since: number;
      /** `offline`: the browser says it has no network; `unreachable`: requests fail. */
      cause: 'offline' | 'unreachable';
      /** The wait before the next probe (grows up to the ceiling). */
      retryEveryMs: number;
      nextProbeAt: number;
      probing: boolean;
      /** The host of the last failed request, and what went wrong. */
      host: string;
      error: string;
      /** The last failure was a refused request (a TypeError): it may be CORS rather than an outage. */
      refused: boolean;
    }
  | { kind: 'first-request-failed'; since: number; host: string; error: string };

export interface OutageOptions {
  timers?: Timers;
  /** False when the browser knows it is offline (`navigator.onLine`). */
  online?: () => boolean;
  /** Network-class failures in a row, with no answer between them, that make an outage (default 3). */
  threshold?: number;
  /** Probe backoff: the first wait and the ceiling (default 5 s and 30 s). */
  firstProbeMs?: number;
  maxProbeMs?: number;
  /** Network-class failures of one target, while the network otherwise answers, after which it is failed (default 3). */
  targetStrikes?: number;
}

export interface OutageContext {
  /**
   * Asks the host that failed whether it answers now (true: any answer). Given the last
   * network-class error, whose `details.url` names the request.
   */
  probe(error: AppError, signal: AbortSignal): Promise<boolean>;
  /** Called on every change of status. */
  onChange(status: OutageStatus): void;
  /** The job had results before this run: its hosts answered once, so a refusal now is an outage. */
  answeredBefore?: boolean;
  /** Whether this host has answered this page before (any HTTP answer); default: any target answered. */
  hostAnswered?(url: string): boolean;
}

/** What becomes of a target whose download failed for network reasons. */
export type NetworkVerdict = 'requeue' | 'outage' | 'first-request-failed' | 'fail';

export const DEFAULT_OUTAGE_OPTIONS = {
  threshold: 3,
  firstProbeMs: 5_000,
  maxProbeMs: 30_000,
  targetStrikes: 3,
};

/**
 * Decides when a run pauses itself for an outage and when it goes on. Targets report how their
 * downloads ended: an answer (files, or a target-specific failure such as "not found") or a
 * network-class failure. `threshold` network failures in a row, one that no host of a file could
 * serve, one the relay of `npm start` could not get through, or one while the browser is offline,
 * declare an outage: downloads stop and a probe asks the failing host again after 5 s, 10 s, 20 s,
 * then every 30 s. When it answers, downloads resume on trial: the next answer ends the outage; the
 * next failure declares it again without resetting the backoff, and a target that keeps failing
 * while probes find its host answering is failed after `targetStrikes` (its host answers, this
 * target's download does not). With probes every 30 s at most, and each probe bounded by its own
 * timeout, the run goes on within a minute of the host answering again.
 */
export class OutagePolicy {
  private status: OutageStatus = { kind: 'clear' };
  private readonly timers: Timers;
  private readonly online: () => boolean;
  private readonly o: typeof DEFAULT_OUTAGE_OPTIONS;
  private inRow = 0;
  private onTrial = false;
  private answeredAny = false;
  private backoff = 0;
  private readonly strikes = new Map<string, number>();
  private lastError: AppError | null = null;
  private timer: unknown = null;
  private probeAbort: AbortController | null = null;
  private disposed = false;

  constructor(
    private readonly context: OutageContext,
    options: OutageOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    this.online = options.online ?? (() => globalThis.navigator?.onLine !== false);
    this.o = {
      threshold: options.threshold ?? DEFAULT_OUTAGE_OPTIONS.threshold,
      firstProbeMs: options.firstProbeMs ?? DEFAULT_OUTAGE_OPTIONS.firstProbeMs,
      maxProbeMs: options.maxProbeMs ?? DEFAULT_OUTAGE_OPTIONS.maxProbeMs,
      targetStrikes: options.targetStrikes ?? DEFAULT_OUTAGE_OPTIONS.targetStrikes,
    };
  }

  get current(): OutageStatus {
    return this.status;
  }

  get downloadsAllowed(): boolean {
    return this.status.kind === 'clear';
  }

  /** A target's download came to an answer: its files, or a failure that is the target's own. */
  answered(key: string): void {
    this.answeredAny = true;
    this.inRow = 0;
    this.onTrial = false;
    this.backoff = 0;
    this.strikes.delete(key);
    // a download still in flight when the outage was declared got through: the host is back
    if (this.status.kind === 'outage') this.clear();
  }

  /** A target's download failed for network reasons (failureKind 'network'): what to do with it. */
  networkFailure(key: string, err: AppError): NetworkVerdict {
    if (this.disposed) return 'requeue';
    this.lastError = err;
    if (this.status.kind !== 'clear') return 'requeue';
    const url = typeof err.details.url === 'string' ? err.details.url : '';
    const host = hostName(url);
    if (!this.online()) {
      this.declare('offline', err, host);
      return 'outage';
    }
    const hostAnswered = this.context.hostAnswered?.(url) ?? this.answeredAny;
    // Through the relay of `npm start` (details.relayed), a refusal is no CORS matter: the server
    // could not reach the host either, so the host or the network is down.
    const relayed = err.details.relayed === true;
    if (err.name === 'network-blocked' && !relayed && !this.context.answeredBefore && !hostAnswered) {
      this.setStatus({ kind: 'first-request-failed', since: this.timers.now(), host, error: err.message });
      return 'first-request-failed';
    }
    // One target whose every host (Download, archive, cloud copy) refused or did not answer is enough.
    const everyHost = err.name === 'network-blocked' && Array.isArray(err.details.hosts) && err.details.hosts.length > 1;
    if ((everyHost || relayed) && !this.onTrial) {
      this.strikes.clear();
      this.declare('unreachable', err, host);
      return 'outage';
    }
    const strikes = (this.strikes.get(key) ?? 0) + 1;
    this.strikes.set(key, strikes);
    if (this.onTrial) {
      // A probe found the host answering, yet this download failed.
      if (strikes >= this.o.targetStrikes) {
        this.strikes.delete(key);
        return 'fail';
      }
      this.declare('unreachable', err, host);
      return 'outage';
    }
    this.inRow++;
    if (this.inRow >= this.o.threshold) {
      // The failures that led here were the outage's, not their targets'.
      this.strikes.clear();
      this.declare('unreachable', err, host);
      return 'outage';
    }
    if (strikes >= this.o.targetStrikes) {
      this.strikes.delete(key);
      return 'fail';
    }
    return 'requeue';
  }

  /** Probe now (the banner's *Resume now*, or the browser going back online); the backoff stays. */
  probeNow(): void {
    if (this.status.kind !== 'outage' || this.status.probing || this.disposed) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    void this.runProbe();
  }

  dispose(): void {
    this.disposed = true;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.probeAbort?.abort(new DOMException('The run stopped', 'AbortError'));
  }

  private declare(cause: 'offline' | 'unreachable', err: AppError, host: string): void {
    const now = this.timers.now();
    this.setStatus({
      kind: 'outage',
      since: now,
      cause,
      retryEveryMs: 0,
      nextProbeAt: now,
      probing: false,
      host,
      error: err.message,
      refused: err.name === 'network-blocked' && err.details.relayed !== true,
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.status.kind !== 'outage' || this.disposed) return;
    const wait = Math.min(this.o.maxProbeMs, this.o.firstProbeMs * 2 ** this.backoff);
    this.backoff = Math.min(this.backoff + 1, 30);
    this.setStatus({ ...this.status, retryEveryMs: wait, nextProbeAt: this.timers.now() + wait, probing: false });
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.runProbe();
    }, wait);
  }

  private async runProbe(): Promise<void> {
    if (this.status.kind !== 'outage' || this.disposed || !this.lastError) return;
    if (!this.online()) {
      // No point asking while the browser knows it is offline; look again later.
      this.setStatus({ ...this.status, cause: 'offline' });
      return this.schedule();
    }
    this.setStatus({ ...this.status, cause: 'unreachable', probing: true });
    const abort = (this.probeAbort = new AbortController());
    let answered = false;
    try {
      answered = await this.context.probe(this.lastError, abort.signal);
    } catch {
      answered = false;
    }
    if (this.disposed || this.status.kind !== 'outage') return;
    if (answered) {
      this.onTrial = true;
      this.clear();
    } else {
      this.schedule();
    }
  }

  private clear(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.setStatus({ kind: 'clear' });
  }

  private setStatus(status: OutageStatus): void {
    this.status = status;
    this.context.onChange(status);
  }
}

function hostName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'MAST';
  }
}
