/** Small array helpers shared by cleaning and stitching. */

/** Median of the values (NaN for none); the array is not modified. */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return n % 2 ? sorted[n >> 1] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

export function isSorted(time: Float64Array): boolean {
  for (let i = 1; i < time.length; i++) if (time[i] < time[i - 1]) return false;
  return true;
}

/** Reorders `arrays` (all of time's length) by ascending time; stable, so equal times keep their order. */
export function sortByTime(time: Float64Array, ...arrays: Float64Array[]): void {
  if (isSorted(time)) return;
  const order = Array.from(time.keys()).sort((a, b) => time[a] - time[b] || a - b);
  for (const array of [time, ...arrays]) {
    const copy = Float64Array.from(array);
    order.forEach((from, to) => (array[to] = copy[from]));
  }
}

export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
