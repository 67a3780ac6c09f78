// Box Least Squares, astropy's fast (binned) method: a port of the algorithm in
// astropy/timeseries/periodograms/bls/bls.c (`run_bls`), written to reproduce its arithmetic
// operation by operation so that parity with astropy is reachable (same binning, same order of
// summation, same tie-breaking: the first maximum wins).
//
// Memory: the caller asks `allocate` for room for one search; it lays out every input, output and
// work array in one block after the static data, growing the memory only there (per-bin work arrays
// are placed by `run` once it knows the bin count). `run` then reads the
// inputs and fills the outputs; its loops allocate nothing.
//
// Inputs are already preconditioned by the host (times relative to t_ref, median-subtracted flux,
// inverse variances), as astropy's core.py does before calling the C kernel.

import { slotOffset, workOffset, reserveWork, SLOT_TIME, SLOT_Y, SLOT_IVAR, SLOT_PERIOD,
  SLOT_DURATION, SLOT_POWER, SLOT_DEPTH, SLOT_DEPTH_ERR, SLOT_DURATION_OUT, SLOT_TRANSIT_TIME, SLOT_DEPTH_SNR,
  SLOT_LOG_LIKELIHOOD, SLOT_X, SLOT_WY, allocatedPoints, allocatedPeriods, allocatedDurations } from './memory';

/** `run` flag bits. */
export const FLAG_SIMD: i32 = 1;

/** `run` status codes: 0 ok, > 0 invalid input, < 0 resource failure. */
export const STATUS_OK: i32 = 0;
export const STATUS_BAD_PERIOD: i32 = 1; // astropy's 1: min(period) < DBL_EPSILON
export const STATUS_BAD_DURATION: i32 = 2; // astropy's 2: max(duration) > min(period) or min(duration) < DBL_EPSILON
export const STATUS_BAD_OVERSAMPLE: i32 = 3;
export const STATUS_BAD_OBJECTIVE: i32 = 4;
export const STATUS_NOT_ALLOCATED: i32 = 5;
export const STATUS_NOT_FINITE: i32 = 6;
export const STATUS_NO_MEMORY: i32 = -1;
export const STATUS_TOO_MANY_BINS: i32 = -2;

// Objective flag as in bls.c: 1 = log likelihood, 0 = depth signal-to-noise.
const OBJECTIVE_SNR: i32 = 0;
const OBJECTIVE_LIKELIHOOD: i32 = 1;

// Bins beyond this would need more than 2 GiB of work arrays; refuse rather than trap.
const MAX_BINS: f64 = 134217728; // 2^27

// Per-search state shared by the helpers below (module globals: no allocation, no closures).
let sumY: f64 = 0;
let sumIvar: f64 = 0;
let minT: f64 = 0;
let meanY: usize = 0;
let meanIvar: usize = 0;
let wyArray: usize = 0;
let ivarArray: usize = 0;
let useLikelihood: bool = true;

// Best model of the current period.
let bestObjective: f64 = -Infinity;
let bestN: i32 = -1;
let bestDur: i32 = 0;
let bestYIn: f64 = 0;
let bestYOut: f64 = 0;
let bestIvarIn: f64 = 0;
let bestIvarOut: f64 = 0;

/** C's round() for the non-negative ratios used here (halves away from zero). */
@inline function roundPositive(x: f64): f64 {
  const r = Math.floor(x);
  return x - r >= 0.5 ? r + 1.0 : r;
}

/**
 * Runs the search over the allocated inputs. `objective`: 1 likelihood, 0 snr (bls.c's obj_flag).
 * `flags`: FLAG_SIMD selects the f64x2 loops (same arithmetic, same results).
 */
export function run(oversample: i32, objective: i32, flags: i32): i32 {
  const nPoints = allocatedPoints();
  const nPeriods = allocatedPeriods();
  const nDurations = allocatedDurations();
  if (nPoints < 1 || nPeriods < 1 || nDurations < 1) return STATUS_NOT_ALLOCATED;
  if (oversample < 1) return STATUS_BAD_OVERSAMPLE;
  if (objective != OBJECTIVE_SNR && objective != OBJECTIVE_LIKELIHOOD) return STATUS_BAD_OBJECTIVE;
  useLikelihood = objective == OBJECTIVE_LIKELIHOOD;

  const periods = slotOffset(SLOT_PERIOD);
  const durations = slotOffset(SLOT_DURATION);
  let minPeriod = load<f64>(periods);
  let maxPeriod = minPeriod;
  for (let k = 0; k < nPeriods; k++) {
    const p = load<f64>(periods + (<usize>k << 3));
    if (!isFinite(p)) return STATUS_NOT_FINITE;
    if (p < minPeriod) minPeriod = p;
    if (p > maxPeriod) maxPeriod = p;
  }
  if (minPeriod < f64.EPSILON) return STATUS_BAD_PERIOD;
  let minDuration = load<f64>(durations);
  let maxDuration = minDuration;
  for (let k = 0; k < nDurations; k++) {
    const d = load<f64>(durations + (<usize>k << 3));
    if (!isFinite(d)) return STATUS_NOT_FINITE;
    if (d < minDuration) minDuration = d;
    if (d > maxDuration) maxDuration = d;
  }
  if (maxDuration > minPeriod || minDuration < f64.EPSILON) return STATUS_BAD_DURATION;

  const binDuration = minDuration / <f64>oversample;
  const maxBinsF = Math.ceil(maxPeriod / binDuration) + <f64>oversample;
  if (!(maxBinsF < MAX_BINS)) return STATUS_TOO_MANY_BINS;
  const maxBins = <i32>maxBinsF;
  // Two cumulative arrays of maxBins + 1 entries, plus one spare so the f64x2 loads never leave them.
  const workStatus = reserveWork(<usize>(maxBins + 2) << 3, 2);
  if (workStatus != 0) return workStatus;
  meanY = workOffset(0);
  meanIvar = workOffset(1);

  precondition(nPoints);
  wyArray = slotOffset(SLOT_WY);
  ivarArray = slotOffset(SLOT_IVAR);

  const simd = (flags & FLAG_SIMD) != 0;
  for (let p = 0; p < nPeriods; p++) {
    const period = load<f64>(periods + (<usize>p << 3));
    const nBins = <i32>Math.ceil(period / binDuration) + oversample;
    if (simd) binPhasesSimd(nPoints, period, binDuration, nBins);
    else binPhases(nPoints, period, binDuration, nBins);
    wrapAndAccumulate(nBins, oversample);

    bestObjective = -Infinity;
    bestN = -1;
    for (let k = 0; k < nDurations; k++) {
      const dur = <i32>roundPositive(load<f64>(durations + (<usize>k << 3)) / binDuration);
      if (simd) scanSimd(nBins - dur, dur);
      else scanScalar(0, nBins - dur, dur);
    }
    writePeriod(p, period, binDuration);
  }
  return STATUS_OK;
}

/** Sums and t_min over all points, and the per-point products reused by every period. */
function precondition(nPoints: i32): void {
  const time = slotOffset(SLOT_TIME);
  const y = slotOffset(SLOT_Y);
  const ivar = slotOffset(SLOT_IVAR);
  const x = slotOffset(SLOT_X);
  const wy = slotOffset(SLOT_WY);
  minT = Infinity;
  sumY = 0;
  sumIvar = 0;
  for (let i = 0; i < nPoints; i++) {
    const off = <usize>i << 3;
    const t = load<f64>(time + off);
    if (t < minT) minT = t;
    const w = load<f64>(ivar + off);
    const yw = load<f64>(y + off) * w;
    store<f64>(wy + off, yw);
    sumY += yw;
    sumIvar += w;
  }
  // bls.c computes t[n] - min_t inside the period loop; the value is the same, so compute it once.
  for (let i = 0; i < nPoints; i++) {
    const off = <usize>i << 3;
    store<f64>(x + off, load<f64>(time + off) - minT);
  }
}

/** Zeroes bins 0..nBins (bls.c: n_bins + 1 entries; entry 0 is the cumulative sum's origin). */
@inline function clearBins(nBins: i32): void {
  const bytes = <usize>(nBins + 1) << 3;
  memory.fill(meanY, 0, bytes);
  memory.fill(meanIvar, 0, bytes);
}

/**
 * Phase-bins the points: bin index = (int)((x mod P) / bin) + 1, with x mod P = x - P·floor(x/P)
 * (bls.c's wrap_into). Summing runs of same-bin points in a register was measured slower (branch
 * misses), so this is bls.c's plain scatter.
 */
function binPhases(nPoints: i32, period: f64, binDuration: f64, nBins: i32): void {
  clearBins(nBins);
  const x = slotOffset(SLOT_X);
  for (let i = 0; i < nPoints; i++) {
    const off = <usize>i << 3;
    addToBin(phaseBin(load<f64>(x + off), period, binDuration), off);
  }
}

/** Byte offset of the bin of a point at x = t − t_min. */
@inline function phaseBin(x: f64, period: f64, binDuration: f64): usize {
  return <usize>(<i32>((x - period * Math.floor(x / period)) / binDuration) + 1) << 3;
}

/** Adds point `off` (byte offset) to the bin at byte offset `bin`, in point order as bls.c. */
@inline function addToBin(bin: usize, off: usize): void {
  store<f64>(meanY + bin, load<f64>(meanY + bin) + load<f64>(wyArray + off));
  store<f64>(meanIvar + bin, load<f64>(meanIvar + bin) + load<f64>(ivarArray + off));
}

/** binPhases with the index arithmetic done two points at a time (identical IEEE operations). */
function binPhasesSimd(nPoints: i32, period: f64, binDuration: f64, nBins: i32): void {
  clearBins(nBins);
  const x = slotOffset(SLOT_X);
  const period2 = f64x2.splat(period);
  const bin2 = f64x2.splat(binDuration);
  const one4 = i32x4.splat(1);
  let i = 0;
  for (; i + 1 < nPoints; i += 2) {
    const off = <usize>i << 3;
    const xi = v128.load(x + off);
    const wrapped = f64x2.sub(xi, f64x2.mul(period2, f64x2.floor(f64x2.div(xi, period2))));
    const inds = i32x4.shl(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(f64x2.div(wrapped, bin2)), one4), 3);
    addToBin(<usize>i32x4.extract_lane(inds, 0), off);
    addToBin(<usize>i32x4.extract_lane(inds, 1), off + 8);
  }
  if (i < nPoints) {
    const off = <usize>i << 3;
    addToBin(phaseBin(load<f64>(x + off), period, binDuration), off);
  }
}

/**
 * bls.c's wrap: bins 1..oversample are copied to n_bins - oversample .. n_bins - 1 (this overwrites
 * the last, partial phase bin, as astropy does), then both arrays become cumulative sums.
 */
function wrapAndAccumulate(nBins: i32, oversample: i32): void {
  for (let n = 1; n <= oversample; n++) {
    const from = <usize>n << 3;
    const to = <usize>(nBins - oversample + n - 1) << 3;
    store<f64>(meanY + to, load<f64>(meanY + from));
    store<f64>(meanIvar + to, load<f64>(meanIvar + from));
  }
  let cy = load<f64>(meanY);
  let ci = load<f64>(meanIvar);
  for (let n = 1; n <= nBins; n++) {
    const off = <usize>n << 3;
    cy += load<f64>(meanY + off);
    ci += load<f64>(meanIvar + off);
    store<f64>(meanY + off, cy);
    store<f64>(meanIvar + off, ci);
  }
}

/** One start bin n of a window of `dur` bins; keeps it if it beats the best so far (strictly). */
@inline function consider(n: i32, dur: i32): void {
  const lo = <usize>n << 3;
  const hi = <usize>(n + dur) << 3;
  let yIn = load<f64>(meanY + hi) - load<f64>(meanY + lo);
  const ivarIn = load<f64>(meanIvar + hi) - load<f64>(meanIvar + lo);
  let yOut = sumY - yIn;
  const ivarOut = sumIvar - ivarIn;
  if (ivarIn < f64.EPSILON || ivarOut < f64.EPSILON) return;
  yIn /= ivarIn;
  yOut /= ivarOut;
  let objective: f64;
  if (useLikelihood) {
    const arg = yOut - yIn;
    objective = 0.5 * ivarIn * arg * arg;
  } else {
    objective = (yOut - yIn) / Math.sqrt(1.0 / ivarIn + 1.0 / ivarOut);
  }
  if (yOut >= yIn && objective > bestObjective) {
    bestObjective = objective;
    bestN = n;
    bestDur = dur;
    bestYIn = yIn;
    bestYOut = yOut;
    bestIvarIn = ivarIn;
    bestIvarOut = ivarOut;
  }
}

function scanScalar(from: i32, nMax: i32, dur: i32): void {
  for (let n = from; n <= nMax; n++) consider(n, dur);
}

/**
 * Two start bins at a time; a pair that might beat the best is redone by `consider` in order, so
 * the result (and the first-maximum tie-break) is exactly the scalar one.
 */
function scanSimd(nMax: i32, dur: i32): void {
  const eps2 = f64x2.splat(f64.EPSILON);
  const sumY2 = f64x2.splat(sumY);
  const sumIvar2 = f64x2.splat(sumIvar);
  const half2 = f64x2.splat(0.5);
  const one2 = f64x2.splat(1.0);
  const shift = <usize>dur << 3;
  let n = 0;
  for (; n < nMax; n += 2) {
    const lo = <usize>n << 3;
    const yIn = f64x2.sub(v128.load(meanY + lo + shift), v128.load(meanY + lo));
    const ivarIn = f64x2.sub(v128.load(meanIvar + lo + shift), v128.load(meanIvar + lo));
    const ivarOut = f64x2.sub(sumIvar2, ivarIn);
    const yInMean = f64x2.div(yIn, ivarIn);
    const yOutMean = f64x2.div(f64x2.sub(sumY2, yIn), ivarOut);
    const depth = f64x2.sub(yOutMean, yInMean);
    let objective: v128;
    if (useLikelihood) {
      objective = f64x2.mul(f64x2.mul(f64x2.mul(half2, ivarIn), depth), depth);
    } else {
      objective = f64x2.div(depth, f64x2.sqrt(f64x2.add(f64x2.div(one2, ivarIn), f64x2.div(one2, ivarOut))));
    }
    const valid = v128.and(f64x2.ge(ivarIn, eps2), f64x2.ge(ivarOut, eps2));
    const better = v128.and(f64x2.ge(yOutMean, yInMean), f64x2.gt(objective, f64x2.splat(bestObjective)));
    if (v128.any_true(v128.and(valid, better))) {
      consider(n, dur);
      consider(n + 1, dur);
    }
  }
  if (n == nMax) consider(n, dur);
}

/** Writes the best model of period p, with bls.c's formulas (NaN fields when nothing qualified). */
function writePeriod(p: i32, period: f64, binDuration: f64): void {
  const off = <usize>p << 3;
  store<f64>(slotOffset(SLOT_POWER) + off, bestObjective);
  if (bestN < 0) {
    store<f64>(slotOffset(SLOT_DEPTH) + off, NaN);
    store<f64>(slotOffset(SLOT_DEPTH_ERR) + off, NaN);
    store<f64>(slotOffset(SLOT_DURATION_OUT) + off, NaN);
    store<f64>(slotOffset(SLOT_TRANSIT_TIME) + off, NaN);
    store<f64>(slotOffset(SLOT_DEPTH_SNR) + off, NaN);
    store<f64>(slotOffset(SLOT_LOG_LIKELIHOOD) + off, NaN);
    return;
  }
  const depth = bestYOut - bestYIn;
  const depthErr = Math.sqrt(1.0 / bestIvarIn + 1.0 / bestIvarOut);
  const duration = <f64>bestDur * binDuration;
  store<f64>(slotOffset(SLOT_DEPTH) + off, depth);
  store<f64>(slotOffset(SLOT_DEPTH_ERR) + off, depthErr);
  store<f64>(slotOffset(SLOT_DURATION_OUT) + off, duration);
  store<f64>(slotOffset(SLOT_TRANSIT_TIME) + off, (<f64>bestN * binDuration + 0.5 * duration + minT) % period);
  store<f64>(slotOffset(SLOT_DEPTH_SNR) + off, depth / depthErr);
  store<f64>(slotOffset(SLOT_LOG_LIKELIHOOD) + off, 0.5 * bestIvarIn * depth * depth);
}
