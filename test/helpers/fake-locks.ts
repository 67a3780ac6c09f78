import type { LockManagerLike } from '../../src/lib/jobs/job-lock.ts';

interface Waiter {
  client: string;
  name: string;
  grant(): void;
  reject(err: unknown): void;
}

/**
 * The Web Locks API of one browser profile, for Node tests: exclusive locks, `ifAvailable`, queued
 * requests granted in order, `signal` to leave the queue, and tabs (clients) that go away, which
 * releases what they hold without their callbacks ever finishing, as a closed tab does.
 */
export class FakeLockManager {
  private readonly holders = new Map<string, string>();
  private readonly queue: Waiter[] = [];
  private readonly closed = new Set<string>();

  /** The `navigator.locks` of one tab. */
  tab(client: string): LockManagerLike {
    return {
      request: (name, options, callback) => this.request(client, name, options, callback),
      query: async () => ({
        held: [...this.holders].map(([name, holder]) => ({ name, clientId: holder })),
        pending: this.queue.map((w) => ({ name: w.name, clientId: w.client })),
      }),
    };
  }

  holder(name: string): string | undefined {
    return this.holders.get(name);
  }

  waiting(name: string): string[] {
    return this.queue.filter((w) => w.name === name).map((w) => w.client);
  }

  /** The tab closes: its locks are released and its queued requests dropped. */
  close(client: string): void {
    this.closed.add(client);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].client === client) this.queue.splice(i, 1);
    for (const [name, holder] of [...this.holders]) if (holder === client) this.release(name);
  }

  private request(client: string, name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<void> {
    if (this.closed.has(client)) return new Promise(() => {});
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const free = !this.holders.has(name) && !this.queue.some((w) => w.name === name);
    if (free) return this.hold(client, name, callback);
    if (options.ifAvailable) return callback(null);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        client,
        name,
        grant: () => void this.hold(client, name, callback).then(resolve, reject),
        reject,
      };
      this.queue.push(waiter);
      options.signal?.addEventListener('abort', () => {
        const i = this.queue.indexOf(waiter);
        if (i < 0) return;
        this.queue.splice(i, 1);
        reject(options.signal!.reason);
      });
    });
  }

  private async hold(client: string, name: string, callback: (lock: unknown) => Promise<void>): Promise<void> {
    this.holders.set(name, client);
    try {
      await callback({ name, mode: 'exclusive' });
    } finally {
      // A closed tab's lock was released when it closed (and may be someone else's by now).
      if (this.holders.get(name) === client && !this.closed.has(client)) this.release(name);
    }
  }

  private release(name: string): void {
    this.holders.delete(name);
    const i = this.queue.findIndex((w) => w.name === name);
    if (i >= 0) this.queue.splice(i, 1)[0].grant();
  }
}
