// The stand-in's chaos switches: seeded random faults (server errors, hangs, truncated bodies), the
// outage switch, and synthetic targets serving several fixture files.
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { SYNTHETIC_TIC_BASE, startMockMast, type MockMast } from '../mock-mast/index.ts';

const Q4 = 'kplr011442793-2010009091648_llc.fits';
const K2 = 'ktwo211495446-c05_llc.fits';

let mock: MockMast | null = null;
afterEach(async () => {
  await mock?.close();
  mock = null;
});

/** A synthetic target's file, by the archive path the stand-in serves it under. */
function syntheticPath(i: number): string {
  const tic = String(SYNTHETIC_TIC_BASE + 1 + i).padStart(16, '0');
  const name = `tess2018206045859-s0001-${tic}-0120-s_lc.fits`;
  return `/missions/tess/tid/s0001/${tic.slice(0, 4)}/${tic.slice(4, 8)}/${tic.slice(8, 12)}/${tic.slice(12)}/${name}`;
}

/** What one GET ends as: a status, 'reset' (connection refused or dropped), 'hang' (no answer in 150 ms), or 'cut'. */
async function outcome(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(150) });
    const body = await res.arrayBuffer();
    const length = Number(res.headers.get('Content-Length'));
    return res.status === 200 && body.byteLength !== length ? 'cut' : String(res.status);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError') return 'hang';
    return (err as Error).message.includes('terminated') || name === 'TypeError' ? 'reset' : name;
  }
}

describe('the stand-in in chaos', () => {
  it('serves synthetic targets from several fixture files, listing each file size', async () => {
    mock = await startMockMast({ lightcurveDir: LIGHTCURVES, syntheticTargets: 4, syntheticSources: [Q4, K2] });
    const synthetic = mock.catalog.filter((o) => Number(o.target_name) > SYNTHETIC_TIC_BASE);
    expect(synthetic.map((o) => o.products[0].sourceFile)).toEqual([Q4, K2, Q4, K2]);
    expect(synthetic[1].products[0].size).toBe(statSync(path.join(LIGHTCURVES, K2)).size);
    const res = await fetch(`${mock.url}${syntheticPath(1)}`);
    expect((await res.arrayBuffer()).byteLength).toBe(statSync(path.join(LIGHTCURVES, K2)).size);
  });

  it('resets every connection while the outage switch is on, and serves again when it is off', async () => {
    mock = await startMockMast({ lightcurveDir: LIGHTCURVES, syntheticTargets: 1, syntheticSources: [Q4] });
    mock.faults.outage = true;
    expect(await outcome(`${mock.url}${syntheticPath(0)}`)).toBe('reset');
    expect(mock.log.at(-1)?.fault).toBe('outage');
    mock.faults.outage = false;
    expect(await outcome(`${mock.url}${syntheticPath(0)}`)).toBe('200');
  });

  it('draws server errors, hangs and truncated bodies at about the rates asked, the same for the same seed', async () => {
    const run = async (seed: number, n = 120) => {
      const m = await startMockMast({ lightcurveDir: LIGHTCURVES, syntheticTargets: 1, syntheticSources: [Q4] });
      m.faults.random = { seed, serverErrors: 0.2, hangs: 0.1, truncated: 0.15 };
      const outcomes: string[] = [];
      // One request at a time, so that the draws meet the requests in the same order.
      for (let i = 0; i < n; i++) outcomes.push(await outcome(`${m.url}${syntheticPath(0)}`));
      await m.close();
      return outcomes;
    };
    const a = await run(42);
    const count = (s: string) => a.filter((x) => x === s).length;
    // Expected 24 server errors, 12 hangs, 13 cut bodies of 120 (seed 42 gives one draw sequence).
    expect(count('503')).toBeGreaterThan(10);
    expect(count('503')).toBeLessThan(40);
    expect(count('hang')).toBeGreaterThan(4);
    expect(count('hang')).toBeLessThan(24);
    expect(count('cut') + count('reset')).toBeGreaterThan(4);
    expect(count('200')).toBeGreaterThan(50);
    expect(await run(42, 40)).toEqual(a.slice(0, 40));
    expect(await run(43, 40)).not.toEqual(a.slice(0, 40));
  });
});
