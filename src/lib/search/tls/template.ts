/**
 * The TLS transit templates: a limb-darkened reference transit (Mandel & Agol, sampled like
 * `transitleastsquares` 1.0.31 does with batman), stretched to each trial duration and cut to its
 * in-transit samples, with the "overshoot" that converts a window's mean flux into the template depth.
 */
import { NUMERICAL_STABILITY_CUTOFF, SIGNAL_DEPTH, SUPERSAMPLE_SIZE, type TemplateShape } from './constants.ts';
import { quadraticFlux } from './occultation.ts';

/** n evenly spaced values from start to stop inclusive (numpy.linspace). */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  out[n - 1] = stop;
  return out;
}

/** Linear interpolation of (x, y) at xNew; outside x the end segments are extrapolated. */
function interpolate(xNew: Float64Array, x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(xNew.length);
  let i = 0;
  for (let j = 0; j < xNew.length; j++) {
    const z = xNew[j];
    // xNew is ascending: advance the segment index monotonically
    while (i < n - 2 && z >= x[i + 1]) i++;
    const theta = (z - x[i]) / (x[i + 1] - x[i]);
    out[j] = (1 - theta) * y[i] + theta * y[i + 1];
  }
  return out;
}

/** Light curve of a circular orbit at times t (days from mid-transit). */
export function transitLightCurve(t: Float64Array, shape: TemplateShape): Float64Array {
  const inc = (shape.inc * Math.PI) / 180;
  const sinInc = Math.sin(inc);
  const [u1, u2 = 0] = shape.limbDark === 'quadratic' ? shape.u : [shape.u[0], 0];
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const frac = t[i] / shape.per - Math.trunc(t[i] / shape.per);
    const f = frac * 2 * Math.PI;
    const cosF = Math.cos(f);
    const z = shape.a * Math.sqrt(1 - cosF * cosF * sinInc * sinInc);
    out[i] = cosF > 0 ? quadraticFlux(shape.rp, z, u1, u2) : 1;
  }
  return out;
}

/** The in-transit part of a one-day transit, resampled to `samples` points and scaled to depth 1. */
export function referenceTransit(samples: number, shape: TemplateShape): Float64Array {
  const t = linspace(-0.5, 0.5, SUPERSAMPLE_SIZE);
  const flux = transitLightCurve(t, shape);
  let first = flux.findIndex((f) => f < 1);
  if (first < 0) throw new RangeError('the template shape shows no transit');
  // the package slices [first, n - first] (one past the symmetric end), then resamples onto
  // [t[first], t[n - first - 1]]
  const end = first === 0 ? SUPERSAMPLE_SIZE : SUPERSAMPLE_SIZE - first + 1;
  const inTime = t.subarray(first, end);
  const inFlux = flux.subarray(first, end);
  const xNew = linspace(t[first], t[SUPERSAMPLE_SIZE - first - 1], samples);
  const down = interpolate(xNew, inTime, inFlux);
  let min = Infinity;
  for (const v of down) min = Math.min(min, v);
  return down.map((v) => (min - v) / (min - 1));
}

export interface TemplateRow {
  /** Duration as a fraction of the period. */
  duration: number;
  /** Template width in samples of the light curve. */
  widthInSamples: number;
  /** 1 / (2 - mean(signal) / min(signal)): window mean depth × overshoot = template depth. */
  overshoot: number;
  /** In-transit template samples at depth SIGNAL_DEPTH (values below 1 - 1e-8). */
  signal: Float64Array;
}

/** One template per trial duration (the package's model cache). */
export function templateCache(durations: number[], nPoints: number, shape: TemplateShape): { maxWidthInSamples: number; rows: TemplateRow[] } {
  const maxDuration = Math.max(...durations);
  let maxWidthInSamples = Math.trunc(maxDuration * nPoints);
  if (maxWidthInSamples % 2 !== 0) maxWidthInSamples += 1;
  const reference = referenceTransit(maxWidthInSamples, shape);
  const referenceTime = linspace(-0.5, 0.5, maxWidthInSamples);
  const rows = durations.map((duration) => {
    const occupied = Math.trunc((duration / maxDuration) * maxWidthInSamples);
    const stretched = interpolate(linspace(-0.5, 0.5, occupied), referenceTime, reference);
    const pad = Math.trunc((maxWidthInSamples - occupied) * 0.5);
    const full = new Float64Array(maxWidthInSamples).fill(1);
    for (let i = 0; i < occupied; i++) full[pad + i] = 1 - (1 - stretched[i]) * SIGNAL_DEPTH;
    let first = -1;
    let last = -1;
    for (let i = 0; i < full.length; i++) {
      if (full[i] < 1 - NUMERICAL_STABILITY_CUTOFF) {
        if (first < 0) first = i;
        last = i;
      }
    }
    const signal = full.slice(first, last + 1);
    let sum = 0;
    let min = Infinity;
    for (const v of signal) {
      sum += v;
      min = Math.min(min, v);
    }
    const ratio = sum / signal.length / min;
    return { duration, widthInSamples: occupied, overshoot: 1 / (2 - ratio), signal };
  });
  return { maxWidthInSamples, rows };
}
