import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_COLUMNS } from '../../src/lib/search/result.ts';
import { findEntry, parseDictionary } from '../../src/lib/views/dictionary.ts';
import { histogram, nearestPoint, recentRate, scatter, stepPoint, throughput } from '../../src/lib/views/overview-model.ts';
import { parseRoute, targetHash } from '../../src/lib/views/route.ts';
import { allColumns, buildRow, identityColumns, queryRows, EMPTY_QUERY, type TableRow } from '../../src/lib/views/table-model.ts';
import { alignSeries, lightCurveCsv, modelSeries, periodCaption, tlsCaption, tlsFold, transitTimes } from '../../src/lib/views/target-model.ts';
import { DEFAULT_TEMPLATE } from '../../src/lib/search/tls/index.ts';
import { summarizeTls } from '../../src/lib/search/summary/index.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const row = (i: number, patch: Partial<TableRow>): TableRow => ({ index: i, line: i + 2, name: `r${i}`, star: `TIC ${i}`, label: '', status: 'ok', errorCode: '', errorMessage: '', ...patch });

describe('routes', () => {
  it('round-trips a target key with characters a URL must escape', () => {
    const key = 'TESS:25155310|demo/a b.fits@P=3.2';
    expect(parseRoute(targetHash('job-x', key))).toEqual({ view: 'target', jobId: 'job-x', key });
    expect(parseRoute('#/')).toEqual({ view: 'home' });
    expect(parseRoute('#/job/x/target/%E0%A4%A')).toEqual({ view: 'home' });
    expect(parseRoute('#/dictionary/bls_period')).toEqual({ view: 'dictionary', name: 'bls_period' });
  });
});

describe('the table model', () => {
  it('reads the row\'s own designation and label from the KOI and TOI exports and from ours', () => {
    expect(identityColumns(['kepid', 'kepoi_name', 'koi_disposition'])).toMatchObject({ name: 1, label: 2, nameColumn: 'kepoi_name' });
    const toi = identityColumns(['toi', 'tid', 'tfopwg_disp']);
    const r = buildRow({ jobId: 'j', index: 0, line: 70, values: ['1000.01', '50365310', 'FP'], targetKey: 'TESS:50365310' }, toi, { jobId: 'j', key: 'TESS:50365310', order: 0, target: { mission: 'TESS', id: 50365310 }, status: 'pending' });
    expect([r.name, r.star, r.label, r.status]).toEqual(['TOI-1000.01', 'TIC 50365310', 'FP', 'pending']);
    const bad = buildRow({ jobId: 'j', index: 1, line: 71, values: ['', 'x', ''], problem: 'no id' }, toi, undefined);
    expect([bad.status, bad.errorCode, bad.errorMessage]).toEqual(['failed', 'invalid-sample-row', 'line 71: no id']);
  });

  it('sorts numbers as numbers with empty values last, either way, and keeps input order among equals', () => {
    const rows = [row(0, { features: { bls_snr: 5 } }), row(1, {}), row(2, { features: { bls_snr: 50 } }), row(3, { features: { bls_snr: 5 } })];
    const cols = allColumns();
    expect([...queryRows(rows, { ...EMPTY_QUERY, sort: 'bls_snr' }, cols)]).toEqual([0, 3, 2, 1]);
    expect([...queryRows(rows, { ...EMPTY_QUERY, sort: 'bls_snr', descending: true }, cols)]).toEqual([2, 0, 3, 1]);
    expect([...queryRows(rows, { ...EMPTY_QUERY, search: 'tic 2' }, cols)]).toEqual([2]);
    // Every CSV feature column can be picked.
    expect(cols.filter((c) => c.id.startsWith('f:')).length).toBe(FEATURE_COLUMNS.length - 1);
  });
});

describe('the overview model', () => {
  const rows = [
    row(0, { label: 'PC', features: { bls_period: 1, bls_depth: 1e-3 } }),
    row(1, { label: 'FP', features: { bls_period: 10, bls_depth: -1e-4 } }),
    row(2, { label: 'PC', features: { bls_period: 100, bls_depth: 1e-2 } }),
    row(3, { status: 'failed' }),
  ];

  it('bins a feature per label, log-spaced on a log axis, and counts what a log axis cannot show', () => {
    const h = histogram(rows, 'bls_depth', { bins: 4, log: true });
    expect(h.skipped).toBe(1);
    expect(h.edges[0]).toBeCloseTo(1e-3, 12);
    expect(h.edges[4]).toBeCloseTo(1e-2, 12);
    expect([...h.counts.get('PC')!]).toEqual([1, 0, 0, 1]);
    expect(histogram(rows, 'bls_depth', { bins: 2 }).counts.get('FP')![0]).toBe(1);
  });

  it('sorts scatter points by x, keeps their rows and labels, and picks the nearest point on screen', () => {
    const s = scatter([rows[2], rows[0], rows[1]], 'bls_period', 'bls_depth', { logY: true });
    expect([...s.x]).toEqual([1, 100]);
    expect([...s.rows]).toEqual([1, 0]);
    expect(s.labels).toEqual(['PC']);
    expect(s.skipped).toBe(1);
    expect(nearestPoint(new Float64Array([0, 10, 20]), new Float64Array([0, 0, 0]), 12, 1)).toBe(1);
    expect(nearestPoint(new Float64Array([0]), new Float64Array([0]), 50, 50)).toBe(-1);
  });

  it('walks the scatter from the keyboard: along x with Left / Right, to the nearest point above or below with Up / Down', () => {
    // Sorted by x, as the scatter gives them: A(1, 1) P(50, 1) Q(51, 3) R(80, 1.5) D(100, 100).
    const s = { x: Float64Array.of(1, 50, 51, 80, 100), y: Float64Array.of(1, 1, 3, 1.5, 100) };
    const log = { x: true, y: true };
    expect(stepPoint(s, -1, 'ArrowRight')).toBe(0);
    expect(stepPoint(s, -1, 'ArrowLeft')).toBe(4);
    expect(stepPoint(s, 0, 'ArrowRight')).toBe(1);
    expect(stepPoint(s, 0, 'ArrowLeft')).toBe(0);
    expect(stepPoint(s, 1, 'End')).toBe(4);
    expect(stepPoint(s, 3, 'Home')).toBe(0);
    expect(stepPoint(s, 0, 'PageDown')).toBe(4);
    // Up from P: on linear axes Q is right above it (2 % of the y span), R 30 % of the x span away;
    // on log axes Q is a quarter of the y span up, R only a tenth across and a tenth up.
    expect(stepPoint(s, 1, 'ArrowUp')).toBe(2);
    expect(stepPoint(s, 1, 'ArrowUp', log)).toBe(3);
    expect(stepPoint(s, 4, 'ArrowDown')).toBe(3);
    // Nothing strictly lower than A (P is level with it), nothing higher than D: they stay.
    expect(stepPoint(s, 0, 'ArrowDown')).toBe(0);
    expect(stepPoint(s, 4, 'ArrowUp')).toBe(4);
    expect(stepPoint(s, 0, 'Enter')).toBe(-1);
    expect(stepPoint({ x: new Float64Array(0), y: new Float64Array(0) }, -1, 'ArrowRight')).toBe(-1);
  });

  it('gives the rate from stored finishing times, as the progress line does', () => {
    const t = Array.from({ length: 11 }, (_, i) => 1_000_000 + i * 6000);
    expect(recentRate(t)).toBeCloseTo(10, 9);
    expect(recentRate([5])).toBeNull();
    const tp = throughput(t, 5);
    expect(tp.cumulative[tp.cumulative.length - 1]).toBe(11);
    expect(tp.rate.reduce((a, b) => a + b, 0) * (tp.minutes[1] - tp.minutes[0])).toBeCloseTo(11, 9);
  });
});

describe('the target model', () => {
  it('captions the CSV period to six significant digits whatever the search refined', () => {
    expect(periodCaption({ bls_period: 3.2905511383, bls_snr: 127.08863 })).toBe('best period 3.29055 d, SNR 127');
    expect(periodCaption({ bls_period: 90.60871271 })).toBe('best period 90.6087 d');
    expect(periodCaption({})).toBe('no period found');
    expect(transitTimes({ period: 2, t0: 1 }, 0, 8)).toEqual([1, 3, 5, 7]);
  });

  it('writes the light curve as CSV, the detrended flux empty where an outlier was removed', () => {
    const csv = lightCurveCsv({ bjdRef: 2457000, raw: { time: Float64Array.of(1, 2, 3), flux: Float64Array.of(1, 2, 1) }, detrended: { time: Float64Array.of(1, 3), flux: Float64Array.of(0.9, 1.1) } });
    expect(csv).toBe('time,time_bjd,flux_normalised,flux_detrended\n1,2457001.0000000,1,0.9\n2,2457002.0000000,2,\n3,2457003.0000000,1,1.1\n');
  });
});

describe('the target model with TLS', () => {
  it('puts series on one x axis, each with nulls where it has no value', () => {
    const [x, a, b] = alignSeries([{ x: [1, 3], y: [10, 30] }, { x: [2, 3], y: [20, null] }]);
    expect([...x]).toEqual([1, 2, 3]);
    expect(a).toEqual([10, null, 30]);
    expect(b).toEqual([null, 20, null]);
  });

  it('draws the model at its bin centres and at 1 out to the window edges', () => {
    const m = modelSeries({ lo: -1, hi: 1, flux: new Float32Array([0.99, 0.98, 0.97, 0.99]) }, 3);
    expect(m.x).toEqual([-3, -0.75, -0.25, 0.25, 0.75, 3]);
    expect(m.y.map((v) => Math.round(v * 100) / 100)).toEqual([1, 0.99, 0.98, 0.97, 0.99, 1]);
    expect(tlsCaption({ tls_period: 6.58114432, tls_sde: 25.4897 })).toBe('TLS period 6.58114 d, SDE 25.5');
    expect(tlsCaption({ tls_error: 'grid-too-large: x' })).toBe('TLS found no period');
  });

  it('folds the light curve at the TLS period and bins it when TLS found its own signal', () => {
    const period = 2.5;
    const T0 = 0.7;
    const time = Float64Array.from({ length: 12_500 }, (_, i) => i * 0.002);
    const flux = Float64Array.from(time, (t) => (Math.abs(((t - T0 + period / 2) % period) - period / 2) < 0.05 ? 0.99 : 1));
    const tls = summarizeTls({ period, T0, duration: 0.1, depth: 0.99, SDE: 20, modelDuration: 0.1, template: DEFAULT_TEMPLATE, periods: [1, 2.5], power: [0, 20] }, null, [0, 25]);
    const f = tlsFold(tls, { bjdRef: 0, raw: { time, flux }, detrended: { time, flux } });
    expect(f.halfWindowHours).toBeCloseTo(6, 9);
    // Ten transits of the 25-day span, 250 points within ±6 h of each (0.002-d cadence).
    expect(f.raw!.x.length).toBeGreaterThan(2400);
    const mid = f.binned!.y[Math.floor(f.binned!.y.length / 2)];
    expect(mid).toBeCloseTo(0.99, 6);
    expect(f.binned!.y[0]).toBeCloseTo(1, 6);
    expect(tlsFold(tls, null).raw).toBeNull();
  });
});

describe('the feature dictionary', () => {
  it('finds an entry in the README for every CSV column', () => {
    const entries = parseDictionary(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
    const missing = FEATURE_COLUMNS.filter((c) => !findEntry(entries, c));
    expect(missing).toEqual([]);
    expect(findEntry(entries, 'bls3_depth')?.names).toContain('bls2_period');
  });
});
