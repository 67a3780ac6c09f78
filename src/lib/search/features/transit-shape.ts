/**
 * Shape of the folded transit, in phase order (not time order, the seed's defect): x = time from
 * mid-transit (days), deficit D = local out-of-transit level − flux. The local level is the median
 * flux at d/2 ≤ |x| < 3d/2 around the same transit phase; d = the box duration.
 *
 * - symmetry: the deficit binned in |x| (five bins over [0, d/2]) on each side, compared mirror-wise:
 *   1 − Σ|D_left − D_right| / Σ(|D_left| + |D_right|). 1 for any symmetric shape (box, U, V); 0.5
 *   for a linear ramp from 0 at ingress to full depth at egress.
 * - ingressEgressRatio: mean deficit over the first quarter of the box (x in [−d/2, −d/4)) over the
 *   mean deficit in its last quarter ((d/4, d/2]). 1 when ingress and egress are alike; 1/7 for the ramp.
 * - secondary: mean flux deficit in a box of width d at phase 0.5 against the median level at
 *   d/2 ≤ |x − P/2| < 3d/2, with its standard error from the scatter of the local points.
 */
import { median } from '../../lightcurve/arrays.ts';
import { mean, timeFromTransit } from './fold.ts';

export interface TransitShape {
  symmetry: number;
  ingressEgressRatio: number;
}

const SYMMETRY_BINS = 5;

/** The local level around phase `centre` (days from mid-transit) and the points inside the box there. */
function localBox(time: Float64Array, flux: Float64Array, period: number, transitTime: number, duration: number) {
  const half = duration / 2;
  const inside: Array<[number, number]> = [];
  const around: number[] = [];
  for (let i = 0; i < time.length; i++) {
    const x = timeFromTransit(time[i], period, transitTime);
    const ax = Math.abs(x);
    if (ax < half) inside.push([x, flux[i]]);
    else if (ax < 3 * half) around.push(flux[i]);
  }
  return { inside, level: around.length ? median(Float64Array.from(around)) : Number.NaN, around };
}

export function transitShape(time: Float64Array, flux: Float64Array, period: number, transitTime: number, duration: number): TransitShape {
  const half = duration / 2;
  const { inside, level } = localBox(time, flux, period, transitTime, duration);
  const left: number[][] = Array.from({ length: SYMMETRY_BINS }, () => []);
  const right: number[][] = Array.from({ length: SYMMETRY_BINS }, () => []);
  const first: number[] = [];
  const last: number[] = [];
  for (const [x, f] of inside) {
    const deficit = level - f;
    const bin = Math.min(SYMMETRY_BINS - 1, Math.floor((Math.abs(x) / half) * SYMMETRY_BINS));
    (x < 0 ? left : right)[bin].push(deficit);
    if (x < -half / 2) first.push(deficit);
    else if (x > half / 2) last.push(deficit);
  }
  let differ = 0;
  let total = 0;
  for (let k = 0; k < SYMMETRY_BINS; k++) {
    if (left[k].length === 0 || right[k].length === 0) continue;
    const l = mean(left[k]);
    const r = mean(right[k]);
    differ += Math.abs(l - r);
    total += Math.abs(l) + Math.abs(r);
  }
  const egress = mean(last);
  return {
    symmetry: total > 0 ? 1 - differ / total : Number.NaN,
    ingressEgressRatio: first.length && last.length && egress !== 0 ? mean(first) / egress : Number.NaN,
  };
}

export interface SecondaryEclipse {
  depth: number;
  depthErr: number;
}

export function secondaryEclipse(time: Float64Array, flux: Float64Array, period: number, transitTime: number, duration: number): SecondaryEclipse {
  const { inside, level, around } = localBox(time, flux, period, transitTime + period / 2, duration);
  if (inside.length === 0 || around.length < 2) return { depth: Number.NaN, depthErr: Number.NaN };
  const m = mean(around);
  let ss = 0;
  for (const v of around) ss += (v - m) ** 2;
  const sigma = Math.sqrt(ss / (around.length - 1));
  return {
    depth: level - mean(inside.map(([, f]) => f)),
    depthErr: sigma * Math.sqrt(1 / inside.length + 1 / around.length),
  };
}
