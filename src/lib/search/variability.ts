/**
 * Is a peak a transit or stellar variability? astropy's compute_stats fits one sinusoid at the period
 * (`harmonic_delta_log_likelihood`); a star varying at half the period (the BLS box then sits on
 * every other trough) needs its second harmonic too. Here a weighted least-squares fit of
 * c + Σ_{k=1,2} a_k·sin(2πkt/P) + b_k·cos(2πkt/P) against the box of the peak (astropy's masks and
 * levels): its Δ log L > 0 means the smooth curve explains the light curve better than a transit. A
 * transit of duty cycle q gives the two harmonics only about q/(1 − q) of the box's Δχ².
 */
import type { BlsInput } from './bls-types.ts';
import { pyMod } from './bls-stats.ts';
import { solveLinear } from './numeric.ts';


/** −½χ² of the best weighted Fourier series with `harmonics` harmonics of 1/period (plus a constant). */
export function harmonicLogLikelihood(input: BlsInput, period: number, harmonics: number): number {
  const { time, flux, fluxErr } = input;
  const k = 2 * harmonics + 1;
  const row = new Float64Array(k);
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const aty = new Array<number>(k).fill(0);
  const basis = (t: number) => {
    row[0] = 1;
    for (let h = 1; h <= harmonics; h++) {
      const arg = (2 * Math.PI * h * t) / period;
      row[2 * h - 1] = Math.sin(arg);
      row[2 * h] = Math.cos(arg);
    }
  };
  for (let i = 0; i < time.length; i++) {
    const w = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
    basis(time[i]);
    for (let r = 0; r < k; r++) {
      aty[r] += w * row[r] * flux[i];
      for (let c = 0; c < k; c++) ata[r][c] += w * row[r] * row[c];
    }
  }
  const x = solveLinear(ata, aty);
  let chi2 = 0;
  for (let i = 0; i < time.length; i++) {
    const w = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
    basis(time[i]);
    let model = 0;
    for (let r = 0; r < k; r++) model += x[r] * row[r];
    chi2 += w * (flux[i] - model) ** 2;
  }
  return -0.5 * chi2;
}

/** −½χ² of the two-level box (astropy compute_stats's in-transit mask and weighted levels). */
export function boxLogLikelihood(input: BlsInput, period: number, duration: number, transitTime: number): number {
  const { time, flux, fluxErr } = input;
  const hp = 0.5 * period;
  const inside = (t: number) => Math.abs(pyMod(t - transitTime + hp, period) - hp) < 0.5 * duration;
  const sums = [0, 0, 0, 0];
  for (let i = 0; i < time.length; i++) {
    const w = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
    const j = inside(time[i]) ? 0 : 2;
    sums[j] += w;
    sums[j + 1] += w * flux[i];
  }
  const yIn = sums[1] / sums[0];
  const yOut = sums[3] / sums[2];
  let chi2 = 0;
  for (let i = 0; i < time.length; i++) {
    const w = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
    chi2 += w * (flux[i] - (inside(time[i]) ? yIn : yOut)) ** 2;
  }
  return -0.5 * chi2;
}

/** log L(sinusoid with two harmonics at the period) − log L(box); > 0 when the smooth curve fits better. */
export function twoHarmonicDeltaLogLikelihood(input: BlsInput, period: number, duration: number, transitTime: number): number {
  return harmonicLogLikelihood(input, period, 2) - boxLogLikelihood(input, period, duration, transitTime);
}
