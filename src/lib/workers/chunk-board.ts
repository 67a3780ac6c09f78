/**
 * The scheduling side of a TLS search shared among workers (lib/search/tls/split.ts cuts the grid and
 * joins the parts): which chunk goes to whom, and how long the owner waits for a helper's chunk before
 * taking it back. It keeps time, so it lives with the pool, not in the numeric layer.
 */
import type { ChunkOutput, ChunkResult, PeriodChunk, ShareStep } from '../search/tls/index.ts';

type ChunkState = 'open' | 'owner' | 'helper' | 'done';

/**
 * The claims on the chunks of one shared search. The owner takes open chunks from the front; helpers
 * take them from the back, one at a time. A chunk whose helper failed, was too slow, or computed it
 * with another kernel build than the owner's `version` goes back to the owner and is never offered
 * to a helper again.
 */
export class ChunkBoard {
  private readonly state: ChunkState[];
  private readonly ownerOnly: boolean[];
  private readonly startedAt: number[];
  private readonly ready: ChunkResult[] = [];
  private ownerChunk = -1;
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly chunks: PeriodChunk[],
    private readonly version: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.state = chunks.map(() => 'open');
    this.ownerOnly = chunks.map(() => false);
    this.startedAt = chunks.map(() => 0);
  }

  /** Chunks an idle worker could take now. */
  get offered(): number {
    if (this.closed) return 0;
    return this.state.filter((s, i) => s === 'open' && !this.ownerOnly[i]).length;
  }

  /** The last open chunk for an idle worker, or null. */
  claimForHelper(): number | null {
    if (this.closed) return null;
    for (let i = this.state.length - 1; i >= 0; i--) {
      if (this.state[i] === 'open' && !this.ownerOnly[i]) {
        this.state[i] = 'helper';
        this.startedAt[i] = this.now();
        return i;
      }
    }
    return null;
  }

  /** A helper's output; ignored when the chunk was taken back or the search closed. */
  helperDone(index: number, { out, version }: ChunkOutput, worker: number): void {
    if (this.closed || this.state[index] !== 'helper') return;
    // another build of the kernel (rebuilt while a job ran, say) might give other numbers
    if (version !== this.version) return this.helperFailed(index);
    this.state[index] = 'done';
    this.ready.push({ index, out, version, worker });
    this.notify();
  }

  /** A helper failed (an error, a crash): its chunk goes back to the owner. */
  helperFailed(index: number): void {
    if (this.closed || this.state[index] !== 'helper') return;
    this.state[index] = 'open';
    this.ownerOnly[index] = true;
    this.notify();
  }

  /** Withdraws everything; an owner waiting in `next` gets an AbortError. */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
    this.notify();
  }

  async next(patienceMs: number): Promise<ShareStep> {
    if (this.ownerChunk >= 0) this.state[this.ownerChunk] = 'done';
    this.ownerChunk = -1;
    for (;;) {
      if (this.closed) throw new DOMException('The shared TLS search was closed', 'AbortError');
      const open = this.state.indexOf('open');
      if (open >= 0) return this.giveOwner(open);
      if (this.ready.length > 0) return { done: this.ready.splice(0) };
      let late = -1;
      for (let i = 0; i < this.state.length; i++) {
        if (this.state[i] === 'helper' && (late < 0 || this.startedAt[i] < this.startedAt[late])) late = i;
      }
      if (late < 0) return { done: [], end: true };
      const wait = this.startedAt[late] + patienceMs - this.now();
      if (wait <= 0) {
        this.ownerOnly[late] = true;
        return this.giveOwner(late);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.notify(), wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private giveOwner(index: number): ShareStep {
    this.state[index] = 'owner';
    this.ownerChunk = index;
    return { run: index, done: this.ready.splice(0) };
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
