import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';

interface Raw {
  memory: WebAssembly.Memory;
  allocate(nPoints: number, nPeriods: number, nDurations: number): number;
  slotOffset(slot: number): number;
  blsRun(oversample: number, objective: number, flags: number): number;
}

// Slots of assembly/memory.ts used here.
const TIME = 0;
const Y = 1;
const IVAR = 2;
const PERIOD = 3;
const DURATION = 4;

const bytes = await loadKernelBytes('debug');
const module = await WebAssembly.compile(bytes);

async function rawSearch(periods: number[], durations: number[]): Promise<Raw> {
  const instance = await WebAssembly.instantiate(module, {});
  const raw = instance.exports as unknown as Raw;
  expect(raw.allocate(4, periods.length, durations.length)).toBe(0);
  const view = (slot: number, n: number) => new Float64Array(raw.memory.buffer, raw.slotOffset(slot), n);
  view(TIME, 4).set([0, 1, 2, 3]);
  view(Y, 4).set([0, -1, 0, 1]);
  view(IVAR, 4).set([1, 1, 1, 1]);
  view(PERIOD, periods.length).set(periods);
  view(DURATION, durations.length).set(durations);
  return raw;
}

describe('BLS kernel status codes (0 ok, > 0 invalid input, < 0 resource failure)', () => {
  it('0 for a valid search, with both objectives and flags', async () => {
    const raw = await rawSearch([1.5, 2.5], [0.5]);
    for (const objective of [0, 1]) for (const flags of [0, 1]) expect(raw.blsRun(2, objective, flags)).toBe(0);
  });

  it('5 without a layout, or for empty counts', async () => {
    const instance = await WebAssembly.instantiate(module, {});
    const raw = instance.exports as unknown as Raw;
    expect(raw.blsRun(1, 1, 0)).toBe(5);
    expect(raw.allocate(0, 1, 1)).toBe(5);
    expect(raw.allocate(3, 0, 1)).toBe(5);
    expect(raw.allocate(3, 1, 0)).toBe(5);
  });

  it('1 when the minimum period is below machine epsilon (astropy bls.c)', async () => {
    expect((await rawSearch([1e-17, 2], [1e-18])).blsRun(1, 1, 0)).toBe(1);
  });

  it('2 when a duration exceeds the minimum period or is below machine epsilon', async () => {
    expect((await rawSearch([1, 2], [1.5])).blsRun(1, 1, 0)).toBe(2);
    expect((await rawSearch([1, 2], [1e-17, 0.5])).blsRun(1, 1, 0)).toBe(2);
  });

  it('3 for oversample < 1 and 4 for an unknown objective', async () => {
    const raw = await rawSearch([1, 2], [0.5]);
    expect(raw.blsRun(0, 1, 0)).toBe(3);
    expect(raw.blsRun(2, 2, 0)).toBe(4);
  });

  it('6 for non-finite periods or durations', async () => {
    expect((await rawSearch([1, Infinity], [0.5])).blsRun(1, 1, 0)).toBe(6);
    expect((await rawSearch([1, 2], [NaN])).blsRun(1, 1, 0)).toBe(6);
  });

  it('-2 when the bin grid is too fine, which the engine reports as kernel-error', async () => {
    expect((await rawSearch([1e6], [1e-3])).blsRun(10, 1, 0)).toBe(-2);
    const engine = await createBlsEngine(bytes);
    const data = { time: Float64Array.of(0, 1, 2, 3), flux: Float64Array.of(1, 0, 1, 2), fluxErr: null };
    try {
      engine.power(data, { periods: Float64Array.of(1e6), durations: Float64Array.of(1e-3), objective: 'likelihood', oversample: 10 });
      expect.unreachable('the kernel should have refused');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).name).toBe('kernel-error');
      expect((err as AppError).details.status).toBe(-2);
    }
  });
});
