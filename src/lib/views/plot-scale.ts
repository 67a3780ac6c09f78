/**
 * Zooming and panning an axis range, linear or logarithmic (a log axis zooms and pans in log space,
 * so that a decade keeps its width on screen). Pure; the plot component hands the result to the
 * chart library.
 */

export type Range = [number, number];

const toAxis = (v: number, log: boolean) => (log ? Math.log10(v) : v);
const fromAxis = (v: number, log: boolean) => (log ? 10 ** v : v);

/**
 * The range zoomed by `factor` (< 1 zooms in) about the point at `at` (0 = left edge, 1 = right
 * edge), which stays where it is on screen.
 */
export function zoomRange([min, max]: Range, factor: number, at = 0.5, log = false): Range {
  const lo = toAxis(min, log);
  const hi = toAxis(max, log);
  const pivot = lo + at * (hi - lo);
  return [fromAxis(pivot - (pivot - lo) * factor, log), fromAxis(pivot + (hi - pivot) * factor, log)];
}

/**
 * A log axis's range for data from `min` to `max`, widened by `margin` of its decades on each side;
 * a single value gets half a decade each side.
 */
export function logRange(min: number, max: number, margin: number): Range {
  if (!(min > 0) || !Number.isFinite(max)) return [min, max];
  if (!(max > min)) return [min / Math.sqrt(10), min * Math.sqrt(10)];
  return zoomRange([min, max], 1 + 2 * margin, 0.5, true);
}

/** The range moved by `fraction` of its width (positive: towards larger values). */
export function panRange([min, max]: Range, fraction: number, log = false): Range {
  const lo = toAxis(min, log);
  const hi = toAxis(max, log);
  const d = fraction * (hi - lo);
  return [fromAxis(lo + d, log), fromAxis(hi + d, log)];
}

/** A wheel's zoom factor: one notch (about 100 px of delta) zooms by about 20 %, bounded per event. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  // Lines and pages are turned into pixels as browsers scroll them.
  const px = deltaY * (deltaMode === 1 ? 16 : deltaMode === 2 ? 400 : 1);
  return Math.exp(Math.max(-1, Math.min(1, px * 0.002)));
}

/**
 * Ticks of a log axis from `min` to `max`: 1, 2 and 5 of each decade (or fewer over many decades,
 * more over less than one). Only positive values: a log axis has no 0, and nothing below it.
 */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  if (!(min > 0) || !(max > min) || !Number.isFinite(max)) return out;
  const decades = Math.log10(max / min);
  const steps = decades > 4 ? [1] : decades > 2.5 ? [1, 3] : decades > 1.2 ? [1, 2, 5] : [1, 1.5, 2, 3, 4, 5, 6, 8];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of steps) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min && v <= max) out.push(v);
    }
  }
  return out;
}

/** A tick's label: its value to five significant digits, never rounded to 0 (1e-7 stays 1e-7). */
export function tickLabel(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(5))) : '';
}
