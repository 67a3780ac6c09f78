/**
 * The job overview's model: throughput over time, histograms and scatters of features coloured by
 * the list's label. Pure; what the overview plots is prepared here and tested in Node.
 */
import type { TableRow } from './table-model.ts';

/** A feature's value on a row, when it is a finite number (and positive on a log axis). */
export function featureValue(row: TableRow, name: string, log = false): number | undefined {
  const v = row.features?.[name as keyof NonNullable<TableRow['features']>];
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return log && !(v > 0) ? undefined : v;
}

/** The label a point is coloured by; rows without one share `(none)`. */
export const NO_LABEL = '(none)';
export const labelOf = (r: TableRow) => r.label || NO_LABEL;

export interface Histogram {
  /** Bin edges (bins + 1), in value units (log-spaced on a log axis). */
  edges: Float64Array;
  /** Counts per label, each bins long. */
  counts: Map<string, Uint32Array>;
  /** Rows whose value is missing, or not positive on a log axis. */
  skipped: number;
}

export function histogram(rows: readonly TableRow[], feature: string, opts: { bins?: number; log?: boolean } = {}): Histogram {
  const bins = opts.bins ?? 40;
  const log = opts.log ?? false;
  const values: number[] = [];
  const labels: string[] = [];
  let skipped = 0;
  for (const r of rows) {
    const v = featureValue(r, feature, log);
    if (v === undefined) {
      if (r.status === 'ok') skipped++;
      continue;
    }
    values.push(log ? Math.log10(v) : v);
    labels.push(labelOf(r));
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return { edges: new Float64Array(0), counts: new Map(), skipped };
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Map<string, Uint32Array>();
  for (let k = 0; k < values.length; k++) {
    let c = counts.get(labels[k]);
    if (!c) counts.set(labels[k], (c = new Uint32Array(bins)));
    c[Math.min(bins - 1, Math.floor(((values[k] - lo) / (hi - lo)) * bins))]++;
  }
  if (log) for (let i = 0; i < edges.length; i++) edges[i] = 10 ** edges[i];
  return { edges, counts, skipped };
}

export interface Scatter {
  /** Row indices of the points, sorted by x. */
  rows: Int32Array;
  x: Float64Array;
  y: Float64Array;
  labels: string[];
  /** Per point: index into `labels`. */
  label: Uint16Array;
  skipped: number;
}

/** The points of a scatter of two features, sorted by x (the chart library draws x in order). */
export function scatter(rows: readonly TableRow[], xName: string, yName: string, opts: { logX?: boolean; logY?: boolean } = {}): Scatter {
  const idx: number[] = [];
  let skipped = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = featureValue(rows[i], xName, opts.logX);
    const y = featureValue(rows[i], yName, opts.logY);
    if (x === undefined || y === undefined) {
      if (rows[i].status === 'ok') skipped++;
      continue;
    }
    idx.push(i);
  }
  const xs = idx.map((i) => featureValue(rows[i], xName)!);
  const order = idx.map((_, k) => k).sort((a, b) => xs[a] - xs[b]);
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const label = new Uint16Array(order.length);
  order.forEach((k, j) => {
    const name = labelOf(rows[idx[k]]);
    let li = labelIndex.get(name);
    if (li === undefined) {
      li = labels.length;
      labels.push(name);
      labelIndex.set(name, li);
    }
    label[j] = li;
  });
  return {
    rows: Int32Array.from(order, (k) => idx[k]),
    x: Float64Array.from(order, (k) => xs[k]),
    y: Float64Array.from(order, (k) => featureValue(rows[idx[k]], yName)!),
    labels,
    label,
    skipped,
  };
}

/** The point nearest to a position, in the plot's pixel space; -1 when none is within `maxPx`. */
export function nearestPoint(px: Float64Array, py: Float64Array, x: number, y: number, maxPx = 10): number {
  let best = -1;
  let bestD = maxPx * maxPx;
  for (let i = 0; i < px.length; i++) {
    const dx = px[i] - x;
    const dy = py[i] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

export interface Throughput {
  /** Minutes since the first finished target, bin centres. */
  minutes: Float64Array;
  /** Targets finished per minute in each bin. */
  rate: Float64Array;
  /** Targets finished by the end of each bin. */
  cumulative: Float64Array;
}

/** Targets per minute over the job's history, from the stored finishing times. */
export function throughput(finishedAt: readonly number[], bins = 40): Throughput {
  const times = finishedAt.filter(Number.isFinite).slice().sort((a, b) => a - b);
  if (times.length < 2) return { minutes: new Float64Array(0), rate: new Float64Array(0), cumulative: new Float64Array(0) };
  const t0 = times[0];
  const spanMin = Math.max((times[times.length - 1] - t0) / 60_000, 1e-6);
  const n = Math.max(1, Math.min(bins, times.length - 1));
  const width = spanMin / n;
  const counts = new Float64Array(n);
  for (const t of times) counts[Math.min(n - 1, Math.floor((t - t0) / 60_000 / width))]++;
  let total = 0;
  return {
    minutes: Float64Array.from({ length: n }, (_, i) => (i + 0.5) * width),
    rate: Float64Array.from(counts, (c) => c / width),
    cumulative: Float64Array.from(counts, (c) => (total += c)),
  };
}

/** Targets per minute over the last `window` finished targets (the progress line's rate), from stored times. */
export function recentRate(finishedAt: readonly number[], window = 50): number | null {
  const t = finishedAt.filter(Number.isFinite).slice().sort((a, b) => a - b).slice(-window);
  if (t.length < 2) return null;
  const minutes = (t[t.length - 1] - t[0]) / 60_000;
  return minutes > 0 ? (t.length - 1) / minutes : null;
}

/** The keys that move through a scatter's points (its keyboard path). */
export const POINT_KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'] as const;

/**
 * The point a key moves to from point `from` (-1: none chosen yet): Left / Right the previous / next
 * in x (the points are sorted by x), Page Up / Down ten points at once, Home / End the first / last;
 * Up / Down the nearest point above / below, distances measured on the axes as drawn (log or linear,
 * each axis' span as one). Stays at `from` when there is none that way; -1 for any other key.
 */
export function stepPoint(s: Pick<Scatter, 'x' | 'y'>, from: number, key: string, log: { x: boolean; y: boolean } = { x: false, y: false }): number {
  const n = s.x.length;
  if (n === 0 || !(POINT_KEYS as readonly string[]).includes(key)) return -1;
  if (from < 0 || from >= n) return key === 'ArrowLeft' || key === 'End' || key === 'PageUp' ? n - 1 : 0;
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, from - 1);
    case 'ArrowRight':
      return Math.min(n - 1, from + 1);
    case 'PageUp':
      return Math.max(0, from - 10);
    case 'PageDown':
      return Math.min(n - 1, from + 10);
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
  }
  const tx = (v: number) => (log.x ? Math.log10(v) : v);
  const ty = (v: number) => (log.y ? Math.log10(v) : v);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const x = tx(s.x[i]);
    const y = ty(s.y[i]);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const kx = x1 > x0 ? 1 / (x1 - x0) : 0;
  const ky = y1 > y0 ? 1 / (y1 - y0) : 0;
  const up = key === 'ArrowUp';
  const fx = tx(s.x[from]);
  const fy = ty(s.y[from]);
  let best = from;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const dy = (ty(s.y[i]) - fy) * ky;
    if (up ? !(dy > 0) : !(dy < 0)) continue;
    const dx = (tx(s.x[i]) - fx) * kx;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
