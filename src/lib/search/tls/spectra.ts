/**
 * The TLS periodogram: signal residue SR = min(chi2) / chi2, the SDE spectrum scaled so that its peak
 * equals SDE_raw, and the detrended spectrum ("power"): minus a running median of oversampling × 30
 * periods (made odd), rescaled so that its peak equals SDE.
 */
import { SDE_MEDIAN_KERNEL_SIZE } from './constants.ts';
import { lowerBound } from '../numeric.ts';

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/** Population standard deviation (numpy's default). */
export function std(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
}

export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function max(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/** Running median of width `kernel`, padded at both ends with the first and last medians. */
export function runningMedian(data: Float64Array, kernel: number): Float64Array {
  const n = data.length;
  const count = n - kernel + 1;
  const out = new Float64Array(n);
  const front = Math.trunc((n - count) * 0.5);
  // a sorted window, updated by one removal and one insertion per step
  const window = Array.from(data.subarray(0, kernel)).sort((a, b) => a - b);
  const mid = (kernel - 1) / 2;
  const med = () => (kernel % 2 === 1 ? window[mid] : (window[kernel / 2 - 1] + window[kernel / 2]) / 2);
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      window.splice(lowerBound(window, data[i - 1]), 1);
      window.splice(lowerBound(window, data[i + kernel - 1]), 0, data[i + kernel - 1]);
    }
    out[front + i] = med();
  }
  out.fill(out[front], 0, front);
  out.fill(out[front + count - 1], front + count);
  return out;
}

export interface Spectra {
  SR: Float64Array;
  powerRaw: Float64Array;
  power: Float64Array;
  SDERaw: number;
  SDE: number;
}

export function spectra(chi2: Float64Array, oversamplingFactor: number): Spectra {
  let chi2Min = Infinity;
  for (const c of chi2) chi2Min = Math.min(chi2Min, c);
  const SR = chi2.map((c) => chi2Min / c);
  const SDERaw = (1 - mean(SR)) / std(SR);
  const srMean = mean(SR);
  const powerRaw = SR.map((v) => v - srMean);
  const rawScale = SDERaw / max(powerRaw);
  for (let i = 0; i < powerRaw.length; i++) powerRaw[i] *= rawScale;
  let kernel = oversamplingFactor * SDE_MEDIAN_KERNEL_SIZE;
  if (kernel % 2 === 0) kernel += 1;
  if (powerRaw.length <= 2 * kernel) return { SR, powerRaw, power: powerRaw.slice(), SDERaw, SDE: SDERaw };
  const trend = runningMedian(powerRaw, kernel);
  const power = powerRaw.map((v, i) => v - trend[i]);
  const m = mean(power);
  for (let i = 0; i < power.length; i++) power[i] -= m;
  const s = std(power);
  const SDE = max(power.map((v) => v / s));
  const scale = SDE / max(power);
  for (let i = 0; i < power.length; i++) power[i] *= scale;
  return { SR, powerRaw, power, SDERaw, SDE };
}

/** Half the distance between the first periods either side of the peak with power ≤ half the peak. */
export function periodUncertainty(periods: Float64Array, power: Float64Array): number {
  const n = power.length;
  let peak = 0;
  for (let i = 1; i < n; i++) if (power[i] > power[peak]) peak = i;
  const half = 0.5 * power[peak];
  let upper = -1;
  for (let i = peak + 1; i < n; i++) {
    if (power[i] <= half) {
      upper = i;
      break;
    }
  }
  if (upper < 0) return Infinity;
  // the package steps below index 0 into Python's negative indices (the end of the array)
  for (let i = peak - 1; i >= -n; i--) {
    const at = i < 0 ? n + i : i;
    if (power[at] <= half) return 0.5 * (periods[upper] - periods[at]);
  }
  return Infinity;
}
