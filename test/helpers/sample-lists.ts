import type { SampleList } from '../../src/lib/samples/index.ts';

/** A parsed list of `n` TESS stars, TIC 1 … TIC n, one row each (as the parser would return it). */
export function ticList(n: number, fileName = 'n.csv'): SampleList {
  return {
    fileName,
    format: 'ours',
    columns: ['target'],
    rows: Array.from({ length: n }, (_, i) => ({
      index: i,
      line: i + 2,
      values: [`TIC ${i + 1}`],
      target: { mission: 'TESS' as const, id: i + 1 },
      key: `TESS:${i + 1}`,
    })),
    nValid: n,
    nInvalid: 0,
  };
}
