import { AppError, toAppError } from '../errors.ts';
import { parseSampleList, type SampleList } from '../samples/index.ts';

/** The sample list waiting for Start: loading it from a file or the demo, and why it was refused. */
export class SampleListState {
  /** A parsed sample list waiting for Start. */
  list = $state.raw<SampleList | null>(null);
  loadError = $state<string | null>(null);

  /** `busy` says whether this tab runs a job now (a new list must wait for a pause). */
  constructor(private readonly busy: () => boolean) {}

  async loadFile(file: File): Promise<void> {
    this.loadError = null;
    try {
      const text = await file.text();
      this.accept(parseSampleList(text, file.name));
    } catch (err) {
      this.list = null;
      this.loadError = toAppError(err, 'invalid-sample-file').message;
    }
  }

  async loadDemo(): Promise<void> {
    this.loadError = null;
    try {
      const response = await fetch(new URL('demo/sample-list.csv', document.baseURI));
      if (!response.ok) throw new AppError('invalid-sample-file', `the demo list could not be loaded (HTTP ${response.status})`);
      this.accept(parseSampleList(await response.text(), 'demo-sample-list.csv'));
    } catch (err) {
      this.loadError = toAppError(err, 'invalid-sample-file').message;
    }
  }

  clear(): void {
    this.list = null;
  }

  private accept(list: SampleList): void {
    if (this.busy()) throw new AppError('invalid-sample-file', 'a job is running: pause it before loading another sample list');
    this.list = list;
  }
}
