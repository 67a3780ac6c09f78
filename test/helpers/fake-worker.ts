/**
 * A stand-in for a Web Worker in Node: a MessageChannel whose far port exposes an API with Comlink,
 * in this thread. Enough of the Worker interface for `WorkerPool` (postMessage, message and error
 * listeners, terminate), and `crash()` fires the `error` event a dying worker fires.
 */
import * as Comlink from 'comlink';

export class FakeWorker extends EventTarget {
  private readonly channel = new MessageChannel();
  terminated = false;

  /** `serve` gives the API the worker exposes; it may keep the worker, to crash it. */
  constructor(serve: (worker: FakeWorker) => object) {
    super();
    Comlink.expose(serve(this), this.channel.port2);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.channel.port1.postMessage(message, transfer);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type !== 'message') return super.addEventListener(type, listener);
    this.channel.port1.addEventListener('message', listener as EventListener);
    this.channel.port1.start();
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type !== 'message') return super.removeEventListener(type, listener);
    this.channel.port1.removeEventListener('message', listener as EventListener);
  }

  terminate(): void {
    this.terminated = true;
    this.channel.port1.close();
    this.channel.port2.close();
  }

  /** What a worker that dies of an uncaught error does: an `error` event, and no more answers. */
  crash(message: string): void {
    this.channel.port2.close();
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}
