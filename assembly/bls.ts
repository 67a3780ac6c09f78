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
// Beyond bls.c: each period may search only a range of the durations (FLAG_DURATION_RANGES), and
// may use its own bin width (FLAG_PERIOD_BINS); without those flags the results are astropy's.
//
// Inputs are already preconditioned by the host (times relative to t_ref, median-subtracted flux,
// inverse variances), as astropy's core.py does before calling the C kernel.

import { slotOffset, workOffset, reserveWork, SLOT_TIME, SLOT_Y, SLOT_IVAR, SLOT_PERIOD,
  SLOT_DURATION, SLOT_POWER, SLOT_DEPTH, SLOT_DEPTH_ERR, SLOT_DURATION_OUT, SLOT_TRANSIT_TIME, SLOT_DEPTH_SNR,
  SLOT_LOG_LIKELIHOOD, SLOT_X, SLOT_PAIR, SLOT_DURATION_FIRST, SLOT_DURATION_COUNT,
  allocatedPoints, allocatedPeriods, allocatedDurations } from './memory';

/** `run` flag bits. */
export const FLAG_SIMD: i32 = 1;
/** Search only durations[first .. first + count) at each period (SLOT_DURATION_FIRST / _COUNT). */
export const FLAG_DURATION_RANGES: i32 = 2;
/**
 * Bin width per period: the smallest duration of its range / oversample, instead of astropy's global
 * min(durations) / oversample. Needs FLAG_DURATION_RANGES and ascending durations. Not astropy.
 */
export const FLAG_PERIOD_BINS: i32 = 4;

/** `run` status codes: 0 ok, > 0 invalid input, < 0 resource failure. */
export const STATUS_OK: i32 = 0;
export const STATUS_BAD_PERIOD: i32 = 1; // astropy's 1: min(period) < DBL_EPSILON
export const STATUS_BAD_DURATION: i32 = 2; // astropy's 2: max(duration) > min(period) or min(duration) < DBL_EPSILON
export const STATUS_BAD_OVERSAMPLE: i32 = 3;
export const STATUS_BAD_OBJECTIVE: i32 = 4;
export const STATUS_NOT_ALLOCATED: i32 = 5;
export const STATUS_NOT_FINITE: i32 = 6;
export const STATUS_BAD_RANGE: i32 = 7; // a duration range outside the list, or ranges over unsorted durations
export const STATUS_NO_MEMORY: i32 = -1;
export const STATUS_TOO_MANY_BINS: i32 = -2;

// Objective flag as in bls.c: 1 = log likelihood, 0 = depth signal-to-noise.
const OBJECTIVE_SNR: i32 = 0;
const OBJECTIVE_LIKELIHOOD: i32 = 1;

// Bins beyond this would need more than 4 GiB of work arrays; refuse rather than trap.
const MAX_BINS: f64 = 134217728; // 2^27

// Per-search state shared by the helpers below (module globals: no allocation, no closures).
let sumY: f64 = 0;
let sumIvar: f64 = 0;
let minT: f64 = 0;
let bins: usize = 0; // (Σ y·ivar, Σ ivar) per phase bin, interleaved: one 16-byte read-modify-write per point
let meanY: usize = 0; // cumulative sums, de-interleaved for the two-start-bins-at-a-time scan
let meanIvar: usize = 0;
let meanNum: usize = 0; // S·cumIvar − W·cumY per bin: a window's bound numerator is one difference
let numError: f64 = 0; // bound on |difference of meanNum − the window's exact S·I − Y·W|
let pairArray: usize = 0;
let useLikelihood: bool = true;
// x / P and wrapped / bin are taken as products with the reciprocals when the product is this far
// from an integer, where the floor is provably that of the quotient; else the quotient is computed.
let quotientMargin: f64 = 0;
// Times in non-decreasing order (the usual light curve): the cycle number floor(x / P) then only
// grows along the points, so `binPhasesSorted` tracks it instead of dividing.
let sortedX: bool = false;

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

@inline function durationAt(k: i32): f64 {
  return load<f64>(slotOffset(SLOT_DURATION) + (<usize>k << 3));
}

@inline function rangeFirst(p: i32): i32 {
  return load<i32>(slotOffset(SLOT_DURATION_FIRST) + (<usize>p << 2));
}

@inline function rangeCount(p: i32): i32 {
  return load<i32>(slotOffset(SLOT_DURATION_COUNT) + (<usize>p << 2));
}

/** Checks the per-period duration ranges; sets nothing. */
function checkRanges(nPeriods: i32, nDurations: i32): i32 {
  for (let k = 1; k < nDurations; k++) if (!(durationAt(k) > durationAt(k - 1))) return STATUS_BAD_RANGE;
  const periods = slotOffset(SLOT_PERIOD);
  for (let p = 0; p < nPeriods; p++) {
    const first = rangeFirst(p);
    const count = rangeCount(p);
    if (first < 0 || count < 1 || first > nDurations - count) return STATUS_BAD_RANGE;
    if (durationAt(first + count - 1) > load<f64>(periods + (<usize>p << 3))) return STATUS_BAD_DURATION;
  }
  return STATUS_OK;
}

/**
 * Runs the search over the allocated inputs. `objective`: 1 likelihood, 0 snr (bls.c's obj_flag).
 * `flags`: FLAG_SIMD selects the f64x2 loops (same arithmetic, same results); FLAG_DURATION_RANGES
 * and FLAG_PERIOD_BINS as documented above.
 */
export function run(oversample: i32, objective: i32, flags: i32): i32 {
  const nPoints = allocatedPoints();
  const nPeriods = allocatedPeriods();
  const nDurations = allocatedDurations();
  if (nPoints < 1 || nPeriods < 1 || nDurations < 1) return STATUS_NOT_ALLOCATED;
  if (oversample < 1) return STATUS_BAD_OVERSAMPLE;
  if (objective != OBJECTIVE_SNR && objective != OBJECTIVE_LIKELIHOOD) return STATUS_BAD_OBJECTIVE;
  useLikelihood = objective == OBJECTIVE_LIKELIHOOD;
  const ranges = (flags & FLAG_DURATION_RANGES) != 0;
  const periodBins = ranges && (flags & FLAG_PERIOD_BINS) != 0;

  const periods = slotOffset(SLOT_PERIOD);
  let minPeriod = load<f64>(periods);
  let maxPeriod = minPeriod;
  for (let k = 0; k < nPeriods; k++) {
    const p = load<f64>(periods + (<usize>k << 3));
    if (!isFinite(p)) return STATUS_NOT_FINITE;
    if (p < minPeriod) minPeriod = p;
    if (p > maxPeriod) maxPeriod = p;
  }
  if (minPeriod < f64.EPSILON) return STATUS_BAD_PERIOD;
  let minDuration = durationAt(0);
  let maxDuration = minDuration;
  for (let k = 0; k < nDurations; k++) {
    const d = durationAt(k);
    if (!isFinite(d)) return STATUS_NOT_FINITE;
    if (d < minDuration) minDuration = d;
    if (d > maxDuration) maxDuration = d;
  }
  if (minDuration < f64.EPSILON) return STATUS_BAD_DURATION;
  if (ranges) {
    const rangeStatus = checkRanges(nPeriods, nDurations);
    if (rangeStatus != STATUS_OK) return rangeStatus;
  } else if (maxDuration > minPeriod) return STATUS_BAD_DURATION;

  const globalBin = minDuration / <f64>oversample;
  let maxBinsF: f64 = 0;
  for (let p = 0; p < nPeriods; p++) {
    const period = load<f64>(periods + (<usize>p << 3));
    const bin = periodBins ? durationAt(rangeFirst(p)) / <f64>oversample : globalBin;
    maxBinsF = Math.max(maxBinsF, Math.ceil(period / bin) + <f64>oversample);
  }
  if (!(maxBinsF < MAX_BINS)) return STATUS_TOO_MANY_BINS;
  const maxBins = <i32>maxBinsF;
  // Interleaved bins (16 bytes each) and two cumulative arrays of maxBins + 1 entries, plus one
  // spare entry so the f64x2 loads never leave them.
  const workStatus = reserveWork(<usize>(maxBins + 2) << 4, 4);
  if (workStatus != 0) return workStatus;
  bins = workOffset(0);
  meanY = workOffset(1);
  meanIvar = workOffset(2);
  meanNum = workOffset(3);

  const maxX = precondition(nPoints);
  pairArray = slotOffset(SLOT_PAIR);
  // |x·(1/P) − x/P| ≤ 2 ulp of a quotient ≤ maxX / minPeriod; bins ≤ maxBins: 8 ulp is a safe margin.
  quotientMargin = 8.0 * f64.EPSILON * Math.max(maxX / minPeriod + 1.0, maxBinsF);

  const simd = (flags & FLAG_SIMD) != 0;
  for (let p = 0; p < nPeriods; p++) {
    const period = load<f64>(periods + (<usize>p << 3));
    const first = ranges ? rangeFirst(p) : 0;
    const count = ranges ? rangeCount(p) : nDurations;
    const bin = periodBins ? durationAt(first) / <f64>oversample : globalBin;
    searchPeriod(p, period, bin, oversample, first, count, nPoints, simd, periodBins);
  }
  return STATUS_OK;
}

/** One period: bin, wrap, accumulate, scan every duration of its range, write the best model. */
function searchPeriod(p: i32, period: f64, binDuration: f64, oversample: i32, first: i32, count: i32, nPoints: i32, simd: bool, periodBins: bool): void {
  const nBins = <i32>Math.ceil(period / binDuration) + oversample;
  if (simd && sortedX) binPhasesSorted(nPoints, period, binDuration, nBins, !periodBins);
  else if (simd) binPhasesSimd(nPoints, period, binDuration, nBins, !periodBins);
  else binPhases(nPoints, period, binDuration, nBins);
  wrapAndAccumulate(nBins, oversample);

  bestObjective = -Infinity;
  bestN = -1;
  for (let k = first; k < first + count; k++) {
    const dur = <i32>roundPositive(durationAt(k) / binDuration);
    if (simd) scanSimd(nBins - dur, dur);
    else scanScalar(0, nBins - dur, dur);
  }
  writePeriod(p, period, binDuration);
}

/** Sums and t_min over all points, and the per-point values reused by every period; returns max x. */
function precondition(nPoints: i32): f64 {
  const time = slotOffset(SLOT_TIME);
  const y = slotOffset(SLOT_Y);
  const ivar = slotOffset(SLOT_IVAR);
  const x = slotOffset(SLOT_X);
  const pair = slotOffset(SLOT_PAIR);
  minT = Infinity;
  sumY = 0;
  sumIvar = 0;
  for (let i = 0; i < nPoints; i++) {
    const off = <usize>i << 3;
    const t = load<f64>(time + off);
    if (t < minT) minT = t;
    const w = load<f64>(ivar + off);
    const yw = load<f64>(y + off) * w;
    store<f64>(pair + (off << 1), yw);
    store<f64>(pair + (off << 1) + 8, w);
    sumY += yw;
    sumIvar += w;
  }
  // bls.c computes t[n] - min_t inside the period loop; the value is the same, so compute it once.
  let maxX: f64 = 0;
  sortedX = true;
  let previous: f64 = 0;
  for (let i = 0; i < nPoints; i++) {
    const off = <usize>i << 3;
    const xi = load<f64>(time + off) - minT;
    store<f64>(x + off, xi);
    if (xi > maxX) maxX = xi;
    if (xi < previous) sortedX = false;
    previous = xi;
  }
  return maxX;
}

/** Zeroes bins 0..nBins (bls.c: n_bins + 1 entries; entry 0 is the cumulative sum's origin). */
@inline function clearBins(nBins: i32): void {
  memory.fill(bins, 0, <usize>(nBins + 1) << 4);
}

/**
 * Phase-bins the points: bin index = (int)((x mod P) / bin) + 1, with x mod P = x - P·floor(x/P)
 * (bls.c's wrap_into), summing in point order as bls.c.
 */
function binPhases(nPoints: i32, period: f64, binDuration: f64, nBins: i32): void {
  clearBins(nBins);
  const x = slotOffset(SLOT_X);
  for (let i = 0; i < nPoints; i++) {
    const off = <usize>i << 3;
    const xi = load<f64>(x + off);
    const bin = <usize>(<i32>((xi - period * Math.floor(xi / period)) / binDuration) + 1) << 4;
    store<f64>(bins + bin, load<f64>(bins + bin) + load<f64>(pairArray + (off << 1)));
    store<f64>(bins + bin + 8, load<f64>(bins + bin + 8) + load<f64>(pairArray + (off << 1) + 8));
  }
}

// 2^52: adding it to a non-negative integral f64 below 2^31 leaves the integer in the low 32 bits.
const INTEGER_MAGIC: f64 = 4503599627370496.0;

/**
 * binPhases two points at a time, with the same bin for every point: the two quotients x / P and
 * wrapped / bin are taken as products with reciprocals unless that could change a floor (the
 * position in bins within `quotientMargin` of an integer, or so close to P that x·(1/P) may have
 * floored one cycle low); then the exact quotients decide, so floor and truncation see bls.c's
 * values. With `exact` false (per-period bins: not astropy's numbers anyway) the check is skipped, a
 * fifth faster: a point within rounding of a bin edge may land in the neighbouring bin. Each bin is one f64x2 read-modify-write of (Σ y·ivar, Σ ivar): per lane the same
 * additions in the same order.
 */
function binPhasesSimd(nPoints: i32, period: f64, binDuration: f64, nBins: i32, exact: bool): void {
  clearBins(nBins);
  const x = slotOffset(SLOT_X);
  const period2 = f64x2.splat(period);
  const inversePeriod2 = f64x2.splat(1.0 / period);
  const bin2 = f64x2.splat(binDuration);
  const inverseBin2 = f64x2.splat(1.0 / binDuration);
  const margin2 = f64x2.splat(quotientMargin);
  const upper2 = f64x2.splat(1.0 - quotientMargin);
  const magic2 = f64x2.splat(INTEGER_MAGIC);
  const zero2 = f64x2.splat(0);
  // x·(1/P) within 2 ulp of x/P: when its floor is wrong the wrapped time is within P·margin of P.
  const last2 = f64x2.splat((period / binDuration) * (1.0 - quotientMargin));
  const base = bins + 16; // bin index + 1
  let i = 0;
  for (; i + 1 < nPoints; i += 2) {
    const off = <usize>i << 3;
    const xi = v128.load(x + off);
    const whole = f64x2.floor(f64x2.mul(xi, inversePeriod2));
    let wrapped = f64x2.sub(xi, f64x2.mul(period2, whole));
    if (!exact) {
      // x·(1/P) floored one cycle low leaves wrapped ≥ P: take it back to the start of the phase.
      wrapped = f64x2.sub(wrapped, v128.and(f64x2.ge(wrapped, period2), period2));
    }
    const position = f64x2.mul(wrapped, inverseBin2);
    let bin = f64x2.floor(position);
    if (exact) {
      // A wrong floor of x·(1/P) would put the position near 0 (caught below) or beyond the last bin.
      const frac = f64x2.sub(position, bin);
      const risky = v128.or(v128.or(f64x2.le(frac, margin2), f64x2.ge(frac, upper2)), f64x2.ge(position, last2));
      if (v128.any_true(risky)) {
        const exactWrapped = f64x2.sub(xi, f64x2.mul(period2, f64x2.floor(f64x2.div(xi, period2))));
        bin = f64x2.trunc(f64x2.div(exactWrapped, bin2));
      }
    } else {
      // Floored one cycle high leaves wrapped at −0.0…: bin 0, the same phase.
      bin = f64x2.pmax(bin, zero2);
    }
    const inds = f64x2.add(bin, magic2);
    const b0 = base + (<usize>i32x4.extract_lane(inds, 0) << 4);
    v128.store(b0, f64x2.add(v128.load(b0), v128.load(pairArray + (off << 1))));
    const b1 = base + (<usize>i32x4.extract_lane(inds, 2) << 4);
    v128.store(b1, f64x2.add(v128.load(b1), v128.load(pairArray + (off << 1) + 16)));
  }
  if (i < nPoints) addExact(i, period, binDuration);
}

/**
 * binPhasesSimd for times in non-decreasing order. The cycle c = floor(x / P) is carried from point
 * to point: below `next` (a hair under (c + 1)·P, so that even the rounded quotient x / P stays
 * below c + 1) a point is in cycle c, and its wrapped time x − P·c is bls.c's to the bit. A pair
 * reaching `next` is binned with bls.c's own divisions, which also moves c on (across gaps too).
 * The position in bins is a product with 1 / bin unless within `quotientMargin` of an integer, as
 * in binPhasesSimd; with `exact` false that check is skipped.
 */
function binPhasesSorted(nPoints: i32, period: f64, binDuration: f64, nBins: i32, exact: bool): void {
  clearBins(nBins);
  const x = slotOffset(SLOT_X);
  const bin2 = f64x2.splat(binDuration);
  const inverseBin2 = f64x2.splat(1.0 / binDuration);
  const margin2 = f64x2.splat(quotientMargin);
  const upper2 = f64x2.splat(1.0 - quotientMargin);
  const zero2 = f64x2.splat(0);
  // Byte offset of bin index + 1, plus 2^52 so that the integer sits in the low 32 bits.
  const offset2 = f64x2.splat(INTEGER_MAGIC + <f64>(bins + 16));
  const sixteen2 = f64x2.splat(16.0);
  let start2 = f64x2.splat(0);
  let next: f64 = -Infinity;
  let i = 0;
  for (; i + 3 < nPoints; i += 4) {
    const off = <usize>i << 3;
    if (load<f64>(x + off + 24) >= next) {
      for (let k = 0; k < 4; k++) addExact(i + k, period, binDuration);
      const cycle = Math.floor(load<f64>(x + off + 24) / period);
      start2 = f64x2.splat(period * cycle);
      next = (cycle + 1.0) * period * (1.0 - 4.0 * f64.EPSILON);
      continue;
    }
    const wrappedA = f64x2.sub(v128.load(x + off), start2);
    const wrappedB = f64x2.sub(v128.load(x + off + 16), start2);
    const positionA = f64x2.mul(wrappedA, inverseBin2);
    const positionB = f64x2.mul(wrappedB, inverseBin2);
    let binA = f64x2.floor(positionA);
    let binB = f64x2.floor(positionB);
    if (exact) {
      const fracA = f64x2.sub(positionA, binA);
      const fracB = f64x2.sub(positionB, binB);
      const risky = v128.or(v128.or(f64x2.le(fracA, margin2), f64x2.ge(fracA, upper2)), v128.or(f64x2.le(fracB, margin2), f64x2.ge(fracB, upper2)));
      if (v128.any_true(risky)) {
        binA = f64x2.trunc(f64x2.div(wrappedA, bin2));
        binB = f64x2.trunc(f64x2.div(wrappedB, bin2));
      }
    } else {
      // x a hair under P·c (its quotient rounded up to c) wraps to −0.0…: bin 0, the same phase.
      binA = f64x2.pmax(binA, zero2);
      binB = f64x2.pmax(binB, zero2);
    }
    const indsA = f64x2.add(f64x2.mul(binA, sixteen2), offset2);
    const indsB = f64x2.add(f64x2.mul(binB, sixteen2), offset2);
    const pairs = pairArray + (off << 1);
    const b0 = <usize>i32x4.extract_lane(indsA, 0);
    v128.store(b0, f64x2.add(v128.load(b0), v128.load(pairs)));
    const b1 = <usize>i32x4.extract_lane(indsA, 2);
    v128.store(b1, f64x2.add(v128.load(b1), v128.load(pairs + 16)));
    const b2 = <usize>i32x4.extract_lane(indsB, 0);
    v128.store(b2, f64x2.add(v128.load(b2), v128.load(pairs + 32)));
    const b3 = <usize>i32x4.extract_lane(indsB, 2);
    v128.store(b3, f64x2.add(v128.load(b3), v128.load(pairs + 48)));
  }
  for (; i < nPoints; i++) addExact(i, period, binDuration);
}

/** Point i into its bin by bls.c's own arithmetic. */
@inline function addExact(i: i32, period: f64, binDuration: f64): void {
  const off = <usize>i << 3;
  const xi = load<f64>(slotOffset(SLOT_X) + off);
  const b = bins + (<usize>(<i32>((xi - period * Math.floor(xi / period)) / binDuration) + 1) << 4);
  v128.store(b, f64x2.add(v128.load(b), v128.load(pairArray + (off << 1))));
}

/**
 * bls.c's wrap: bins 1..oversample are copied to n_bins - oversample .. n_bins - 1 (this overwrites
 * the last, partial phase bin, as astropy does), then the cumulative sums, de-interleaved, and the
 * per-bin bound numerator S·cumIvar − W·cumY that `scanSimd` differences (see `numError`).
 */
function wrapAndAccumulate(nBins: i32, oversample: i32): void {
  for (let n = 1; n <= oversample; n++) {
    v128.store(bins + (<usize>(nBins - oversample + n - 1) << 4), v128.load(bins + (<usize>n << 4)));
  }
  // (cumY, cumIvar) · (−W, S) summed across lanes is the numerator; M bounds its terms' magnitude.
  const weights = f64x2(-sumIvar, sumY);
  let c = v128.load(bins);
  let terms = f64x2.mul(c, weights);
  let magnitude = f64x2.abs(terms);
  store<f64>(meanY, f64x2.extract_lane(c, 0));
  store<f64>(meanIvar, f64x2.extract_lane(c, 1));
  store<f64>(meanNum, f64x2.extract_lane(terms, 1) + f64x2.extract_lane(terms, 0));
  for (let n = 1; n <= nBins; n++) {
    c = f64x2.add(c, v128.load(bins + (<usize>n << 4)));
    terms = f64x2.mul(c, weights);
    magnitude = f64x2.pmax(magnitude, f64x2.abs(terms));
    const off = <usize>n << 3;
    store<f64>(meanY + off, f64x2.extract_lane(c, 0));
    store<f64>(meanIvar + off, f64x2.extract_lane(c, 1));
    store<f64>(meanNum + off, f64x2.extract_lane(terms, 1) + f64x2.extract_lane(terms, 0));
  }
  // Each meanNum entry is off by ≤ 1.5 ulp of M; the window's I and Y differences carry ½ ulp of
  // theirs (≤ M once weighted); the difference of two entries adds ½ ulp: under 6·ε·M, taken as 16.
  numError = 16.0 * f64.EPSILON * (f64x2.extract_lane(magnitude, 0) + f64x2.extract_lane(magnitude, 1));
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

// Division-free bound used by scanSimd. With S = Σy·ivar, W = Σivar, Y = in-transit Σy·ivar and
// I = in-transit Σivar: depth = (S·I − Y·W) / ((W − I)·I), so with num = S·I − Y·W
//   log likelihood = ½·num² / ((W − I)²·I),   depth SNR = num / sqrt(I·(W − I)·(I + (W − I))).
// num is taken as the difference of meanNum at the window's ends, raised by its error bound
// `numError` (a dip needs num ≥ 0, so a window whose raised num is negative cannot qualify). Comparing
// its square with the best objective times the denominator rejects, without a division, every start
// bin that cannot beat the best; the rest are redone exactly by `consider`, so results and tie-breaks
// are bls.c's.
const BOUND_SLACK: f64 = 1.0 - 1e-12;

/** The best objective in the form the bound compares with: 2·likelihood, or SNR squared. */
@inline function boundThreshold(): f64 {
  if (bestObjective < 0) return -Infinity;
  return useLikelihood ? 2.0 * BOUND_SLACK * bestObjective : BOUND_SLACK * bestObjective * bestObjective;
}

/**
 * Two start bins at a time; a pair that might beat the best (by the bound above) is redone by
 * `consider` in order, so the result (and the first-maximum tie-break) is exactly the scalar one.
 */
function scanSimd(nMax: i32, dur: i32): void {
  const eps2 = f64x2.splat(f64.EPSILON);
  const sumIvar2 = f64x2.splat(sumIvar);
  const error2 = f64x2.splat(numError);
  const zero2 = f64x2.splat(0);
  const shift = <usize>dur << 3;
  let threshold2 = f64x2.splat(boundThreshold());
  let n = 0;
  for (; n < nMax; n += 2) {
    const lo = <usize>n << 3;
    const ivarIn = f64x2.sub(v128.load(meanIvar + lo + shift), v128.load(meanIvar + lo));
    const numUp = f64x2.pmax(f64x2.add(f64x2.sub(v128.load(meanNum + lo + shift), v128.load(meanNum + lo)), error2), zero2);
    const ivarOut = f64x2.sub(sumIvar2, ivarIn);
    const lhs = f64x2.mul(numUp, numUp);
    const den = useLikelihood
      ? f64x2.mul(f64x2.mul(ivarOut, ivarOut), ivarIn)
      : f64x2.mul(f64x2.mul(ivarIn, ivarOut), f64x2.add(ivarIn, ivarOut));
    const valid = v128.and(f64x2.ge(ivarIn, eps2), f64x2.ge(ivarOut, eps2));
    if (v128.any_true(v128.and(valid, f64x2.gt(lhs, f64x2.mul(threshold2, den))))) {
      consider(n, dur);
      consider(n + 1, dur);
      threshold2 = f64x2.splat(boundThreshold());
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
