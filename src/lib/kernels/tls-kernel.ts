/**
 * The TLS engine backed by the AssemblyScript kernel (assembly/tls.ts): the only code that knows that
 * module's memory layout. `begin` lays out one search and copies the inputs in, `run` searches a range
 * of periods, `finish` copies the outputs out. An instance that trapped is discarded; the next search
 * gets a fresh one.
 */
import { AppError } from '../errors.ts';
import type { TlsEngine, TlsKernelInput, TlsKernelOutput } from '../search/tls/types.ts';

/** Slot numbers of assembly/tls.ts. */
const SLOT = {
  time: 0,
  flux: 1,
  dy: 2,
  period: 3,
  widthMin: 4,
  widthMax: 5,
  rowWidth: 6,
  rowOvershoot: 7,
  signal: 8,
  chi2: 9,
  row: 10,
  depth: 11,
} as const;

const STATUS_MESSAGES: Record<number, string> = {
  1: 'the search needs at least one point, one period and one template',
  2: 'the widest template must be even and no wider than the light curve',
  3: 'the period range is outside the grid',
  4: 'no search was laid out',
  [-1]: 'the kernel could not grow its memory',
};

interface TlsExports {
  memory: WebAssembly.Memory;
  tlsLayout(points: number, periods: number, rows: number, widest: number): number;
  tlsSlot(slot: number): number;
  tlsRun(first: number, count: number, depthMin: number, inverseMargin: number): number;
}

function check(status: number, context: Record<string, unknown>): void {
  if (status === 0) return;
  const reason = STATUS_MESSAGES[status] ?? `unknown status ${status}`;
  if (status > 0) throw new AppError('invalid-input', `the TLS kernel refused its input: ${reason}`, { status, ...context });
  throw new AppError('kernel-error', `the TLS kernel failed: ${reason}`, { status, ...context });
}

class TlsKernelEngine implements TlsEngine {
  private instance: TlsExports | null = null;
  private input: TlsKernelInput | null = null;

  constructor(
    private readonly module: WebAssembly.Module,
    readonly version: string,
  ) {}

  private fresh(): TlsExports {
    if (!this.instance) this.instance = new WebAssembly.Instance(this.module, { env: {} }).exports as unknown as TlsExports;
    return this.instance;
  }

  begin(input: TlsKernelInput): void {
    const k = this.fresh();
    check(k.tlsLayout(input.time.length, input.periods.length, input.rowWidth.length, input.maxWidth), { points: input.time.length });
    const buffer = k.memory.buffer;
    const f64 = (slot: number, data: Float64Array) => new Float64Array(buffer, k.tlsSlot(slot), data.length).set(data);
    const i32 = (slot: number, data: Int32Array) => new Int32Array(buffer, k.tlsSlot(slot), data.length).set(data);
    f64(SLOT.time, input.time);
    f64(SLOT.flux, input.flux);
    f64(SLOT.dy, input.dy);
    f64(SLOT.period, input.periods);
    i32(SLOT.widthMin, input.widthMin);
    i32(SLOT.widthMax, input.widthMax);
    i32(SLOT.rowWidth, input.rowWidth);
    f64(SLOT.rowOvershoot, input.rowOvershoot);
    f64(SLOT.signal, input.signal);
    this.input = input;
  }

  run(first: number, count: number): void {
    const k = this.instance;
    const input = this.input;
    if (!k || !input) throw new AppError('kernel-error', 'TLS run before begin');
    let status: number;
    try {
      status = k.tlsRun(first, count, input.transitDepthMin, input.inverseMargin);
    } catch (err) {
      this.instance = null;
      throw new AppError('kernel-trap', `the TLS kernel trapped: ${String(err)}`, { first, count });
    }
    check(status, { first, count });
  }

  finish(): TlsKernelOutput {
    const k = this.instance;
    const input = this.input;
    if (!k || !input) throw new AppError('kernel-error', 'TLS finish before begin');
    const n = input.periods.length;
    const buffer = k.memory.buffer;
    const out = {
      chi2: new Float64Array(buffer, k.tlsSlot(SLOT.chi2), n).slice(),
      row: new Int32Array(buffer, k.tlsSlot(SLOT.row), n).slice(),
      depth: new Float64Array(buffer, k.tlsSlot(SLOT.depth), n).slice(),
    };
    this.input = null;
    return out;
  }
}

/** First 16 hex digits of the SHA-256 of the WASM bytes, as for the BLS kernel: the version stored with results. */
async function wasmHash(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compiles the TLS kernel (build/kernels/tls-{debug,release}.wasm) into an engine. */
export async function createTlsEngine(bytes: Uint8Array<ArrayBuffer>): Promise<TlsEngine> {
  const module = await WebAssembly.compile(bytes);
  return new TlsKernelEngine(module, await wasmHash(bytes));
}
