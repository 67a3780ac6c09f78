import { AppError } from '../errors.ts';
import { isLoopbackHost } from '../mast/addresses.ts';
import type { SampleList } from '../samples/index.ts';
import { readSampleListOffThread, type SampleRead } from '../workers/sample-list-client.ts';

/**
 * Reading a sample list: off the main thread, with progress for the page. Reading another file
 * stops the one in progress (its promise rejects with `aborted`).
 */
export class SampleLoader {
  /** The file being read and how far (0 to 1); null when nothing is being read. */
  reading = $state.raw<{ fileName: string; fraction: number } | null>(null);

  private current: SampleRead | null = null;
  /** Bumped by every read; a read that is no longer the latest leaves the progress alone. */
  private generation = 0;

  /** Reads a file the user picked or dropped. */
  fromFile(file: File): Promise<SampleList> {
    return this.read(file.name, () => file.arrayBuffer());
  }

  /** Reads a list served with the page (the demo). */
  fromUrl(url: URL, fileName: string): Promise<SampleList> {
    return this.read(fileName, async () => {
      const response = await fetch(url);
      if (!response.ok) throw new AppError('invalid-sample-file', `the list ${fileName} could not be loaded (HTTP ${response.status})`);
      return response.arrayBuffer();
    });
  }

  private async read(fileName: string, bytes: () => Promise<ArrayBuffer>): Promise<SampleList> {
    this.current?.cancel();
    this.current = null;
    const mine = ++this.generation;
    this.reading = { fileName, fraction: 0 };
    try {
      const data = await bytes();
      if (mine !== this.generation) throw new AppError('aborted', `reading "${fileName}" was stopped`);
      const read = readSampleListOffThread(data, fileName, isLoopbackHost(globalThis.location?.hostname ?? ''), (fraction) => {
        if (mine === this.generation) this.reading = { fileName, fraction };
      });
      this.current = read;
      return await read.result;
    } finally {
      if (mine === this.generation) {
        this.current = null;
        this.reading = null;
      }
    }
  }
}
