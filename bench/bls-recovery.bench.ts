/**
 * Injection-recovery, the bigger version of test/kernels/grid-recovery.test.ts: seeded box transits
 * (periods 0.7–20 d, Sun-like to M-dwarf durations, SNR 7–20) in the full 75-day light curve of a
 * quiet K2 star (EPIC 211495446, real noise, no detrending), searched over 0.6–25 d with a dense
 * astropy autoperiod grid and with the optimal grids at two oversamplings; prints the recovered
 * fraction, the periods searched and the time of each, and the cost model's estimate.
 * `--quick`: 60 injections instead of 300.
 */
import { createBlsEngine } from '../src/lib/kernels/bls-kernel.ts';
import { loadKernelBytes } from '../src/lib/kernels/node.ts';
import { planOptions, planSearch, type SearchPlan } from '../src/lib/search/bls-plan.ts';
import { loadCase, vectorIndex } from '../test/kernels/astropy-vectors.ts';
import { makeInjections, runRecovery } from '../test/kernels/recovery.ts';

export default async function main(args: string[]): Promise<void> {
  const noise = loadCase(vectorIndex.cases.find((c) => c.name === 'k2-quiet-c5')!).input;
  const count = args.includes('--quick') ? 60 : 300;
  const injections = makeInjections(noise, { seed: 7, count, periodMin: 0.7, periodMax: 20, snr: [7, 20] });
  const engine = await createBlsEngine(await loadKernelBytes('release'));
  const range = { periodMin: 0.6, periodMax: 25 };
  const plans: Array<[string, SearchPlan]> = [
    ['astropy autoperiod, frequency factor 3, 8 durations 0.03–0.36 d', planSearch(noise.time, {
      grid: 'astropy', ...range, durations: [0.03, 0.045, 0.06, 0.08, 0.11, 0.15, 0.2, 0.27, 0.36], frequencyFactor: 3 })],
    ['optimal, period oversampling 2 (default grid)', planSearch(noise.time, { grid: 'optimal', ...range, periodOversampling: 2 })],
    ['optimal, period oversampling 3', planSearch(noise.time, { grid: 'optimal', ...range, periodOversampling: 3 })],
  ];
  process.stdout.write(`${count} injections in K2 EPIC 211495446 (${noise.time.length} points, 75 d), periods 0.6–25 d, one thread\n`);
  for (const [name, plan] of plans) {
    const r = runRecovery(engine, noise, injections, planOptions(plan));
    const found = r.recovered.filter(Boolean).length;
    process.stdout.write(
      `  ${name}: ${plan.periods.length} periods; recovered ${found}/${count} (${((100 * found) / count).toFixed(1)} %); ` +
        `${(r.seconds / count).toFixed(3)} s per search (cost model ${plan.estimatedSeconds.toFixed(3)} s)\n`,
    );
  }
}
