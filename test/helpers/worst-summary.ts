import { gaussian, mulberry32 } from './random.ts';

/**
 * The plot summary's worst case, seeded: 65,000 Kepler-cadence points, 100,000 trial periods of
 * random power, and a 1.05-d signal (a transit every day, so every window is filled).
 */
export function worstCaseSearch() {
  const rand = gaussian(mulberry32(3));
  const time = Float64Array.from({ length: 65_000 }, (_, i) => i * 0.0204);
  const flux = Float64Array.from(time, () => 1 + 1e-3 * rand());
  const period = Float64Array.from({ length: 100_000 }, (_, i) => 0.5 + i * 0.005);
  const power = Float64Array.from(period, () => Math.abs(rand()));
  return { rand, time, flux, period, power };
}
