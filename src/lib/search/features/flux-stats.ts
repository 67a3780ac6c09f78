/**
 * Distribution of the searched flux (after detrending and outlier removal), as the seed notebook
 * defined them: population standard deviation, median absolute deviation from the median (not
 * scaled by 1.4826), skewness = mean z³, excess kurtosis = mean z⁴ − 3 (Fisher's definition, scipy's default).
 */
import { median } from '../../lightcurve/arrays.ts';

export interface FluxStatistics {
  std: number;
  mad: number;
  skewness: number;
  kurtosis: number;
}

export function fluxStatistics(flux: Float64Array): FluxStatistics {
  const n = flux.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += flux[i];
  const mu = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = flux[i] - mu;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const centre = median(flux);
  const mad = median(flux.map((v) => Math.abs(v - centre)));
  return {
    std: Math.sqrt(m2),
    mad,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : Number.NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : Number.NaN,
  };
}
