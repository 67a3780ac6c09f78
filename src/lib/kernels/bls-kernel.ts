/**
 * The BLS engine backed by the AssemblyScript kernel (assembly/bls.ts). The only code that knows the
 * module's memory layout: it lays out one search (`allocate`), copies the preconditioned arrays in,
 * runs, and copies the outputs out. One instance is reused (each `allocate` resets the layout);
 * an instance that trapped is discarded and the next search gets a fresh one.
 */
import { AppError } from '../errors.ts';
import { blsMemoryBytes, maxBinCount } from '../search/bls-plan.ts';
import { addReferenceTime, emptyPeriodogram, prepareBls, type PreparedBls } from '../search/bls-prepare.ts';
import type { BlsEngine, BlsInput, BlsOptions, BlsPeriodogram } from '../search/bls-types.ts';

/** Slot numbers of assembly/memory.ts. */
const SLOT = {
  time: 0,
  y: 1,
  ivar: 2,
  period: 3,
  duration: 4,
  power: 5,
  depth: 6,
  depthErr: 7,
  durationOut: 8,
  transitTime: 9,
  depthSnr: 10,
  logLikelihood: 11,
  durationFirst: 14,
  durationCount: 15,
} as const;

/** `blsRun` flag bits (assembly/bls.ts): f64x2 loops (same results), per-period duration slices, per-period bins. */
const FLAG_SIMD = 1;
const FLAG_DURATION_RANGES = 2;
const FLAG_PERIOD_BINS = 4;

/** Why `blsRun`/`allocate` refused, by status code (assembly/bls.ts). */
const STATUS_MESSAGES: Record<number, string> = {
  1: 'the minimum period is below machine epsilon',
  2: 'the maximum duration exceeds the minimum period, or the minimum duration is below machine epsilon',
  3: 'oversample must be ≥ 1',
  4: 'objective flag must be 0 (snr) or 1 (likelihood)',
  5: 'the search needs at least one point, one period and one duration',
  6: 'periods and durations must be finite',
  7: 'a duration range falls outside the durations, or the durations are not ascending',
  [-1]: 'the kernel could not grow its memory',
  [-2]: 'the phase-bin grid is too fine (max(period) / (min(duration) / oversample) bins exceeds 2^27)',
};

interface KernelExports {
  memory: WebAssembly.Memory;
  allocate(nPoints: number, nPeriods: number, nDurations: number): number;
  slotOffset(slot: number): number;
  blsRun(oversample: number, objective: number, flags: number): number;
}

export interface BlsKernelOptions {
  /** Use the f64x2 loops (default true); false runs the plain scalar loops, for benchmarks. */
  simd?: boolean;
  /** Kernel version to report when a compiled Module (whose bytes are not at hand) is given. */
  version?: string;
}

/** First 16 hex digits of the SHA-256 of the WASM bytes: the version stored with every result. */
export async function kernelVersion(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

function statusError(status: number, context: Record<string, unknown>): AppError {
  const reason = STATUS_MESSAGES[status] ?? `unknown status ${status}`;
  if (status > 0) return new AppError('invalid-input', `the BLS kernel refused its input: ${reason}`, { status, ...context });
  return new AppError('kernel-error', `the BLS kernel failed: ${reason}`, { status, ...context });
}

class BlsKernelEngine implements BlsEngine {
  readonly version: string;
  private instance: KernelExports | null;

  constructor(
    private readonly module: WebAssembly.Module,
    first: WebAssembly.Instance,
    version: string,
    private readonly flags: number,
  ) {
    this.version = version;
    this.instance = first.exports as unknown as KernelExports;
  }

  power(input: BlsInput, options: BlsOptions): BlsPeriodogram {
    const prepared = prepareBls(input, options);
    // Synchronous instantiation only after a trap; workers allow it for any module size.
    const kernel = this.instance ?? (new WebAssembly.Instance(this.module, {}).exports as unknown as KernelExports);
    this.instance = kernel;
    try {
      return addReferenceTime(this.search(kernel, prepared, options.memoryBudget), prepared.tRef);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.instance = null;
      const message = err instanceof Error ? err.message : String(err);
      throw new AppError('kernel-trap', `the BLS kernel trapped (${message}); the instance was discarded`, {
        points: prepared.time.length,
        periods: prepared.periods.length,
      });
    }
  }

  private search(kernel: KernelExports, prepared: PreparedBls, memoryBudget: number | undefined): BlsPeriodogram {
    const { time, y, ivar, periods, durations, durationRanges: ranges } = prepared;
    const context = { points: time.length, periods: periods.length, durations: durations.length, oversample: prepared.oversample };
    if (memoryBudget !== undefined) {
      const bins = maxBinCount(periods, durations, prepared.oversample, ranges);
      const bytes = blsMemoryBytes(time.length, periods.length, durations.length, bins);
      if (bytes > memoryBudget) {
        throw new AppError(
          'grid-too-large',
          `this search needs ${(bytes / 2 ** 20).toFixed(1)} MiB of kernel memory (${periods.length} periods, ${bins} phase bins) but the budget is ${(memoryBudget / 2 ** 20).toFixed(1)} MiB; search fewer periods, a shorter maximum period or longer minimum duration`,
          { ...context, bytes, memoryBudget, bins },
        );
      }
    }
    let status = kernel.allocate(time.length, periods.length, durations.length);
    if (status !== 0) throw statusError(status, context);
    // Views are made after each call: growing the memory detaches the old buffer.
    const view = (slot: number, length: number) => new Float64Array(kernel.memory.buffer, kernel.slotOffset(slot), length);
    view(SLOT.time, time.length).set(time);
    view(SLOT.y, y.length).set(y);
    view(SLOT.ivar, ivar.length).set(ivar);
    view(SLOT.period, periods.length).set(periods);
    view(SLOT.duration, durations.length).set(durations);
    let flags = this.flags;
    if (ranges) {
      new Int32Array(kernel.memory.buffer, kernel.slotOffset(SLOT.durationFirst), periods.length).set(ranges.first);
      new Int32Array(kernel.memory.buffer, kernel.slotOffset(SLOT.durationCount), periods.length).set(ranges.count);
      flags |= FLAG_DURATION_RANGES | (ranges.periodBins ? FLAG_PERIOD_BINS : 0);
    }
    status = kernel.blsRun(prepared.oversample, prepared.objective === 'likelihood' ? 1 : 0, flags);
    if (status !== 0) throw statusError(status, context);
    const out = emptyPeriodogram(prepared);
    const n = periods.length;
    out.power.set(view(SLOT.power, n));
    out.depth.set(view(SLOT.depth, n));
    out.depthErr.set(view(SLOT.depthErr, n));
    out.duration.set(view(SLOT.durationOut, n));
    out.transitTime.set(view(SLOT.transitTime, n));
    out.depthSnr.set(view(SLOT.depthSnr, n));
    out.logLikelihood.set(view(SLOT.logLikelihood, n));
    return out;
  }
}

/**
 * Compiles the kernel once (or takes a compiled Module) and returns an engine. With bytes, the
 * version is their hash; with a Module, pass `options.version` (else it reports "unversioned").
 */
export async function createBlsEngine(wasm: BufferSource | WebAssembly.Module, options: BlsKernelOptions = {}): Promise<BlsEngine> {
  let module: WebAssembly.Module;
  let version: string;
  if (wasm instanceof WebAssembly.Module) {
    module = wasm;
    version = options.version ?? 'unversioned';
  } else {
    module = await WebAssembly.compile(wasm);
    version = options.version ?? (await kernelVersion(wasm));
  }
  const instance = await WebAssembly.instantiate(module, {});
  return new BlsKernelEngine(module, instance, version, options.simd === false ? 0 : FLAG_SIMD);
}
