import { align16, ensureMemory } from './grow';
// One block per search, laid out after the static data: the input, output and per-point work
// arrays ("slots", one f64 per element; the two duration-range slots hold i32) sized by `layoutSearch`, then the per-bin work arrays that `run`
// sizes once it knows the bin count. Nothing is freed: the next `layoutSearch` starts over.

export const SLOT_TIME: i32 = 0;
export const SLOT_Y: i32 = 1;
export const SLOT_IVAR: i32 = 2;
export const SLOT_PERIOD: i32 = 3;
export const SLOT_DURATION: i32 = 4;
export const SLOT_POWER: i32 = 5;
export const SLOT_DEPTH: i32 = 6;
export const SLOT_DEPTH_ERR: i32 = 7;
export const SLOT_DURATION_OUT: i32 = 8;
export const SLOT_TRANSIT_TIME: i32 = 9;
export const SLOT_DEPTH_SNR: i32 = 10;
export const SLOT_LOG_LIKELIHOOD: i32 = 11;
export const SLOT_X: i32 = 12; // t - t_min, per point
export const SLOT_PAIR: i32 = 13; // (y · ivar, ivar) interleaved, two f64 per point
export const SLOT_DURATION_FIRST: i32 = 14; // i32 per period: first duration index of its range
export const SLOT_DURATION_COUNT: i32 = 15; // i32 per period: number of durations in its range
const SLOT_COUNT: i32 = 16;
const MAX_WORK: i32 = 4;


const slots = memory.data(SLOT_COUNT << 3);
const work = memory.data(MAX_WORK << 3);
let nPoints: i32 = 0;
let nPeriods: i32 = 0;
let nDurations: i32 = 0;
let slotsEnd: u64 = 0;



/** Room for one search's slots; returns 0, 5 for bad counts, or -1 when memory cannot grow. */
export function layoutSearch(points: i32, periods: i32, durations: i32): i32 {
  nPoints = 0;
  nPeriods = 0;
  nDurations = 0;
  if (points < 1 || periods < 1 || durations < 1) return 5;
  let at = align16(<u64>__heap_base);
  for (let s = 0; s < SLOT_COUNT; s++) {
    const count = s == SLOT_PERIOD || (s >= SLOT_POWER && s <= SLOT_LOG_LIKELIHOOD) || s >= SLOT_DURATION_FIRST
      ? periods
      : s == SLOT_DURATION ? durations : s == SLOT_PAIR ? points << 1 : points;
    store<usize>(slots + (<usize>s << 3), <usize>at);
    at = align16(at + (<u64>count << 3));
  }
  if (!ensureMemory(at)) return -1;
  slotsEnd = at;
  nPoints = points;
  nPeriods = periods;
  nDurations = durations;
  return 0;
}

/** Places `count` work arrays of `bytesEach` after the slots; 0 or -1 when memory cannot grow. */
export function reserveWork(bytesEach: usize, count: i32): i32 {
  let at = slotsEnd;
  for (let w = 0; w < count; w++) {
    store<usize>(work + (<usize>w << 3), <usize>at);
    at = align16(at + <u64>bytesEach);
  }
  return ensureMemory(at) ? 0 : -1;
}

export function slotOffset(slot: i32): usize {
  return load<usize>(slots + (<usize>slot << 3));
}

export function workOffset(index: i32): usize {
  return load<usize>(work + (<usize>index << 3));
}

export function allocatedPoints(): i32 {
  return nPoints;
}

export function allocatedPeriods(): i32 {
  return nPeriods;
}

export function allocatedDurations(): i32 {
  return nDurations;
}
