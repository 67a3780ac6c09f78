// `npm run bench -- detrend`: which detrender recovers the fixtures' known planets best (the figures
// behind the default in docs/features.md). For each method: the blind best peak's period against
// the catalogue (ratio, and whether it is within 0.5% of an integer ratio), its depth SNR, and the
// SNR on the three K2 stars with no known planet (lower is better there), plus preparation time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createBlsEngine } from '../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../src/lib/kernels/node.ts';
import type { LightCurveFile } from '../src/lib/lightcurve/file.ts';
import { analyzeFiles } from '../src/lib/search/analyze.ts';
import { prepareLightCurve } from '../src/lib/search/prepare.ts';
import { DEFAULT_SEARCH_SETTINGS, type DetrendMethod } from '../src/lib/search/settings.ts';

const DIR = path.resolve(import.meta.dirname, '../../shared/fixtures/lightcurves');
const file = (name: string): LightCurveFile => {
  const b = readFileSync(path.join(DIR, name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

const CASES: Array<[string, string[], number | null]> = [
  ['WASP-126 b', ['tess2018206045859-s0001-0000000025155310-0120-s_lc.fits'], 3.2887898],
  ['TOI-106.01', ['tess2018206045859-s0001-0000000038846515-0120-s_lc.fits'], 2.8493825],
  ['TOI-101.01', ['tess2018206045859-s0001-0000000231663901-0120-s_lc.fits'], 1.4303699],
  ['TOI-110.01', ['tess2018206045859-s0001-0000000281459670-0120-s_lc.fits'], 3.1743504],
  ['WASP-126 b (alerts)', ['hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1_lc.fits'], 3.2887898],
  ['Kepler-90 d (Q3-Q5)', ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'], 59.7371443],
  ['EPIC 211495446 (quiet)', ['ktwo211495446-c05_llc.fits'], null],
  ['EPIC 211436265 (variable)', ['ktwo211436265-c05_llc.fits'], null],
  ['EPIC 211719918 (variable)', ['ktwo211719918-c05_llc.fits'], null],
];

/** The integer or inverse-integer ratio within 0.5% of found/catalogue, or null. */
export function harmonic(found: number, catalogue: number): string | null {
  for (let k = 1; k <= 5; k++) {
    if (Math.abs(found / (catalogue * k) - 1) < 0.005) return k === 1 ? '1' : `${k}`;
    if (Math.abs((found * k) / catalogue - 1) < 0.005) return `1/${k}`;
  }
  return null;
}

export default async function detrendBench(args: string[]): Promise<void> {
  const engine = await createBlsEngine(await loadKernelBytes('release'));
  const methods: DetrendMethod[] = ['none', 'savgol', 'biweight'];
  const skipLong = args.includes('--quick');
  for (const [name, names, period] of CASES) {
    if (skipLong && names.length > 1) continue;
    const cells: string[] = [];
    for (const detrend of methods) {
      const settings = { ...DEFAULT_SEARCH_SETTINGS, detrend };
      const t0 = performance.now();
      prepareLightCurve(names.map(file), settings);
      const prepMs = performance.now() - t0;
      const f = (await analyzeFiles(names.map(file), settings, engine)).features;
      const p = f.bls_period as number;
      const match = period === null ? '' : ` ×${harmonic(p, period) ?? (p / period).toFixed(3)}`;
      cells.push(`${detrend}: P=${p.toFixed(4)}${match} snr=${(f.bls_snr as number).toFixed(1)} prep=${prepMs.toFixed(0)}ms`);
    }
    process.stdout.write(`${name}\n  ${cells.join('\n  ')}\n`);
  }
}
