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
const W_E32: i32 = 22; // f32 × (points + maxWidth + 8): e, zero-padded
const W_DEV_Q: i32 = 23; // f64 × (points + maxWidth + 1): prefix sums of |q - mean(q)|
const W_ABS_E: i32 = 24; // f64 × (points + maxWidth + 1): prefix sums of |e|
const W_SUM_Q: i32 = 25; // f64 × (points + maxWidth + 1): prefix sums of q
const W_S32: i32 = 26; // f32 × (rows · (maxWidth + 8)): s, zero-padded
const W_LIST: i32 = 27; // i32 × (points + maxWidth): candidate window positions
const SLOT_COUNT: i32 = 28;


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
  if (s <= TLS_DY || s == W_PHASE || s == W_PHASE_TMP) return <u64>nPoints << 3;
  if (s == W_ORDER || s == W_ORDER_TMP) return <u64>nPoints << 2;
  if (s == TLS_PERIOD || s == TLS_CHI2 || s == TLS_DEPTH) return <u64>nPeriods << 3;
  if (s == TLS_WIDTH_MIN || s == TLS_WIDTH_MAX || s == TLS_ROW) return <u64>nPeriods << 2;
  if (s == TLS_ROW_WIDTH) return <u64>nRows << 2;
  if (s == TLS_ROW_OVERSHOOT) return <u64>nRows << 3;
  if (s == TLS_SIGNAL || s == W_S || s == W_S2) return (<u64>nRows * <u64>maxWidth) << 3;
  if (s == W_CUMSUM || s == W_ABS_E || s == W_SUM_Q || s == W_DEV_Q) return (patched + 1) << 3;
  if (s == W_E32) return (patched + 8) << 2;
  if (s == W_LIST) return patched << 2;
  if (s == W_S32) return (<u64>nRows * <u64>(maxWidth + 8)) << 2;
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

/** Stable ascending argsort of phase (bottom-up merge sort; ties keep input order like mergesort). */
function sortByPhase(n: i32): void {
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

/**
 * Σ_j a[j] b[j] in f32x4 over ⌈w/8⌉·8 terms (b is zero past w), in blocks of 64 terms summed in f64,
 * so that no f32 sum is more than 12 additions deep.
 */
@inline function dot32(a: usize, b: usize, w: i32): f64 {
  let total: f64 = 0;
  for (let block = 0; block < w; block += 64) {
    const end = min(block + 64, w);
    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    let acc2 = f32x4.splat(0);
    let acc3 = f32x4.splat(0);
    let j = block;
    for (; j + 16 <= end; j += 16) {
      const o = <usize>j << 2;
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
      acc2 = f32x4.add(acc2, f32x4.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
      acc3 = f32x4.add(acc3, f32x4.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
    }
    for (; j < end; j += 8) {
      const o = <usize>j << 2;
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    }
    acc0 = f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3));
    total += <f64>f32x4.extract_lane(acc0, 0) + <f64>f32x4.extract_lane(acc0, 1) + <f64>f32x4.extract_lane(acc0, 2) + <f64>f32x4.extract_lane(acc0, 3);
  }
  return total;
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
    store<i32>(order + (<usize>k << 2), k);
  }
  sortByPhase(n);
  const flux = slot(TLS_FLUX);
  const dy = slot(TLS_DY);
  const d = slot(W_D);
  const q = slot(W_Q);
  const e = slot(W_E);
  const cumsum = slot(W_CUMSUM);
  const patched = n + maxWidth;
  const e32 = slot(W_E32);
  const absE = slot(W_ABS_E);
  const sumQ = slot(W_SUM_Q);
  let c: f64 = 0;
  let c0: f64 = 0;
  let ca: f64 = 0;
  let cq: f64 = 0;
  store<f64>(cumsum, 0);
  store<f64>(absE, 0);
  store<f64>(sumQ, 0);
  for (let k = 0; k < patched; k++) {
    const src = load<i32>(order + (<usize>(k < n ? k : k - n) << 2));
    const dk = load<f64>(flux + (<usize>src << 3));
    const sk = load<f64>(dy + (<usize>src << 3));
    const qk = 1 / (sk * sk);
    store<f64>(d + (<usize>k << 3), dk);
    store<f64>(q + (<usize>k << 3), qk);
    const ek = (dk - 1) * qk;
    store<f64>(e + (<usize>k << 3), ek);
    store<f32>(e32 + (<usize>k << 2), <f32>ek);
    ca += Math.abs(ek);
    cq += qk;
    store<f64>(absE + (<usize>(k + 1) << 3), ca);
    store<f64>(sumQ + (<usize>(k + 1) << 3), cq);
    c += dk;
    store<f64>(cumsum + (<usize>(k + 1) << 3), c);
    if (k < n) c0 += (1 - dk) * (1 - dk) * qk;
  }
  for (let k = patched; k < patched + 8; k++) {
    store<f32>(e32 + (<usize>k << 2), 0);
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
    const s32 = slot(W_S32) + ((<usize>r * <usize>(maxWidth + 8)) << 2);
    let sMax: f64 = 0;
    for (let j = 0; j < w; j++) sMax = max(sMax, Math.abs(load<f64>(s + (<usize>j << 3))));
    // bound on the f32 dot products' error relative to Σ|a||b|: inputs and products rounded, sums at
    // most 8 + 1 deep in f32, then f64; twice the standard γ for margin
    const k32: f64 = 2 * (<f64>min(w, 64) / 8 + 4) * 5.960464477539063e-8;
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
    for (let k = 0; k < count; k++) {
      const i = load<i32>(list + (<usize>k << 2));
      const windowSum = load<f64>(cumsum + (<usize>(i + w) << 3)) - load<f64>(cumsum + (<usize>i << 3));
      const mean = 1 - windowSum / fw;
      if (!(mean > depthMin)) continue;
      const target = mean * overshoot;
      // screen with r ≈ 2 · target (the package's 1 / (0.5 / target) differs by an ulp; `slack` covers it)
      const rev = 2 * target;
      const absRev = Math.abs(rev);
      // 2 r A + r² B = r (2 A + r B): screened in f32, computed in f64 where it could beat rowBest
      const errA = k32 * sMax * (load<f64>(absE + (<usize>(i + w) << 3)) - load<f64>(absE + (<usize>i << 3)));
      let approx: f64;
      let err: f64;
      if (constantDy) {
        approx = c0 + rev * (2 * dot32(e32 + (<usize>i << 2), s32, w) + rev * bConst);
        err = 2 * absRev * errA + slack;
      } else {
        // |B - mean(q) Σ s²| ≤ max(s)² Σ |q - mean(q)| ≤ max(s)² (Σ |q - qMean| + w |qMean - mean(q)|)
        const qBar = (load<f64>(sumQ + (<usize>(i + w) << 3)) - load<f64>(sumQ + (<usize>i << 3))) * invFw;
        const dev = load<f64>(devQ + (<usize>(i + w) << 3)) - load<f64>(devQ + (<usize>i << 3));
        const errB = sMax * sMax * (dev + fw * Math.abs(qMean - qBar) + slackB) + 1e-12 * qBar * s2Sum;
        approx = c0 + rev * (2 * dot32(e32 + (<usize>i << 2), s32, w) + rev * qBar * s2Sum);
        err = absRev * (2 * errA + absRev * errB) + slack;
      }
      // a position that cannot beat this row's best or an earlier row's cannot change the result
      if (!(approx - err < min(rowBest, best))) continue;
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

/**
 * Searches periods [first, first + count). `depthMin`: the window mean must lie more than this below 1;
 * `inverseMargin`: 1 / T0_fit_margin (0 searches every position). Returns 0; 3 for a bad range;
 * 4 when no layout was made.
 */
export function tlsRun(first: i32, count: i32, depthMin: f64, inverseMargin: f64): i32 {
  if (nPoints == 0) return 4;
  if (first < 0 || count < 0 || first + count > nPeriods) return 3;
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
  const s32 = slot(W_S32);
  const stride = maxWidth + 8;
  for (let r = 0; r < nRows; r++) {
    for (let j = 0; j < stride; j++) {
      const v = j < maxWidth ? load<f64>(s + ((<usize>(r * maxWidth + j)) << 3)) : 0;
      store<f32>(s32 + (<usize>(r * stride + j) << 2), <f32>v);
    }
  }
  const dy = slot(TLS_DY);
  const dy0 = load<f64>(dy);
  let constantDy = true;
  for (let k = 1; k < nPoints; k++) {
    if (load<f64>(dy + (<usize>k << 3)) != dy0) {
      constantDy = false;
      break;
    }
  }
  for (let p = first; p < first + count; p++) {
    searchPeriod(p, depthMin, inverseMargin, constantDy);
    store<f64>(slot(TLS_CHI2) + (<usize>p << 3), bestChi2);
    store<i32>(slot(TLS_ROW) + (<usize>p << 2), bestRow);
    store<f64>(slot(TLS_DEPTH) + (<usize>p << 3), bestDepth);
  }
  return 0;
}
