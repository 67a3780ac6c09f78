/**
 * Phase-folded summaries at the best period (seed definitions, but folded on the transit time
 * rather than the first timestamp):
 * - periodicityStrength: the standard deviation of the median flux in 20 phase bins divided by the
 *   standard deviation of the flux, capped at 1 (how much of the scatter the fold explains).
 * - phaseCoverage: the fraction of 50 phase bins that hold at least one point.
 */
import { median } from '../../lightcurve/arrays.ts';
import { phase } from './fold.ts';

export function periodicityStrength(time: Float64Array, flux: Float64Array, period: number, transitTime: number, fluxStd: number): number {
  const bins: number[][] = Array.from({ length: 20 }, () => []);
  for (let i = 0; i < time.length; i++) bins[Math.min(19, Math.floor(phase(time[i], period, transitTime) * 20))].push(flux[i]);
  const medians = bins.filter((b) => b.length > 0).map((b) => median(Float64Array.from(b)));
  if (medians.length < 2 || !(fluxStd > 0)) return Number.NaN;
  const mu = medians.reduce((a, b) => a + b, 0) / medians.length;
  const spread = Math.sqrt(medians.reduce((s, v) => s + (v - mu) ** 2, 0) / medians.length);
  return Math.min(1, spread / fluxStd);
}

export function phaseCoverage(time: Float64Array, period: number, transitTime: number, nBins = 50): number {
  const filled = new Uint8Array(nBins);
  for (let i = 0; i < time.length; i++) filled[Math.min(nBins - 1, Math.floor(phase(time[i], period, transitTime) * nBins))] = 1;
  return filled.reduce((a, b) => a + b, 0) / nBins;
}
