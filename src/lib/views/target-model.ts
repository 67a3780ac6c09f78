/**
 * What the target view draws and lists, from a stored result and its plot summary (and, once loaded,
 * the full light curve). Pure; the components only hand these arrays to the chart library.
 */
import { FEATURE_COLUMNS, type FeatureName, type Features } from '../search/result.ts';
import { BinAccumulator, binCentre, FOLD_BINS, foldWindowDays, type Bins, type TargetSummary, type TlsModelBins, type TlsSummary } from '../search/summary/index.ts';
import type { PlotLightCurve } from '../search/summary/lightcurve.ts';

export type { PlotLightCurve };

/** The CSV's value to `digits` significant digits, without trailing noise (`3.29055`). */
export function significant(v: number, digits = 6): string {
  return Number(v.toPrecision(digits)).toString();
}

/** The periodogram caption: the CSV's `bls_period`, always to six significant digits. */
export function periodCaption(features: Features): string {
  const p = features.bls_period;
  if (typeof p !== 'number' || !Number.isFinite(p)) return 'no period found';
  const snr = features.bls_snr;
  return `best period ${significant(p)} d` + (typeof snr === 'number' ? `, SNR ${significant(snr, 3)}` : '');
}

/** Periods marked on the periodogram: the best and its aliases. */
export function periodMarks(features: Features): Array<{ period: number; label: string; main: boolean }> {
  const p = features.bls_period;
  if (typeof p !== 'number' || !(p > 0)) return [];
  return [
    { period: p, label: 'P', main: true },
    { period: p / 2, label: 'P/2', main: false },
    { period: 2 * p, label: '2P', main: false },
  ];
}

export interface SignalMark {
  /** 1 for the best signal, 2 and 3 for the iterative search's further ones. */
  n: number;
  period: number;
  t0: number;
  duration: number;
}

/** The signals whose transits the light curve marks, from the CSV columns. */
export function signals(features: Features): SignalMark[] {
  const out: SignalMark[] = [];
  const prefixes: Array<[number, string]> = [
    [1, 'bls'],
    [2, 'bls2'],
    [3, 'bls3'],
  ];
  for (const [n, prefix] of prefixes) {
    const f = features as Record<string, number | string | undefined>;
    const period = f[`${prefix}_period`];
    const t0 = f[`${prefix}_t0`];
    const duration = f[`${prefix}_duration`];
    if (typeof period === 'number' && typeof t0 === 'number' && typeof duration === 'number' && period > 0) out.push({ n, period, t0, duration });
  }
  return out;
}

/** Mid-transit times of a signal within [start, end] (at most `max`). */
export function transitTimes(signal: Pick<SignalMark, 'period' | 't0'>, start: number, end: number, max = 5000): number[] {
  const first = Math.ceil((start - signal.t0) / signal.period);
  const out: number[] = [];
  for (let k = first; out.length < max; k++) {
    const t = signal.t0 + k * signal.period;
    if (t > end) break;
    out.push(t);
  }
  return out;
}

/** Bin centres and values of binned data, for the chart (NaN bins become gaps). */
export function binSeries(bins: Bins): { x: Float64Array; y: Array<number | null> } {
  const x = Float64Array.from(bins.flux, (_, i) => binCentre(bins, i));
  const y = Array.from(bins.flux, (v) => (Number.isFinite(v) ? v : null));
  return { x, y };
}

/** The fitted box in hours from mid-transit: level 1 outside, 1 − depth inside. */
export function boxModel(features: Features, halfWindowHours: number): { x: number[]; y: number[] } {
  const d = features.bls_duration;
  const depth = features.bls_depth;
  if (typeof d !== 'number' || typeof depth !== 'number') return { x: [], y: [] };
  const h = (d * 24) / 2;
  return { x: [-halfWindowHours, -h, -h, h, h, halfWindowHours], y: [1, 1, 1 - depth, 1 - depth, 1, 1] };
}

/** Per-transit counts and log-likelihoods from the CSV's lists, matched to panels by mid-time. */
export function transitDetails(features: Features, bjdRef: number): Array<{ time: number; count: number | null; logLikelihood: number | null }> {
  const split = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().split(/\s+/) : typeof v === 'number' ? [String(v)] : []);
  const times = split(features.transit_times_bjd).map(Number);
  const counts = split(features.per_transit_count);
  const ll = split(features.per_transit_log_likelihood);
  return times.map((t, i) => ({
    time: t - bjdRef,
    count: counts[i] !== undefined && counts[i] !== '' ? Number(counts[i]) : null,
    logLikelihood: ll[i] !== undefined && ll[i] !== '' ? Number(ll[i]) : null,
  }));
}

export interface FeatureGroup {
  title: string;
  names: FeatureName[];
}

const PROVENANCE = new Set(['grid', 'detrend', 'window_days', 'n_outliers', 'mission', 'author', 'segments', 'sectors', 'quarters', 'campaigns', 'n_files', 'files', 'n_points', 'baseline_days', 'cadence_minutes', 'app_version', 'kernel_version']);
const VETTING = /^(odd_even|depth_|secondary|transit_symmetry|ingress|harmonic|periodicity|phase_coverage|red_noise|n_transits|n_points_in|per_transit|transit_times|duration_over)/;

/** The row's features in groups (search, vetting, TLS, provenance), in CSV order, present ones only. */
export function featureGroups(features: Features): FeatureGroup[] {
  const groups: FeatureGroup[] = [
    { title: 'Search', names: [] },
    { title: 'Vetting', names: [] },
    { title: 'TLS', names: [] },
    { title: 'Provenance', names: [] },
  ];
  for (const name of FEATURE_COLUMNS) {
    const v = features[name];
    if (v === undefined || v === '') continue;
    const g = PROVENANCE.has(name) ? 3 : name.startsWith('tls_') ? 2 : VETTING.test(name) ? 1 : 0;
    groups[g].names.push(name);
  }
  return groups.filter((g) => g.names.length > 0);
}


/** The prepared light curve as CSV: time, BJD, normalised flux, detrended flux (empty where removed as an outlier). */
export function lightCurveCsv(lc: PlotLightCurve): string {
  const lines = ['time,time_bjd,flux_normalised,flux_detrended'];
  const { raw, detrended } = lc;
  let j = 0;
  for (let i = 0; i < raw.time.length; i++) {
    const t = raw.time[i];
    while (j < detrended.time.length && detrended.time[j] < t) j++;
    const d = j < detrended.time.length && detrended.time[j] === t ? String(detrended.flux[j]) : '';
    lines.push(`${t},${(t + lc.bjdRef).toFixed(7)},${raw.flux[i]},${d}`);
  }
  return lines.join('\n') + '\n';
}

/** A summary as stored, or null when the result predates summaries. */
export function usableSummary(s: TargetSummary | undefined | null): TargetSummary | null {
  return s && s.version === 1 ? s : null;
}

/** The searched points within ±`windowHours` of mid-transit, in hours, sorted (the fold's raw points). */
export function foldPoints(time: ArrayLike<number>, flux: ArrayLike<number>, period: number, t0: number, windowHours: number): { x: Float64Array; y: Float64Array } {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < time.length; i++) {
    const ph = (time[i] - t0) / period;
    const h = (ph - Math.round(ph)) * period * 24;
    if (Math.abs(h) < windowHours) pts.push([h, flux[i]]);
  }
  pts.sort((a, b) => a[0] - b[0]);
  return { x: Float64Array.from(pts, (p) => p[0]), y: Float64Array.from(pts, (p) => p[1]) };
}

/** Transit windows of the signals as shaded bands on the light curve. */
export function transitBands(sigs: SignalMark[], start: number, end: number, colors: string[]): Array<{ from: number; to: number; color: string }> {
  const out: Array<{ from: number; to: number; color: string }> = [];
  for (const s of sigs) {
    for (const t of transitTimes(s, start - s.duration, end + s.duration, 2000)) out.push({ from: t - s.duration / 2, to: t + s.duration / 2, color: colors[(s.n - 1) % colors.length] });
  }
  return out;
}

// --- TLS (when it ran): the SDE spectrum beside the periodogram, the model on the fold ------------

/** The SDE spectrum's caption: the CSV's `tls_period` and `tls_sde`. */
export function tlsCaption(features: Features): string {
  const p = features.tls_period;
  if (typeof p !== 'number' || !Number.isFinite(p)) return 'TLS found no period';
  const sde = features.tls_sde;
  return `TLS period ${significant(p)} d` + (typeof sde === 'number' && Number.isFinite(sde) ? `, SDE ${significant(sde, 3)}` : '');
}

/** Periods marked on the SDE spectrum: TLS's best and its aliases. */
export function tlsMarks(features: Features): Array<{ period: number; label: string; main: boolean }> {
  return periodMarks({ bls_period: features.tls_period });
}

/** The model as a line in hours: its bins' centres, and 1 at the window's edges (it is 1 outside its bins). */
export function modelSeries(model: Pick<TlsModelBins, 'lo' | 'hi' | 'flux'>, halfWindowHours: number): { x: number[]; y: number[] } {
  const n = model.flux.length;
  const x: number[] = [];
  const y: number[] = [];
  if (model.lo > -halfWindowHours) x.push(-halfWindowHours), y.push(1);
  for (let i = 0; i < n; i++) {
    x.push(model.lo + ((i + 0.5) * (model.hi - model.lo)) / n);
    y.push(model.flux[i]);
  }
  if (model.hi < halfWindowHours) x.push(halfWindowHours), y.push(1);
  return { x, y };
}

/**
 * Series on one x axis, for the chart library: the union of their abscissae in order, and each
 * series' values there (null where it has none).
 */
export function alignSeries(series: Array<{ x: ArrayLike<number>; y: ArrayLike<number | null> }>): [Float64Array, ...Array<Array<number | null>>] {
  const xs = new Set<number>();
  for (const s of series) for (let i = 0; i < s.x.length; i++) xs.add(s.x[i]);
  const x = Float64Array.from([...xs].sort((a, b) => a - b));
  const at = new Map<number, number>();
  x.forEach((v, i) => at.set(v, i));
  const ys = series.map((s) => {
    const y = new Array<number | null>(x.length).fill(null);
    for (let i = 0; i < s.x.length; i++) y[at.get(s.x[i])!] = s.y[i];
    return y;
  });
  return [x, ...ys];
}

/**
 * The fold at TLS's own ephemeris, when TLS found another signal than BLS: the searched points
 * within the model's window and their binned means (from the light curve, once it is read).
 */
export function tlsFold(tls: TlsSummary, lc: PlotLightCurve | null): { halfWindowHours: number; raw: { x: Float64Array; y: Float64Array } | null; binned: { x: Float64Array; y: Array<number | null> } | null } {
  const { period, transitTime, duration } = tls.signal;
  const halfWindowHours = tls.model?.windowHours ?? foldWindowDays({ period, transitTime, duration }) * 24;
  if (!lc) return { halfWindowHours, raw: null, binned: null };
  const raw = foldPoints(lc.detrended.time, lc.detrended.flux, period, transitTime, halfWindowHours);
  const acc = new BinAccumulator(-halfWindowHours, halfWindowHours, FOLD_BINS);
  for (let i = 0; i < raw.x.length; i++) acc.add(raw.x[i], raw.y[i]);
  return { halfWindowHours, raw, binned: binSeries(acc.result()) };
}
