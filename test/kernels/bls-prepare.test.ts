import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { median, prepareBls } from '../../src/lib/search/bls-prepare.ts';
import type { BlsInput, BlsOptions } from '../../src/lib/search/bls-types.ts';

const input = (): BlsInput => ({
  time: Float64Array.of(5, 3, 4, 7),
  flux: Float64Array.of(1.0, 2.0, 4.0, 3.0),
  fluxErr: Float64Array.of(0.5, 0.25, 2, 1),
});
const options = (): BlsOptions => ({ periods: Float64Array.of(1, 2), durations: Float64Array.of(0.1, 0.2), objective: 'likelihood', oversample: 3 });

describe('prepareBls preconditioning (astropy core.py power)', () => {
  it('shifts times by their minimum, subtracts the median flux and builds 1/σ²', () => {
    const p = prepareBls(input(), options());
    expect(p.tRef).toBe(3);
    expect(Array.from(p.time)).toEqual([2, 0, 1, 4]);
    // median of 1, 2, 3, 4 is 2.5 (mean of the middle two, as numpy)
    expect(Array.from(p.y)).toEqual([-1.5, -0.5, 1.5, 0.5]);
    expect(Array.from(p.ivar)).toEqual([4, 16, 0.25, 1]);
  });

  it('uses unit weights without uncertainties', () => {
    const p = prepareBls({ ...input(), fluxErr: null }, options());
    expect(Array.from(p.ivar)).toEqual([1, 1, 1, 1]);
  });

  it('takes the middle value as median of an odd count', () => {
    expect(median(Float64Array.of(9, -1, 4))).toBe(4);
    expect(median(Float64Array.of(10, 2))).toBe(6);
  });
});

describe('prepareBls validation: each bad argument is invalid-input naming it', () => {
  const cases: [string, string, () => [BlsInput, BlsOptions]][] = [
    ['flux', 'same length', () => [{ ...input(), flux: Float64Array.of(1, 2) }, options()]],
    ['fluxErr', 'same length', () => [{ ...input(), fluxErr: Float64Array.of(1) }, options()]],
    ['time', 'at least 2', () => [{ time: Float64Array.of(1), flux: Float64Array.of(1), fluxErr: null }, options()]],
    ['time', 'finite', () => [{ ...input(), time: Float64Array.of(1, NaN, 2, 3) }, options()]],
    ['flux', 'finite', () => [{ ...input(), flux: Float64Array.of(1, 2, Infinity, 3) }, options()]],
    ['fluxErr', '> 0', () => [{ ...input(), fluxErr: Float64Array.of(1, 0, 1, 1) }, options()]],
    ['fluxErr', 'finite', () => [{ ...input(), fluxErr: Float64Array.of(1, NaN, 1, 1) }, options()]],
    ['periods', 'non-empty', () => [input(), { ...options(), periods: new Float64Array(0) }]],
    ['periods', '> 0', () => [input(), { ...options(), periods: Float64Array.of(1, -2) }]],
    ['periods', 'finite', () => [input(), { ...options(), periods: Float64Array.of(1, Infinity) }]],
    ['durations', 'non-empty', () => [input(), { ...options(), durations: new Float64Array(0) }]],
    ['durations', '> 0', () => [input(), { ...options(), durations: Float64Array.of(0, 0.1) }]],
    ['periods', 'must exceed the maximum duration', () => [input(), { ...options(), durations: Float64Array.of(0.1, 1) }]],
    ['oversample', 'integer ≥ 1', () => [input(), { ...options(), oversample: 0 }]],
    ['oversample', 'integer ≥ 1', () => [input(), { ...options(), oversample: 2.5 }]],
    ['objective', 'likelihood', () => [input(), { ...options(), objective: 'chi2' as never }]],
  ];
  for (const [argument, rule, make] of cases) {
    it(`${argument}: ${rule}`, () => {
      let caught: unknown;
      try {
        prepareBls(...make());
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect(caught).toMatchObject({ name: 'invalid-input', details: { argument } });
      expect((caught as AppError).message).toContain(argument);
      expect((caught as AppError).message).toContain(rule);
    });
  }
});
