/// <reference lib="webworker" />
// Transport only: reads a sample list off the main thread (src/lib/samples does the work).
import { readSampleFile } from '../samples/index.ts';
import { ROWS_PER_MESSAGE, type SampleListMessage, type SampleListRequest } from './sample-list-protocol.ts';

const post = (message: SampleListMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);

self.onmessage = (event: MessageEvent<SampleListRequest>) => {
  const { bytes, fileName, loopbackPage } = event.data;
  try {
    const list = readSampleFile(new Uint8Array(bytes), fileName, {
      loopbackPage,
      onProgress: (fraction) => post({ type: 'progress', fraction }),
    });
    const { rows, ...rest } = list;
    for (let at = 0; at < rows.length; at += ROWS_PER_MESSAGE) post({ type: 'rows', rows: rows.slice(at, at + ROWS_PER_MESSAGE), total: rows.length });
    post({ type: 'done', list: rest });
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; details?: unknown };
    post({
      type: 'error',
      error: { name: String(e?.name ?? 'Error'), message: String(e?.message ?? err), details: (e?.details as Record<string, unknown>) ?? {} },
    });
  }
};
