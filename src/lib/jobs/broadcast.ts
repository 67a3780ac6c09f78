/**
 * Tells other tabs of this browser that a job changed, so a tab that only watches (another tab holds
 * the job's Web Lock) can refresh its view and the jobs list stays true. Messages carry ids only; the
 * data is read from storage.
 */
export type JobChange =
  /** A result was stored. */
  | 'progress'
  /** A run started or stopped (paused, finished, failed on storage). */
  | 'run'
  /** A job was created, renamed, imported or deleted. */
  | 'list';

export interface JobChannel {
  post(jobId: string, change?: JobChange): void;
  subscribe(listener: (jobId: string, change: JobChange) => void): () => void;
  close(): void;
}

const CHANNEL = 'transit-features:jobs';
const CHANGES: readonly JobChange[] = ['progress', 'run', 'list'];

export function openJobChannel(): JobChannel {
  if (typeof BroadcastChannel === 'undefined') {
    return { post() {}, subscribe: () => () => {}, close() {} };
  }
  const channel = new BroadcastChannel(CHANNEL);
  return {
    post(jobId, change = 'progress') {
      channel.postMessage({ jobId, change });
    },
    subscribe(listener) {
      const handler = (event: MessageEvent) => {
        const data = event.data as { jobId?: unknown; change?: unknown };
        if (typeof data?.jobId !== 'string') return;
        // A message from an older page has no kind: treat it as progress.
        const change = CHANGES.includes(data.change as JobChange) ? (data.change as JobChange) : 'progress';
        listener(data.jobId, change);
      };
      channel.addEventListener('message', handler);
      return () => channel.removeEventListener('message', handler);
    },
    close() {
      channel.close();
    },
  };
}
