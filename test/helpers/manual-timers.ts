import type { Timers } from '../../src/lib/clock.ts';

/**
 * A clock that moves only when told: `advance(ms)` runs the timers that fall due, in order, letting
 * promises settle between them, so that a policy's minutes pass in a test's milliseconds.
 */
export class ManualTimers implements Timers {
  private time: number;
  private nextId = 1;
  private readonly due = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 5, 14, 2)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.due.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.due.size;
  }

  /** Moves the clock by `ms`, firing what falls due on the way; settles promises after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.due) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
    }
    this.time = end;
    await settle();
  }
}

/** Lets pending promise callbacks (and a macrotask) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
