/**
 * What `run` says while it works, on stderr. On a terminal: one line redrawn in place (done,
 * failed, rate, ETA). Otherwise (a file, a pipe, a Slurm log): one plain line per finished target
 * with the same counts, so a log read later says when each target ended and how it went.
 */
import type { OutageStatus } from '../../lib/jobs/outage.ts';
import type { JobRecord, TargetRecord } from '../../lib/jobs/types.ts';
import type { TargetResult } from '../../lib/search/result.ts';
import { formatTarget } from '../../lib/target.ts';

/** How many recent completions the rate looks at (as the app's progress panel). */
const RATE_WINDOW = 50;

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `1h 02m`, `4m 05s`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A target as a person names it. */
export function targetLabel(t: TargetRecord): string {
  if (t.target) return formatTarget(t.target);
  if (t.name) return t.name;
  return t.key;
}

/** What the run says when its network status changes (jobs/outage.ts); null when nothing changed worth saying. */
export function outageMessage(status: OutageStatus, previous: OutageStatus['kind']): string | null {
  if (status.kind === 'clear') return previous === 'outage' ? 'MAST answers again: the run goes on' : null;
  if (status.kind === 'first-request-failed') {
    return (
      `could not reach MAST (${status.host}): ${status.error}. Nothing was marked failed. Check this machine's network ` +
      '(compute nodes of some clusters have none: run where there is, with --cache, and then offline), or give a host that answers with --mast'
    );
  }
  if (status.probing) return null;
  const every = status.retryEveryMs >= 90_000 ? `${Math.round(status.retryEveryMs / 60_000)} min` : `${Math.round(status.retryEveryMs / 1000)} s`;
  return (
    `MAST unreachable since ${new Date(status.since).toISOString()} (${status.host}: ${status.error}); ` +
    `the targets it could not download stay pending, asking again every ${every}`
  );
}

export class ProgressReporter {
  private readonly completions: number[] = [];
  private lineShown = false;

  constructor(
    private readonly out: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** Targets per minute over the recent completions of this run; null until two have finished. */
  get rate(): number | null {
    const c = this.completions;
    if (c.length < 2) return null;
    const minutes = (c[c.length - 1] - c[0]) / 60_000;
    return minutes > 0 ? (c.length - 1) / minutes : null;
  }

  /** `12/40 targets · 1 failed · 8.5/min · ETA 3m 18s`. */
  status(job: JobRecord): string {
    const finished = job.done + job.failed;
    const remaining = job.nTargets - finished;
    const parts = [`${finished}/${job.nTargets} targets`, `${job.failed} failed`];
    const rate = this.rate;
    if (rate !== null) parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/min`);
    if (rate !== null && remaining > 0) parts.push(`ETA ${formatDuration((remaining / rate) * 60)}`);
    return parts.join(' · ');
  }

  /** The run starts (or continues). */
  start(job: JobRecord, note: string): void {
    this.message(note);
    if (this.tty) this.redraw(job);
  }

  /** A target's result was stored. */
  result(job: JobRecord, target: TargetRecord, result: TargetResult): void {
    this.completions.push(this.now());
    if (this.completions.length > RATE_WINDOW) this.completions.shift();
    if (this.tty) {
      if (result.status === 'failed') this.message(`${targetLabel(target)}: failed (${result.error?.code}: ${result.error?.message})`);
      this.redraw(job);
      return;
    }
    const outcome = result.status === 'ok' ? 'ok' : `failed (${result.error?.code}: ${result.error?.message})`;
    this.out.write(`${new Date(this.now()).toISOString()} [${this.status(job)}] ${targetLabel(target)}: ${outcome}\n`);
  }

  /** A line of its own (above the progress line on a terminal). */
  message(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  /** Leaves the last progress line in place and moves below it. */
  finish(job: JobRecord): void {
    if (this.tty) {
      this.redraw(job);
      this.out.write('\n');
      this.lineShown = false;
    }
  }

  private redraw(job: JobRecord): void {
    const width = Math.max(20, (this.out.columns || 100) - 1);
    this.out.write(`\r\x1b[2K${this.status(job).slice(0, width)}`);
    this.lineShown = true;
  }

  private clear(): void {
    if (this.tty && this.lineShown) {
      this.out.write('\r\x1b[2K');
      this.lineShown = false;
    }
  }
}
