/**
 * Tells other tabs of this browser that a job changed, so a tab that only watches (another tab holds
 * the job's Web Lock) can refresh its view. Messages carry ids only; the data is read from storage.
 */
export interface JobChannel {
  post(jobId: string): void;
  subscribe(listener: (jobId: string) => void): () => void;
  close(): void;
}

const CHANNEL = 'transit-features:jobs';

export function openJobChannel(): JobChannel {
  if (typeof BroadcastChannel === 'undefined') {
    return { post() {}, subscribe: () => () => {}, close() {} };
  }
  const channel = new BroadcastChannel(CHANNEL);
  return {
    post(jobId) {
      channel.postMessage({ jobId });
    },
    subscribe(listener) {
      const handler = (event: MessageEvent) => {
        const jobId = (event.data as { jobId?: unknown })?.jobId;
        if (typeof jobId === 'string') listener(jobId);
      };
      channel.addEventListener('message', handler);
      return () => channel.removeEventListener('message', handler);
    },
    close() {
      channel.close();
    },
  };
}

/** The Web Lock that marks the tab running a job. */
export function jobLockName(jobId: string): string {
  return `transit-features:job:${jobId}`;
}

/** True when some tab of this browser holds the job's lock (so it is running there). */
export async function jobRunningElsewhere(jobId: string): Promise<boolean> {
  const locks = globalThis.navigator?.locks;
  if (!locks?.query) return false;
  const state = await locks.query();
  return (state.held ?? []).some((lock) => lock.name === jobLockName(jobId));
}
