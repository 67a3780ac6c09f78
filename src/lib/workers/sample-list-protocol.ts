import type { SampleList, SampleRow } from '../samples/index.ts';

/** Main thread → sample-list worker: the file's bytes (transferred) and where the page lives. */
export interface SampleListRequest {
  bytes: ArrayBuffer;
  fileName: string;
  loopbackPage: boolean;
}

/**
 * Worker → main thread. Rows come in chunks so that no single message takes long to deserialise
 * on the main thread (a 100,000-row list in one message would freeze the page while it arrives).
 */
export type SampleListMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'rows'; rows: SampleRow[]; total: number }
  | { type: 'done'; list: Omit<SampleList, 'rows'> }
  | { type: 'error'; error: { name: string; message: string; details?: Record<string, unknown> } };

/** Rows per message. */
export const ROWS_PER_MESSAGE = 2000;
