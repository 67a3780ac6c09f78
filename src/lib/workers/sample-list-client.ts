import { AppError, toAppError } from '../errors.ts';
import { readSampleFile, type SampleList, type SampleRow } from '../samples/index.ts';
import type { SampleListMessage, SampleListRequest } from './sample-list-protocol.ts';

/** A read in flight, so that reading another file can stop it. */
export interface SampleRead {
  result: Promise<SampleList>;
  cancel(): void;
}

/**
 * Reads a sample list's bytes in a worker, with progress (0 to 1). The page stays responsive however
 * long the list: decoding and parsing happen in the worker, and the rows arrive in chunks. Where
 * workers are not available the list is read here, in one go.
 */
export function readSampleListOffThread(
  bytes: ArrayBuffer,
  fileName: string,
  loopbackPage: boolean,
  onProgress: (fraction: number) => void,
): SampleRead {
  if (typeof Worker === 'undefined') {
    return { result: Promise.resolve().then(() => readSampleFile(new Uint8Array(bytes), fileName, { loopbackPage })), cancel: () => {} };
  }
  const worker = new Worker(new URL('./sample-list.worker.ts', import.meta.url), { type: 'module', name: 'sample-list' });
  let stop: (err: AppError) => void = () => {};
  const result = new Promise<SampleList>((resolve, reject) => {
    stop = reject;
    const rows: SampleRow[] = [];
    worker.onmessage = (event: MessageEvent<SampleListMessage>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress(0.9 * message.fraction);
      else if (message.type === 'rows') {
        for (const row of message.rows) rows.push(row);
        onProgress(0.9 + 0.1 * (rows.length / message.total));
      } else if (message.type === 'done') {
        onProgress(1);
        resolve({ ...message.list, rows });
      } else reject(toAppError(message.error, 'invalid-sample-file'));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new AppError('invalid-sample-file', `"${fileName}" could not be read: ${event.message || 'the reader stopped'}`, { fileName }));
    };
    const request: SampleListRequest = { bytes, fileName, loopbackPage };
    worker.postMessage(request, [bytes]);
  }).finally(() => worker.terminate());
  return { result, cancel: () => stop(new AppError('aborted', `reading "${fileName}" was stopped`)) };
}
