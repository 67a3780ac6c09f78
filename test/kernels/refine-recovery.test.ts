/**
 * Injection–recovery on real noise for the measurement after detection: seeded box transits in the
 * prepared (biweight-detrended) K2 light curve (its first 40 days) of the quiet star EPIC 211495446, searched as the app
 * does (optimal grid, two-transit rule, SDE, refinement). Prints the period-error distribution of the
 * recovered transits on the search grid and after refinement, and the SDE of the injected light
 * curves against block-bootstrapped copies of the same noise without transits; asserts that
 * refinement improves the periods and that injected transits stand out. The bigger version is
 * `npm run bench -- bls-recovery`.
 */
import { describe, expect, it } from 'vitest';
import { createBlsEngine } from '../../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../../src/lib/kernels/node.ts';
import { prepareLightCurve } from '../../src/lib/search/prepare.ts';
import { searchPlan } from '../../src/lib/search/search-plan.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';
import { emptySde, makeInjections, quantile, runRefinementRecovery } from './recovery.ts';

const engine = await createBlsEngine(await loadKernelBytes('release'));
const { lc } = prepareLightCurve([lightCurveFile('ktwo211495446-c05_llc.fits')], DEFAULT_SEARCH_SETTINGS);
// The first 40 of its 75 days, to keep the test short.
const end = lc.time.findIndex((t) => t > lc.time[0] + 40);
const noise = { time: lc.time.slice(0, end), flux: lc.flux.slice(0, end), fluxErr: lc.fluxErr!.slice(0, end) };
const plan = searchPlan(noise, DEFAULT_SEARCH_SETTINGS);

describe('refinement and SDE on real K2 noise', () => {
  it('refines the periods of recovered transits and gives injected transits a higher SDE than empty light curves', () => {
    const injections = makeInjections(noise, { seed: 13, count: 40, periodMin: 0.7, periodMax: 12, snr: [9, 20] });
    const r = runRefinementRecovery(engine, noise, injections, plan, DEFAULT_SEARCH_SETTINGS, lc.cadenceDays);
    const empty = emptySde(engine, noise, 30, 17, plan, DEFAULT_SEARCH_SETTINGS, lc.cadenceDays);
    const e = (v: number) => v.toExponential(2);
    console.log(
      `${r.recovered}/${injections.length} recovered; |ΔP/P| on the search grid: median ${e(quantile(r.before, 0.5))}, 90th percentile ${e(quantile(r.before, 0.9))}; ` +
        `refined: median ${e(quantile(r.after, 0.5))}, 90th percentile ${e(quantile(r.after, 0.9))}\n` +
        `SDE injected: median ${quantile(r.sdeInjected, 0.5).toFixed(2)}, 10th percentile ${quantile(r.sdeInjected, 0.1).toFixed(2)}; ` +
        `empty: median ${quantile(empty, 0.5).toFixed(2)}, 90th percentile ${quantile(empty, 0.9).toFixed(2)}`,
    );
    // Measured (seed 13): 39/40; median 4.3e-4 → 1.3e-4, 90th percentile 8.8e-4 → 3.6e-4. Over seeds 1–6 the
    // median falls 2.0–3.3× and the 90th percentile 1.3–2.6×; what is left at SNR 9–20 is the noise's share.
    expect(r.recovered).toBeGreaterThanOrEqual(32);
    expect(quantile(r.after, 0.5)).toBeLessThan(0.6 * quantile(r.before, 0.5));
    expect(quantile(r.after, 0.9)).toBeLessThan(quantile(r.before, 0.9));
    expect(quantile(r.sdeInjected, 0.5)).toBeGreaterThan(quantile(empty, 0.9));
  }, 120_000);
});
