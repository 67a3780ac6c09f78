import { AppError, toAppError } from '../errors.ts';
import type { SampleList } from '../samples/index.ts';
import { SampleLoader } from './sample-loader.svelte.ts';

/** The sample list waiting for Start: reading it (off the main thread) from a file or the demo, and why it was refused. */
export class SampleListState {
  /** A parsed sample list waiting for Start. */
  list = $state.raw<SampleList | null>(null);
  loadError = $state<string | null>(null);
  /** Reading sample lists off the main thread, with progress. */
  readonly loader = new SampleLoader();

  /** `busy` says whether this tab runs a job now (a new list must wait for a pause). */
  constructor(private readonly busy: () => boolean) {}

  /** The file being read and how far (null when nothing is being read). */
  get reading() {
    return this.loader.reading;
  }

  loadFile(file: File): Promise<void> {
    return this.load(() => this.loader.fromFile(file));
  }

  loadDemo(): Promise<void> {
    return this.load(() => this.loader.fromUrl(new URL('demo/sample-list.csv', document.baseURI), 'demo-sample-list.csv'));
  }

  clear(): void {
    this.list = null;
  }

  private async load(read: () => Promise<SampleList>): Promise<void> {
    this.loadError = null;
    try {
      this.accept(await read());
    } catch (err) {
      const e = toAppError(err, 'invalid-sample-file');
      if (e.name === 'aborted') return; // another list was chosen meanwhile
      this.list = null;
      this.loadError = e.message;
    }
  }

  private accept(list: SampleList): void {
    if (this.busy()) throw new AppError('invalid-sample-file', 'a job is running: pause it before loading another sample list');
    this.list = list;
  }
}
