import { align16, ensureMemory } from './grow';
// TLS kernel (Hippke & Heller 2019, `transitleastsquares` 1.0.31): for each trial period, phase-fold,
// sort by phase, and slide every template whose width fits the period over the folded fluxes; return
// the lowest chi2 with its template and depth. A separate WASM entry from the BLS kernel.
//
// The chi2 of a window at position i with template s (1 - template flux) scaled by r is
//   C0 + 2 r A_i + r² B_i,   A_i = Σ_j (d_{i+j} - 1) q_{i+j} s_j,   B_i = Σ_j q_{i+j} s_j²,
// with C0 = Σ (1 - d)² q over all points and q = 1/dy²: the same value as the package's in-transit
// plus out-of-transit sums, in two dot products per window (one when dy is constant).
// Positions, depths and the first-found tie rule are the package's: every xth position whose window
// mean lies more than `depthMin` below 1, r = 2 · (1 - mean) · overshoot.
//
// Memory: one block per search after the static data, laid out by `tlsLayout`; nothing is freed.

export const TLS_TIME: i32 = 0; // f64 × points
export const TLS_FLUX: i32 = 1; // f64 × points
export const TLS_DY: i32 = 2; // f64 × points (the package's dy / mean(dy))
export const TLS_PERIOD: i32 = 3; // f64 × periods
export const TLS_WIDTH_MIN: i32 = 4; // i32 × periods: narrowest template width searched
export const TLS_WIDTH_MAX: i32 = 5; // i32 × periods: widest template width searched
export const TLS_ROW_WIDTH: i32 = 6; // i32 × rows, ascending and distinct
export const TLS_ROW_OVERSHOOT: i32 = 7; // f64 × rows
export const TLS_SIGNAL: i32 = 8; // f64 × (rows · maxWidth): template flux, row r at r · maxWidth
export const TLS_CHI2: i32 = 9; // f64 × periods (out)
export const TLS_ROW: i32 = 10; // i32 × periods (out): row of the best template
export const TLS_DEPTH: i32 = 11; // f64 × periods (out): 1 - template depth of the best fit
// work arrays
const W_PHASE: i32 = 12; // f64 × points
const W_PHASE_TMP: i32 = 13; // f64 × points
const W_ORDER: i32 = 14; // i32 × points
const W_ORDER_TMP: i32 = 15; // i32 × points
const W_D: i32 = 16; // f64 × (points + maxWidth): phase-sorted flux, patched with its start
const W_Q: i32 = 17; // f64 × (points + maxWidth): 1 / dy²
const W_E: i32 = 18; // f64 × (points + maxWidth): (d - 1) q
const W_CUMSUM: i32 = 19; // f64 × (points + maxWidth + 1)
const W_S: i32 = 20; // f64 × (rows · maxWidth): 1 - signal
const W_S2: i32 = 21; // f64 × (rows · maxWidth): (1 - signal)²
const W_E16: i32 = 22; // i16 × (points + maxWidth + 8): e / eStep rounded, zero-padded
const W_DEV_Q: i32 = 23; // f64 × (points + maxWidth + 1): prefix sums of |q - mean(q)|
const W_ABS_E: i32 = 24; // f64 × (points + maxWidth + 1): prefix sums of |e|
const W_SUM_Q: i32 = 25; // f64 × (points + maxWidth + 1): prefix sums of q
const W_S16: i32 = 26; // i16 × (rows · (maxWidth + 8)): s / the row's step rounded, zero-padded
const W_LIST: i32 = 27; // i32 × (points + maxWidth): candidate window positions
const W_E_ERROR: i32 = 28; // f64 × (points + maxWidth + 1): prefix sums of |e − eStep · e16|
const W_ROW_STEP: i32 = 29; // f64 × rows: the quantisation step of the row's s16
// per point in input order, computed once per search and gathered in phase order per period
const P_Q: i32 = 30; // f64 × points: 1 / dy²
const P_E: i32 = 31; // f64 × points: (d − 1) q
const P_E16: i32 = 32; // i16 × points (in an f64 slot): e / eStep rounded and clamped
const P_E_ERROR: i32 = 33; // f64 × points: |e − eStep · e16|
const W_BUCKET: i32 = 34; // i32 × (points + 1): bucket starts of the phase sort
const W_DOTS: i32 = 35; // f64 × (points + maxWidth): the integer screen's dot product per candidate
const SLOT_COUNT: i32 = 36;


const slots = memory.data(SLOT_COUNT << 3);
let nPoints: i32 = 0;
let nPeriods: i32 = 0;
let nRows: i32 = 0;
let maxWidth: i32 = 0;


@inline function slot(s: i32): usize {
  return load<usize>(slots + (<usize>s << 3));
}


function slotBytes(s: i32): u64 {
  const patched = <u64>(nPoints + maxWidth);
  if (s <= TLS_DY || s == W_PHASE || s == W_PHASE_TMP || (s >= P_Q && s <= P_E_ERROR)) return <u64>nPoints << 3;
  if (s == W_BUCKET) return <u64>(nPoints + 1) << 2;
  if (s == W_ORDER || s == W_ORDER_TMP) return <u64>nPoints << 2;
  if (s == TLS_PERIOD || s == TLS_CHI2 || s == TLS_DEPTH) return <u64>nPeriods << 3;
  if (s == TLS_WIDTH_MIN || s == TLS_WIDTH_MAX || s == TLS_ROW) return <u64>nPeriods << 2;
  if (s == TLS_ROW_WIDTH) return <u64>nRows << 2;
  if (s == TLS_ROW_OVERSHOOT) return <u64>nRows << 3;
  if (s == TLS_SIGNAL || s == W_S || s == W_S2) return (<u64>nRows * <u64>maxWidth) << 3;
  if (s == W_CUMSUM || s == W_ABS_E || s == W_SUM_Q || s == W_DEV_Q || s == W_E_ERROR) return (patched + 1) << 3;
  if (s == W_E16) return (patched + 8) << 1;
  if (s == W_ROW_STEP) return <u64>nRows << 3;
  if (s == W_LIST) return patched << 2;
  if (s == W_DOTS) return (patched + 1) << 3;
  if (s == W_S16) return (<u64>nRows * <u64>(maxWidth + 8)) << 1;
  return patched << 3;
}

/**
 * Lays out one search. Returns 0; 1 for counts below 1; 2 when maxWidth is odd or exceeds points;
 * -1 when memory cannot grow.
 */
export function tlsLayout(points: i32, periods: i32, rows: i32, widest: i32): i32 {
  nPoints = 0;
  if (points < 1 || periods < 1 || rows < 1 || widest < 1) return 1;
  if ((widest & 1) != 0 || widest > points) return 2;
  nPoints = points;
  prepared = false;
  nPeriods = periods;
  nRows = rows;
  maxWidth = widest;
  let at = align16(<u64>__heap_base);
  for (let s = 0; s < SLOT_COUNT; s++) {
    store<usize>(slots + (<usize>s << 3), <usize>at);
    at = align16(at + slotBytes(s));
  }
  if (!ensureMemory(at)) {
    nPoints = 0;
    return -1;
  }
  return 0;
}

export function tlsSlot(s: i32): usize {
  return s >= 0 && s < SLOT_COUNT ? slot(s) : 0;
}

// Phases are spread over [0, 1): n buckets of equal width hold about one point each, unless the
// period is commensurate with the cadence; past this many points in one bucket, merge sort.
const MAX_BUCKET: i32 = 48;

/**
 * Stable ascending argsort of phase into W_ORDER: a bucket sort (bucket ⌊phase·n⌋, monotonic in the
 * phase, filled in input order), then a stable insertion sort, which only moves points within their
 * bucket; the same permutation as any stable sort.
 */
function sortByPhase(n: i32): void {
  const key = slot(W_PHASE);
  const start = slot(W_BUCKET);
  const fn = <f64>n;
  memory.fill(start, 0, <usize>(n + 1) << 2);
  for (let k = 0; k < n; k++) {
    const b = min(n - 1, <i32>(load<f64>(key + (<usize>k << 3)) * fn));
    const at = start + (<usize>(b + 1) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  let largest: i32 = 0;
  for (let b = 1; b <= n; b++) {
    const at = start + (<usize>b << 2);
    const count = load<i32>(at);
    if (count > largest) largest = count;
    store<i32>(at, count + load<i32>(at - 4));
  }
  if (largest > MAX_BUCKET) {
    mergeSortByPhase(n);
    return;
  }
  const keyOut = slot(W_PHASE_TMP);
  const idxOut = slot(W_ORDER);
  for (let k = 0; k < n; k++) {
    const v = load<f64>(key + (<usize>k << 3));
    const at = start + (<usize>min(n - 1, <i32>(v * fn)) << 2);
    const o = load<i32>(at);
    store<i32>(at, o + 1);
    store<f64>(keyOut + (<usize>o << 3), v);
    store<i32>(idxOut + (<usize>o << 2), k);
  }
  for (let i = 1; i < n; i++) {
    const v = load<f64>(keyOut + (<usize>i << 3));
    if (!(load<f64>(keyOut + (<usize>(i - 1) << 3)) > v)) continue;
    const x = load<i32>(idxOut + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0 && load<f64>(keyOut + (<usize>j << 3)) > v) {
      store<f64>(keyOut + (<usize>(j + 1) << 3), load<f64>(keyOut + (<usize>j << 3)));
      store<i32>(idxOut + (<usize>(j + 1) << 2), load<i32>(idxOut + (<usize>j << 2)));
      j--;
    }
    store<f64>(keyOut + (<usize>(j + 1) << 3), v);
    store<i32>(idxOut + (<usize>(j + 1) << 2), x);
  }
}

/** Stable ascending argsort of phase (bottom-up merge sort; ties keep input order like mergesort). */
function mergeSortByPhase(n: i32): void {
  for (let k = 0; k < n; k++) store<i32>(slot(W_ORDER) + (<usize>k << 2), k);
  let key = slot(W_PHASE);
  let idx = slot(W_ORDER);
  let keyTmp = slot(W_PHASE_TMP);
  let idxTmp = slot(W_ORDER_TMP);
  // insertion sort of runs of 16
  const RUN: i32 = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const k = load<f64>(key + (<usize>i << 3));
      const v = load<i32>(idx + (<usize>i << 2));
      let j = i - 1;
      while (j >= lo && load<f64>(key + (<usize>j << 3)) > k) {
        store<f64>(key + (<usize>(j + 1) << 3), load<f64>(key + (<usize>j << 3)));
        store<i32>(idx + (<usize>(j + 1) << 2), load<i32>(idx + (<usize>j << 2)));
        j--;
      }
      store<f64>(key + (<usize>(j + 1) << 3), k);
      store<i32>(idx + (<usize>(j + 1) << 2), v);
    }
  }
  for (let width = RUN; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) {
        const ka = load<f64>(key + (<usize>a << 3));
        const kb = load<f64>(key + (<usize>b << 3));
        if (kb < ka) {
          store<f64>(keyTmp + (<usize>o << 3), kb);
          store<i32>(idxTmp + (<usize>o << 2), load<i32>(idx + (<usize>b << 2)));
          b++;
        } else {
          store<f64>(keyTmp + (<usize>o << 3), ka);
          store<i32>(idxTmp + (<usize>o << 2), load<i32>(idx + (<usize>a << 2)));
          a++;
        }
        o++;
      }
      while (a < mid) {
        store<f64>(keyTmp + (<usize>o << 3), load<f64>(key + (<usize>a << 3)));
        store<i32>(idxTmp + (<usize>o << 2), load<i32>(idx + (<usize>a << 2)));
        a++;
        o++;
      }
      while (b < hi) {
        store<f64>(keyTmp + (<usize>o << 3), load<f64>(key + (<usize>b << 3)));
        store<i32>(idxTmp + (<usize>o << 2), load<i32>(idx + (<usize>b << 2)));
        b++;
        o++;
      }
    }
    const k = key;
    key = keyTmp;
    keyTmp = k;
    const x = idx;
    idx = idxTmp;
    idxTmp = x;
  }
  // leave the result in the primary slots
  if (idx != slot(W_ORDER)) memory.copy(slot(W_ORDER), idx, <usize>n << 2);
}

/** Σ_j a[j] b[j] for j < w, in two f64x2 accumulators. */
@inline function dot(a: usize, b: usize, w: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let j = 0;
  for (; j + 3 < w; j += 4) {
    const o = <usize>j << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  acc0 = f64x2.add(acc0, acc1);
  let sum = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  for (; j < w; j++) sum += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return sum;
}

/** Σ_j a[j] b[j] + k Σ_j c[j] d[j] for j < w, in one pass. */
@inline function dot2(a: usize, b: usize, c: usize, d: usize, k: f64, w: i32): f64 {
  let accA0 = f64x2.splat(0);
  let accA1 = f64x2.splat(0);
  let accC0 = f64x2.splat(0);
  let accC1 = f64x2.splat(0);
  let j = 0;
  for (; j + 3 < w; j += 4) {
    const o = <usize>j << 3;
    accA0 = f64x2.add(accA0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    accC0 = f64x2.add(accC0, f64x2.mul(v128.load(c + o), v128.load(d + o)));
    accA1 = f64x2.add(accA1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    accC1 = f64x2.add(accC1, f64x2.mul(v128.load(c + o, 16), v128.load(d + o, 16)));
  }
  accA0 = f64x2.add(accA0, accA1);
  accC0 = f64x2.add(accC0, accC1);
  let sa = f64x2.extract_lane(accA0, 0) + f64x2.extract_lane(accA0, 1);
  let sc = f64x2.extract_lane(accC0, 0) + f64x2.extract_lane(accC0, 1);
  for (; j < w; j++) {
    sa += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
    sc += load<f64>(c + (<usize>j << 3)) * load<f64>(d + (<usize>j << 3));
  }
  return sa + k * sc;
}

// The screening dot products run on integers: e and each template row quantised to i16 with
// |e16| ≤ E16_MAX and |s16| ≤ S16_MAX, so that a product is below 2^24.1: a block of 256 terms puts
// 64 products in each i32 lane, under 2^31.
const E16_MAX: f64 = 2047;
const S16_MAX: f64 = 8191;
// e's step: this many RMS of e map to E16_MAX; rarer, larger values are clamped, and their whole
// error is carried in the W_E_ERROR prefix sums like every other point's.
const E16_RMS_SPAN: f64 = 8;

let eStep: f64 = 0;

/**
 * Σ_j a0[j] b[j] and Σ_j a1[j] b[j] over ⌈w/8⌉·8 i16 terms (b is zero past w), exactly (integers),
 * as f64 into out[0] and out[1]: two windows with the same row, so each row load serves both.
 */
@inline function dot16Pair(a0: usize, a1: usize, b: usize, w: i32, out: usize): void {
  let total0: f64 = 0;
  let total1: f64 = 0;
  for (let block = 0; block < w; block += 256) {
    const end = min(block + 256, w);
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    for (let j = block; j < end; j += 8) {
      const o = <usize>j << 1;
      const row = v128.load(b + o);
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load(a0 + o), row));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(v128.load(a1 + o), row));
    }
    // lanes to f64 before adding them: four lanes together could pass 2^31
    const sum0 = f64x2.add(f64x2.convert_low_i32x4_s(acc0), f64x2.convert_low_i32x4_s(i32x4.shuffle(acc0, acc0, 2, 3, 0, 1)));
    const sum1 = f64x2.add(f64x2.convert_low_i32x4_s(acc1), f64x2.convert_low_i32x4_s(i32x4.shuffle(acc1, acc1, 2, 3, 0, 1)));
    total0 += f64x2.extract_lane(sum0, 0) + f64x2.extract_lane(sum0, 1);
    total1 += f64x2.extract_lane(sum1, 0) + f64x2.extract_lane(sum1, 1);
  }
  store<f64>(out, total0);
  store<f64>(out + 8, total1);
}

let bestChi2: f64 = 0;
let bestRow: i32 = 0;
let bestDepth: f64 = 0;

function searchPeriod(p: i32, depthMin: f64, inverseMargin: f64, constantDy: bool): void {
  const n = nPoints;
  const period = load<f64>(slot(TLS_PERIOD) + (<usize>p << 3));
  const time = slot(TLS_TIME);
  const phase = slot(W_PHASE);
  const order = slot(W_ORDER);
  for (let k = 0; k < n; k++) {
    const x = load<f64>(time + (<usize>k << 3)) / period;
    store<f64>(phase + (<usize>k << 3), x - Math.floor(x));
  }
  sortByPhase(n);
  const flux = slot(TLS_FLUX);
  const pq = slot(P_Q);
  const pe = slot(P_E);
  const pe16 = slot(P_E16);
  const peError = slot(P_E_ERROR);
  const d = slot(W_D);
  const q = slot(W_Q);
  const e = slot(W_E);
  const cumsum = slot(W_CUMSUM);
  const patched = n + maxWidth;
  const e16 = slot(W_E16);
  const eError = slot(W_E_ERROR);
  let ce: f64 = 0;
  const absE = slot(W_ABS_E);
  const sumQ = slot(W_SUM_Q);
  let c: f64 = 0;
  let c0: f64 = 0;
  let ca: f64 = 0;
  let cq: f64 = 0;
  store<f64>(cumsum, 0);
  store<f64>(absE, 0);
  store<f64>(sumQ, 0);
  store<f64>(eError, 0);
  for (let k = 0; k < patched; k++) {
    const src = load<i32>(order + (<usize>(k < n ? k : k - n) << 2));
    const dk = load<f64>(flux + (<usize>src << 3));
    const qk = load<f64>(pq + (<usize>src << 3));
    store<f64>(d + (<usize>k << 3), dk);
    store<f64>(q + (<usize>k << 3), qk);
    const ek = load<f64>(pe + (<usize>src << 3));
    store<f64>(e + (<usize>k << 3), ek);
    store<i16>(e16 + (<usize>k << 1), load<i16>(pe16 + (<usize>src << 1)));
    ce += load<f64>(peError + (<usize>src << 3));
    store<f64>(eError + (<usize>(k + 1) << 3), ce);
    ca += Math.abs(ek);
    cq += qk;
    store<f64>(absE + (<usize>(k + 1) << 3), ca);
    store<f64>(sumQ + (<usize>(k + 1) << 3), cq);
    c += dk;
    store<f64>(cumsum + (<usize>(k + 1) << 3), c);
    if (k < n) c0 += (1 - dk) * (1 - dk) * qk;
  }
  for (let k = patched; k < patched + 8; k++) {
    store<i16>(e16 + (<usize>k << 1), 0);
  }
  // for bounding B = Σ q s² by mean(q over the window) · Σ s²: prefix sums of |q - mean(q)|
  const devQ = slot(W_DEV_Q);
  const qMean = load<f64>(sumQ + (<usize>n << 3)) / <f64>n;
  let cd: f64 = 0;
  store<f64>(devQ, 0);
  for (let k = 0; k < patched; k++) {
    cd += Math.abs(load<f64>(q + (<usize>k << 3)) - qMean);
    store<f64>(devQ + (<usize>(k + 1) << 3), cd);
  }
  // rounding of the prefix-sum differences
  const slackB = 1e-11 * (cq + cd);
  const q0 = load<f64>(q);
  // absolute allowance for rounding in the f64 parts of the screening
  const slack = 1e-12 * Math.abs(c0) + 1e-300;
  // rounding of the |e| and quantisation-error prefix-sum differences (each sum ≤ patched terms deep)
  const prefixRounding = 4.0 * <f64>patched * f64.EPSILON;
  const totalAbsE = ca;
  const totalError = ce;
  const wMin = load<i32>(slot(TLS_WIDTH_MIN) + (<usize>p << 2));
  const wMax = load<i32>(slot(TLS_WIDTH_MAX) + (<usize>p << 2));
  let best: f64 = Infinity;
  let row: i32 = 0;
  let depth: f64 = 0;
  for (let r = 0; r < nRows; r++) {
    const w = load<i32>(slot(TLS_ROW_WIDTH) + (<usize>r << 2));
    if (w < wMin || w > wMax) continue;
    const overshoot = load<f64>(slot(TLS_ROW_OVERSHOOT) + (<usize>r << 3));
    const s = slot(W_S) + ((<usize>r * <usize>maxWidth) << 3);
    const s2 = slot(W_S2) + ((<usize>r * <usize>maxWidth) << 3);
    const s16 = slot(W_S16) + ((<usize>r * <usize>(maxWidth + 8)) << 1);
    let sMax: f64 = 0;
    for (let j = 0; j < w; j++) sMax = max(sMax, Math.abs(load<f64>(s + (<usize>j << 3))));
    // A = Σ e s against its integer estimate eStep·sStep·Σ e16 s16: with e = eStep·e16 + εe and
    // s = sStep·s16 + εs (|εs| ≤ sStep/2), |e s − eStep e16 sStep s16| ≤ |e|·sStep/2 + |sStep s16|·|εe|,
    // summed over the window from the |e| and |εe| prefix sums (and their rounding).
    const sStep = load<f64>(slot(W_ROW_STEP) + (<usize>r << 3));
    const scale = eStep * sStep;
    const halfStep = 0.5 * sStep * (1 + 1e-12);
    const sHatMax = (sMax + 0.5 * sStep) * (1 + 1e-12);
    const errFloor = prefixRounding * (halfStep * totalAbsE + sHatMax * totalError) + 1e-300;
    let xth: i32 = 1;
    if (inverseMargin > 0) {
      xth = <i32>(<f64>w / inverseMargin);
      if (xth < 1) xth = 1;
    }
    // B for constant dy: q0 Σ s²
    let s2Sum: f64 = 0;
    for (let j = 0; j < w; j++) s2Sum += load<f64>(s2 + (<usize>j << 3));
    const bConst = q0 * s2Sum;
    let rowBest: f64 = <f64>n; // the package's starting value for each duration
    let rowDepth: f64 = 0;
    let found = false;
    const fw = <f64>w;
    const invFw = 1 / fw;
    // window sums above this have 1 - sum / w ≤ depthMin beyond any rounding
    const shallowSum = (1 - depthMin) * fw + Math.abs((1 - depthMin) * fw) * 1e-9 + 1e-300;
    // candidate positions, in order: not clearly too shallow (decided without a division or a
    // branch); a window starting in the patched copy repeats the window N positions earlier, which
    // was tried already unless the stride skipped it
    const list = slot(W_LIST);
    let count = 0;
    const last = patched - w;
    for (let i = 0; i <= min(last, n - 1); i += xth) {
      const windowSum = load<f64>(cumsum + (<usize>(i + w) << 3)) - load<f64>(cumsum + (<usize>i << 3));
      store<i32>(list + (<usize>count << 2), i);
      count += select<i32>(1, 0, windowSum <= shallowSum);
    }
    if (xth > 1) {
      for (let i = ((n + xth - 1) / xth) * xth; i <= last; i += xth) {
        const windowSum = load<f64>(cumsum + (<usize>(i + w) << 3)) - load<f64>(cumsum + (<usize>i << 3));
        if ((i - n) % xth == 0 || !(windowSum <= shallowSum)) continue;
        store<i32>(list + (<usize>count << 2), i);
        count++;
      }
    }
    // the screen's dot products first, two windows at a time, in a loop of their own
    const dots = slot(W_DOTS);
    for (let k = 0; k < count; k += 2) {
      const i0 = load<i32>(list + (<usize>k << 2));
      const i1 = k + 1 < count ? load<i32>(list + (<usize>(k + 1) << 2)) : i0;
      dot16Pair(e16 + (<usize>i0 << 1), e16 + (<usize>i1 << 1), s16, w, dots + (<usize>k << 3));
    }
    for (let k = 0; k < count; k++) {
      const i = load<i32>(list + (<usize>k << 2));
      const windowSum = load<f64>(cumsum + (<usize>(i + w) << 3)) - load<f64>(cumsum + (<usize>i << 3));
      // the package's mean is 1 − sum / w; screening with the product is an ulp away (in `slack`)
      const screenTarget = (1 - windowSum * invFw) * overshoot;
      // screen with r ≈ 2 · target (the package's 1 / (0.5 / target) differs by an ulp; `slack` covers it)
      const rev = 2 * screenTarget;
      const absRev = Math.abs(rev);
      // 2 r A + r² B = r (2 A + r B): screened with the integer dot product, computed in f64 where
      // it could beat rowBest
      const absSum = load<f64>(absE + (<usize>(i + w) << 3)) - load<f64>(absE + (<usize>i << 3));
      const errSum = load<f64>(eError + (<usize>(i + w) << 3)) - load<f64>(eError + (<usize>i << 3));
      const dotA = scale * load<f64>(dots + (<usize>k << 3));
      const errA = halfStep * absSum + sHatMax * errSum + 1e-15 * Math.abs(dotA) + errFloor;
      let approx: f64;
      let err: f64;
      if (constantDy) {
        approx = c0 + rev * (2 * dotA + rev * bConst);
        err = 2 * absRev * errA + slack;
      } else {
        // |B - mean(q) Σ s²| ≤ max(s)² Σ |q - mean(q)| ≤ max(s)² (Σ |q - qMean| + w |qMean - mean(q)|)
        const qBar = (load<f64>(sumQ + (<usize>(i + w) << 3)) - load<f64>(sumQ + (<usize>i << 3))) * invFw;
        const dev = load<f64>(devQ + (<usize>(i + w) << 3)) - load<f64>(devQ + (<usize>i << 3));
        const errB = sMax * sMax * (dev + fw * Math.abs(qMean - qBar) + slackB) + 1e-12 * qBar * s2Sum;
        approx = c0 + rev * (2 * dotA + rev * qBar * s2Sum);
        err = absRev * (2 * errA + absRev * errB) + slack;
      }
      // a position that cannot beat this row's best or an earlier row's cannot change the result
      if (!(approx - err < min(rowBest, best))) continue;
      const mean = 1 - windowSum / fw;
      if (!(mean > depthMin)) continue;
      const target = mean * overshoot;
      const exactRev = 1 / (0.5 / target);
      const fit = constantDy
        ? 2 * dot(e + (<usize>i << 3), s, w) + exactRev * bConst
        : dot2(e + (<usize>i << 3), s, q + (<usize>i << 3), s2, exactRev * 0.5, w) * 2;
      const stat = c0 + exactRev * fit;
      if (stat < rowBest) {
        rowBest = stat;
        rowDepth = 1 - target;
        found = true;
      }
    }
    if (rowBest < best) {
      best = rowBest;
      row = r;
      depth = found ? rowDepth : 0;
    }
  }
  bestChi2 = best;
  bestRow = row;
  bestDepth = depth;
}

// What every period of a search shares (template rows, per-point q and e), made on the first run
// after a layout: the host runs a grid in chunks.
let prepared = false;
let constantDy = true;

function prepareSearch(): void {
  // template residuals s = 1 - signal and s², zero past each row's width
  const rowsBytes = <usize>(nRows * maxWidth);
  const sig = slot(TLS_SIGNAL);
  const s = slot(W_S);
  const s2 = slot(W_S2);
  for (let k: usize = 0; k < rowsBytes; k++) {
    const v = 1 - load<f64>(sig + (k << 3));
    store<f64>(s + (k << 3), v);
    store<f64>(s2 + (k << 3), v * v);
  }
  // each row's s in i16 steps of max|s| / S16_MAX
  const s16 = slot(W_S16);
  const stride = maxWidth + 8;
  for (let r = 0; r < nRows; r++) {
    let sMax: f64 = 0;
    for (let j = 0; j < maxWidth; j++) sMax = max(sMax, Math.abs(load<f64>(s + ((<usize>(r * maxWidth + j)) << 3))));
    const step = sMax > 0 ? sMax / S16_MAX : 1;
    store<f64>(slot(W_ROW_STEP) + (<usize>r << 3), step);
    for (let j = 0; j < stride; j++) {
      const v = j < maxWidth ? load<f64>(s + ((<usize>(r * maxWidth + j)) << 3)) : 0;
      store<i16>(s16 + (<usize>(r * stride + j) << 1), <i16>Math.round(v / step));
    }
  }
  // q = 1/dy² and e = (d − 1) q do not depend on the fold: computed once, with one i16 step for e
  const flux = slot(TLS_FLUX);
  const dy = slot(TLS_DY);
  const dy0 = load<f64>(dy);
  constantDy = true;
  let squares: f64 = 0;
  for (let k = 0; k < nPoints; k++) {
    const off = <usize>k << 3;
    const sk = load<f64>(dy + off);
    if (sk != dy0) constantDy = false;
    const qk = 1 / (sk * sk);
    const ek = (load<f64>(flux + off) - 1) * qk;
    store<f64>(slot(P_Q) + off, qk);
    store<f64>(slot(P_E) + off, ek);
    squares += ek * ek;
  }
  const rms = Math.sqrt(squares / <f64>nPoints);
  eStep = rms > 0 && isFinite(rms) ? (E16_RMS_SPAN * rms) / E16_MAX : 1;
  const inverseStep = 1 / eStep;
  for (let k = 0; k < nPoints; k++) {
    const off = <usize>k << 3;
    const ek = load<f64>(slot(P_E) + off);
    const ei = Math.max(-E16_MAX, Math.min(E16_MAX, Math.round(ek * inverseStep)));
    store<i16>(slot(P_E16) + (<usize>k << 1), <i16>ei);
    store<f64>(slot(P_E_ERROR) + off, Math.abs(ek - ei * eStep));
  }
}

/**
 * Searches periods [first, first + count). `depthMin`: the window mean must lie more than this below 1;
 * `inverseMargin`: 1 / T0_fit_margin (0 searches every position). Returns 0; 3 for a bad range;
 * 4 when no layout was made.
 */
export function tlsRun(first: i32, count: i32, depthMin: f64, inverseMargin: f64): i32 {
  if (nPoints == 0) return 4;
  if (first < 0 || count < 0 || first + count > nPeriods) return 3;
  if (!prepared) {
    prepareSearch();
    prepared = true;
  }
  for (let p = first; p < first + count; p++) {
    searchPeriod(p, depthMin, inverseMargin, constantDy);
    store<f64>(slot(TLS_CHI2) + (<usize>p << 3), bestChi2);
    store<i32>(slot(TLS_ROW) + (<usize>p << 2), bestRow);
    store<f64>(slot(TLS_DEPTH) + (<usize>p << 3), bestDepth);
  }
  return 0;
}
