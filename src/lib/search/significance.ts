/**
 * How significant a BLS peak is. SDE is TLS's signal detection efficiency (Hippke & Heller 2019,
 * their eqs. 4–6, as `transitleastsquares` 1.0.31 computes it), applied to the BLS periodogram: at
 * each period the box's χ² is the constant model's minus twice its log likelihood (exact for a
 * two-level box against the weighted mean), SR = min χ² / χ², and the spectrum is detrended with
 * TLS's running median (30 × the grid's period oversampling, made odd) and scaled to unit standard
 * deviation. The false-alarm probability is read from an empirical distribution of the SDE of light
 * curves without transits (fap-calibration.json, made by scripts/calibrate-fap.mts).
 */
import calibration from './fap-calibration.json';
import type { BlsInput, BlsPeriodogram } from './bls-types.ts';
import { lowerBound } from './numeric.ts';
import { spectra } from './tls/spectra.ts';

/** TLS's default period oversampling; its SDE median kernel is 30 × this. */
export const TLS_OVERSAMPLING = 3;

/** χ² of the constant model (the weighted mean), with the search's weights. */
export function constantChi2(input: BlsInput): number {
  const { flux, fluxErr } = input;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < flux.length; i++) {
    const w = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
    sw += w;
    swy += w * flux[i];
  }
  const mean = swy / sw;
  let chi2 = 0;
  for (let i = 0; i < flux.length; i++) {
    const w = fluxErr ? 1 / (fluxErr[i] * fluxErr[i]) : 1;
    chi2 += w * (flux[i] - mean) ** 2;
  }
  return chi2;
}

/**
 * The SDE spectrum of a BLS periodogram: one value per period, in units of the spectrum's standard
 * deviation (the peak's value is TLS's SDE). A period where no box qualified counts as no improvement.
 */
export function sdeSpectrum(periodogram: BlsPeriodogram, chi2Constant: number, oversampling: number): Float64Array {
  const n = periodogram.logLikelihood.length;
  if (n < 2) return new Float64Array(n);
  const chi2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ll = periodogram.logLikelihood[i];
    chi2[i] = chi2Constant - 2 * (Number.isFinite(ll) && ll > 0 ? ll : 0);
  }
  const { power } = spectra(chi2, oversampling);
  return power;
}

interface Calibration {
  /** Null light curves searched. */
  trials: number;
  /** SDE of the reported peak of each null light curve that had one, ascending. */
  sde: number[];
}

const NULL_SDE = (calibration as Calibration).sde;

/** Null light curves in the calibration (those without a reported peak count as below every SDE). */
export const FAP_TRIALS = (calibration as Calibration).trials;

/**
 * The false-alarm probability of a peak with this SDE: the fraction of the calibration's null light
 * curves whose reported peak had at least this SDE, as (k + 1) / (N + 1) so that it is never 0.
 */
export function falseAlarmProbability(sde: number): number {
  if (!Number.isFinite(sde)) return Number.NaN;
  return (NULL_SDE.length - lowerBound(NULL_SDE, sde) + 1) / (FAP_TRIALS + 1);
}
