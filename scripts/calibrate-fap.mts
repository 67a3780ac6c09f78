// Calibrates the false-alarm probability of `bls_sde` (src/lib/search/significance.ts): runs the
// app's own signal search (default settings: optimal grid, biweight detrending, two-transit rule)
// on light curves without transits made from the shared fixtures' real light curves (known transits
// cut out, then a block bootstrap: test/kernels/null-lightcurves.ts), and writes every SDE it found to
// src/lib/search/fap-calibration.json with what made them.
//   npx tsx scripts/calibrate-fap.mts [TRIALS_PER_SOURCE=150] [--seed N] [--block-days D] [--out FILE]
// Needs the release kernel (npm run asbuild) and ../shared/fixtures. Not run in CI; its output is committed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createBlsEngine } from '../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../src/lib/kernels/node.ts';
import { prepareLightCurve } from '../src/lib/search/prepare.ts';
import { searchPlan } from '../src/lib/search/search-plan.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../src/lib/search/settings.ts';
import { findSignal } from '../src/lib/search/signal.ts';
import { lightCurveFile } from '../test/helpers/fixtures.ts';
import { ephemerisOf, FILES, KEPLER90_KOIS, TOI101, TOI106, TOI110, WASP126 } from '../test/helpers/known-planets.ts';
import { REPO_ROOT } from '../test/helpers/paths.ts';
import { mulberry32 } from '../test/helpers/random.ts';
import { blockBootstrap, maskKnown, type KnownSignal } from '../test/kernels/null-lightcurves.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const trials = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 150);
const seed = option('seed', 20251013);
const blockDays = option('block-days', 1);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : path.join(REPO_ROOT, 'src/lib/search/fap-calibration.json');

const TESS = 2457000;
const KEPLER = 2454833;
/** The fixtures' known transits (test/helpers/known-planets.ts), in each file's time system. */
const SOURCES: Array<{ name: string; files: readonly string[]; known: KnownSignal[] }> = [
  { name: 'WASP-126 (TESS S1, SPOC)', files: [FILES.wasp126], known: [ephemerisOf(WASP126, TESS)] },
  { name: 'WASP-126 (TESS S1, tess-data-alerts)', files: [FILES.wasp126Alerts], known: [ephemerisOf(WASP126, TESS)] },
  { name: 'TOI-106 (TESS S1)', files: [FILES.toi106], known: [ephemerisOf(TOI106, TESS)] },
  { name: 'TOI-101 (TESS S1)', files: [FILES.toi101], known: [ephemerisOf(TOI101, TESS)] },
  { name: 'TOI-110 (TESS S1)', files: [FILES.toi110], known: [ephemerisOf(TOI110, TESS)] },
  // One transit in the file, at 1454.68 BTJD (13 h).
  { name: 'TOI-813 (TESS S5)', files: [FILES.toi813], known: [{ period: 1000, transitTime: 1454.68, duration: 13 / 24 + 0.3 }] },
  { name: 'EPIC 211495446 (K2 C5, quiet)', files: [FILES.k2Quiet], known: [] },
  { name: 'Kepler-90 (Kepler Q3-Q5)', files: FILES.kepler90, known: KEPLER90_KOIS.map((c) => ephemerisOf(c, KEPLER)) },
];

const settings = { ...DEFAULT_SEARCH_SETTINGS, refine: false };
const engine = await createBlsEngine(await loadKernelBytes('release'));
const rand = mulberry32(seed);
const all: number[] = [];
let noPeak = 0;
const summary: Array<Record<string, unknown>> = [];
const started = performance.now();
for (const source of SOURCES) {
  const { lc } = prepareLightCurve(source.files.map(lightCurveFile), settings);
  const masked = maskKnown({ time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr }, source.known);
  const plan = searchPlan({ time: masked.time }, settings);
  const values: number[] = [];
  let none = 0;
  for (let k = 0; k < trials; k++) {
    const signal = findSignal(engine, blockBootstrap(masked, lc.cadenceDays, blockDays, rand), plan, settings, lc.cadenceDays);
    if (signal.peak && Number.isFinite(signal.sde)) values.push(signal.sde);
    else none++;
  }
  values.sort((a, b) => a - b);
  const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
  const line = { source: source.name, files: source.files, points: masked.time.length, periods: plan.periods.length, trials, noPeak: none, median: q(0.5), p90: q(0.9), p99: q(0.99), max: values[values.length - 1] };
  summary.push(line);
  process.stderr.write(`${JSON.stringify(line)} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  all.push(...values);
  noPeak += none;
}
all.sort((a, b) => a - b);
const result = {
  description:
    'SDE (TLS definition on the BLS periodogram) of the reported peak in light curves without transits: real light curves of the shared fixtures with their known transits cut out, block-bootstrapped. FAP(SDE) = (number at or above SDE + 1) / (trials + 1); trials without a reported peak count as below every SDE.',
  script: 'scripts/calibrate-fap.mts',
  generated: new Date().toISOString().slice(0, 10),
  seed,
  blockDays,
  settings: 'DEFAULT_SEARCH_SETTINGS (optimal grid, biweight, minTransits 2), refinement off (the SDE is taken before it)',
  trials: trials * SOURCES.length,
  noPeak,
  sources: summary,
};
// One line for the long list, so the file stays readable.
const body = JSON.stringify(result, null, 1).replace(/\n}$/, `,\n "sde": [${all.map((v) => v.toFixed(4)).join(', ')}]\n}`);
writeFileSync(out, `${body}\n`);
process.stderr.write(`${all.length} SDE values (${noPeak} trials without a peak) written to ${out}\n`);
