import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Overview from '../../src/lib/components/Overview.svelte';
import ResultsTable from '../../src/lib/components/ResultsTable.svelte';
import TargetView from '../../src/lib/components/TargetView.svelte';
import type { JobRecord, SampleRecord, TargetRecord } from '../../src/lib/jobs/types.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { buildSummary, type TlsSummaryInput } from '../../src/lib/search/summary/index.ts';
import { DEFAULT_TEMPLATE } from '../../src/lib/search/tls/index.ts';
import { OverviewState } from '../../src/lib/state/overview.svelte.ts';
import { TableState } from '../../src/lib/state/table.svelte.ts';
import { TargetViewState } from '../../src/lib/state/target-view.svelte.ts';
import { gaussian, mulberry32 } from '../helpers/random.ts';

/** A stored TOI-like job: rows with their own names, labels and catalogue periods; some stars failed, one row invalid. */
function storedJob(n: number) {
  const job: JobRecord = {
    id: 'job-1', createdAt: 1, fileName: 'toi.csv', format: 'toi', columns: ['toi', 'tid', 'tfopwg_disp', 'pl_orbper'],
    nSamples: n, nInvalid: 1, nTargets: n - 1, done: 0, failed: 0, settings: DEFAULT_SEARCH_SETTINGS,
  };
  const rand = mulberry32(5);
  const samples: SampleRecord[] = [];
  const targets: TargetRecord[] = [];
  for (let i = 0; i < n; i++) {
    const period = 1 + 10 * rand();
    const values = [`${100 + i}.01`, String(1000 + i), ['PC', 'FP', 'KP'][i % 3], String(period)];
    if (i === 3) {
      samples.push({ jobId: job.id, index: i, line: i + 70, values, problem: 'column "tid": "x" is not a TIC id' });
      continue;
    }
    const key = `TESS:${1000 + i}`;
    samples.push({ jobId: job.id, index: i, line: i + 70, values, targetKey: key, catalog: { period, depthPpm: 1000 } });
    const failed = i % 7 === 5;
    targets.push({
      jobId: job.id, key, order: i, target: { mission: 'TESS', id: 1000 + i }, status: failed ? 'failed' : 'ok', finishedAt: 1000 + i * 1000,
      result: failed
        ? { status: 'failed', error: { code: 'target-not-found', message: 'MAST has no light curve' }, features: {} }
        : { status: 'ok', features: { bls_period: period * (1 + 1e-4), bls_depth: 1e-3, bls_duration: 0.1, bls_snr: 10 + (i % 50), n_points: 18000 } },
    });
  }
  return { job, samples, targets };
}

async function loadedTable(n: number) {
  const { job, samples, targets } = storedJob(n);
  const table = new TableState();
  await table.load(job, {
    samplesPage: async (_id, from, count) => samples.filter((s) => s.index >= from).slice(0, count),
    targetsPage: async (_id, from, count) => targets.filter((t) => t.order >= from).slice(0, count),
  });
  return { table, job, samples, targets };
}

afterEach(() => cleanup());

describe('the results table, from stored results', () => {
  it('puts only the visible rows in the DOM, shows each row\'s own name and label, and counts rows as the CSV does', async () => {
    const { table } = await loadedTable(3000);
    render(ResultsTable, { table, nTargets: 2999, onopen: () => {} });
    const grid = screen.getByRole('table', { name: 'Targets' });
    const rows = within(grid).getAllByRole('row').filter((r) => r.hasAttribute('data-pos'));
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0].textContent).toMatch(/^70TOI-100\.01PCok/);
    expect(screen.getByTestId('row-counts').textContent?.replace(/\s+/g, ' ')).toMatch(/3,000 rows of the list naming 2,999 stars: 2,571 ok · 429 failed \(1 invalid rows\) · 0 pending/);
  });

  it('sorts by a column, filters by status, error code and label, searches names, and opens a row with Enter', async () => {
    const { table } = await loadedTable(300);
    const onopen = vi.fn();
    render(ResultsTable, { table, nTargets: 299, onopen });
    await fireEvent.click(screen.getByRole('button', { name: 'SNR' }));
    await fireEvent.click(screen.getByRole('button', { name: 'SNR ▲' }));
    const grid = screen.getByRole('table', { name: 'Targets' });
    const firstRow = () => within(grid).getAllByRole('row').find((r) => r.getAttribute('data-pos') === '0')!;
    expect(firstRow().textContent).toMatch(/59$/);
    expect(screen.getByRole('columnheader', { name: 'SNR ▼' }).getAttribute('aria-sort')).toBe('descending');

    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    expect(screen.getByTestId('rows-shown').textContent).toMatch(/^44 of 300 rows shown/); // 43 stars with i % 7 = 5, and the invalid row
    await fireEvent.change(screen.getByLabelText('Error code'), { target: { value: 'invalid-sample-row' } });
    expect(screen.getByTestId('rows-shown').textContent).toMatch(/^1 of 300/);
    expect(firstRow().textContent).toMatch(/invalid-sample-row: line 73/);
    table.setQuery({ status: '', errorCode: '', label: 'KP' });
    flushSync();
    expect(screen.getByTestId('rows-shown').textContent).toMatch(/^100 of 300/);
    await fireEvent.input(screen.getByLabelText('Search names'), { target: { value: 'toi-12' } });
    expect(screen.getByTestId('rows-shown').textContent).toMatch(/^\d+ of 300/);
    for (const row of within(grid).getAllByRole('row').filter((r) => r.hasAttribute('data-pos'))) expect(row.textContent).toMatch(/TOI-12\d*\.01KP/);

    firstRow().focus();
    await fireEvent.keyDown(firstRow(), { key: 'ArrowDown' });
    await tick();
    expect(document.activeElement?.getAttribute('data-pos')).toBe('1');
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(onopen).toHaveBeenCalledWith(document.activeElement!.getAttribute('data-key'));
  });

  it('shows a result as it arrives, without a reload', async () => {
    const { job, samples, targets } = storedJob(10);
    targets[0] = { ...targets[0], status: 'pending', result: undefined };
    const table = new TableState();
    await table.load(job, {
      samplesPage: async (_id, from, count) => samples.filter((s) => s.index >= from).slice(0, count),
      targetsPage: async (_id, from, count) => targets.filter((t) => t.order >= from).slice(0, count),
    });
    vi.useFakeTimers();
    render(ResultsTable, { table, nTargets: 9, onopen: () => {} });
    const row0 = () => screen.getByRole('table', { name: 'Targets' }).querySelector('tr[data-pos="0"]')!;
    expect(row0().getAttribute('data-status')).toBe('pending');
    table.update('job-1', 'TESS:1000', { status: 'ok', features: { bls_period: 2.5, bls_snr: 33 } });
    flushSync();
    expect(row0().getAttribute('data-status')).toBe('ok');
    expect(row0().textContent).toMatch(/2\.5.*33/);
    // A burst: the next result waits for the refresh interval, or for the run to stop.
    table.update('job-1', 'TESS:1001', { status: 'failed', error: { code: 'fits-invalid', message: 'x' }, features: {} });
    flushSync();
    const row1 = () => screen.getByRole('table', { name: 'Targets' }).querySelector('tr[data-pos="1"]')!;
    expect(row1().getAttribute('data-status')).toBe('ok');
    vi.advanceTimersByTime(400);
    flushSync();
    expect(row1().getAttribute('data-status')).toBe('failed');
    vi.useRealTimers();
  });
});

describe('the overview, from stored results', () => {
  it('counts rows by status, error code and label; a count filters the table', async () => {
    const { table } = await loadedTable(100);
    const overview = new OverviewState(table);
    const onfilter = vi.fn();
    render(Overview, { overview, table, onopen: () => {}, onfilter });
    const codes = screen.getByRole('group', { name: 'Failed rows by error code' });
    expect(codes.textContent).toMatch(/target-not-found 14/);
    expect(codes.textContent).toMatch(/invalid-sample-row 1/);
    expect(screen.getByRole('group', { name: 'Rows by label' }).textContent).toMatch(/PC 34.*FP 33.*KP 33/);
    await fireEvent.click(within(codes).getByRole('button', { name: /target-not-found/ }));
    expect(table.query).toMatchObject({ status: 'failed', errorCode: 'target-not-found' });
    expect(onfilter).toHaveBeenCalled();
    // The histogram and scatter are there with their captions (the canvas itself needs a browser).
    expect(screen.getByRole('group', { name: 'Histogram of bls_snr' }).textContent).toMatch(/Rows per bin, by label/);
    expect(screen.getByRole('group', { name: 'bls_depth against bls_period' }).textContent).toMatch(/85 rows, coloured by label/);
  });

  it('opens a scatter point\'s target from the keyboard: arrows go from point to point, Enter opens it', async () => {
    const { table } = await loadedTable(100);
    const overview = new OverviewState(table);
    const onopen = vi.fn();
    render(Overview, { overview, table, onopen, onfilter: () => {} });
    // The scatter follows the table a task later.
    await vi.waitFor(() => expect(overview.scatter.x.length).toBe(85));
    const points = screen.getByRole('application', { name: /^Points of the scatter/ });
    expect(points.tabIndex).toBe(0);
    const said = () => screen.getByTestId('scatter-point').textContent;
    expect(said()).toBe('');
    points.focus();
    await fireEvent.keyDown(points, { key: 'ArrowRight' });
    // The point with the smallest bls_period first, then the next along x.
    const s = overview.scatter;
    const nameOf = (j: number) => table.rows[s.rows[j]].name;
    expect(said()).toMatch(new RegExp(`^${nameOf(0).replace('.', '\\.')} \\((PC|FP|KP)\\): bls_period [\\d.]+, bls_depth 0\\.001\\. Point 1 of 85; Enter opens its target\\.$`));
    await fireEvent.keyDown(points, { key: 'ArrowRight' });
    await fireEvent.keyDown(points, { key: 'ArrowRight' });
    expect(said()).toMatch(/Point 3 of 85/);
    await fireEvent.keyDown(points, { key: 'End' });
    expect(said()).toMatch(new RegExp(`^${nameOf(84).replace('.', '\\.')} .*Point 85 of 85`));
    await fireEvent.keyDown(points, { key: 'Enter' });
    expect(onopen).toHaveBeenCalledWith(table.rows[s.rows[84]].targetKey);
    await fireEvent.keyDown(points, { key: 'Escape' });
    expect(said()).toBe('');
  });
});

/** What a TLS run of the stored target would give the summary: its period (`tlsPeriod`), T0, model and SDE spectrum. */
function tlsInput(tlsPeriod: number, T0: number): TlsSummaryInput {
  const periods = Float64Array.from({ length: 3000 }, (_, i) => 0.6 + i * 0.0045);
  const power = Float64Array.from(periods, (p) => (Math.abs(p - tlsPeriod) < 0.003 ? 25.5 : Math.abs(Math.sin(p * 7)) * 3));
  return { period: tlsPeriod, T0, duration: 0.118, depth: 0.9941, SDE: 25.5, modelDuration: 0.121, template: DEFAULT_TEMPLATE, periods, power };
}

function storedTarget(tls?: TlsSummaryInput) {
  const rand = gaussian(mulberry32(9));
  const time = Float64Array.from({ length: 4000 }, (_, i) => 1325 + i * 0.0069);
  const flux = Float64Array.from(time, (t) => 1 + 5e-4 * rand() - (Math.abs(((t - 1326.1 + 1.645) % 3.29) - 1.645) < 0.06 ? 0.006 : 0));
  const period = Float64Array.from({ length: 2000 }, (_, i) => 0.5 + i * 0.004);
  const power = Float64Array.from(period, (p) => (Math.abs(p - 3.29) < 0.002 ? 900 : 10 * Math.abs(rand())));
  const best = period.findIndex((p) => Math.abs(p - 3.29) < 0.002);
  const pg = { period, power, depth: power, depthErr: power, duration: power, transitTime: power, depthSnr: power, logLikelihood: power, objective: 'likelihood' as const };
  const summary = buildSummary({ time, flux, bjdRef: 2457000 }, pg, { period: period[best], power: 900, depth: 0.006, depthErr: 1e-4, duration: 0.12, transitTime: 1326.1, depthSnr: 60, logLikelihood: 900 }, tls);
  const target: TargetRecord = {
    jobId: 'job-1', key: 'TESS:25155310', order: 0, target: { mission: 'TESS', id: 25155310 }, status: 'ok',
    result: { status: 'ok', features: { bls_period: 3.2905511383, bls_t0: 1326.1, bls_duration: 0.12, bls_depth: 0.006, bls_snr: 60.2, odd_even_sigma: 0.4, tls_sde: 12.5, grid: 'optimal', n_points: 4000, segments: 'S1', mission: 'TESS', ...(tls ? { tls_period: tls.period, tls_sde: tls.SDE, tls_t0: tls.T0 } : {}) } },
  };
  return { target, summary };
}

describe('the target view, from a stored result', () => {
  it('opens without searching again: its region, the caption with the CSV period, and the numbers grouped with dictionary links', async () => {
    const { target, summary } = storedTarget();
    // What the file calls the star (FITS OBJECT) is shown as text, whatever it holds.
    summary.object = '<img src=x onerror="globalThis.ran=1">TIC 25155310';
    const files = vi.fn(async () => ({ files: [], from: 'cache' as const }));
    const view = new TargetViewState({
      job: async () => ({ ...storedJob(1).job }),
      target: async () => target,
      summary: async () => summary,
      files,
      lightCurve: async () => ({ bjdRef: 2457000, raw: { time: new Float64Array([1, 2]), flux: new Float64Array([1, 1]) }, detrended: { time: new Float64Array([1, 2]), flux: new Float64Array([1, 1]) } }),
    });
    await view.open('job-1', 'TESS:25155310');
    render(TargetView, { view, rows: [], onback: () => {} });
    const region = screen.getByRole('region', { name: /^Target/ });
    expect(region.getAttribute('aria-label')).toBe('Target TIC 25155310');
    expect(screen.getByTestId('fits-object').textContent).toContain('“<img src=x onerror="globalThis.ran=1">TIC 25155310” (FITS OBJECT)');
    expect(region.querySelector('img')).toBeNull();
    const pg = screen.getByRole('group', { name: 'BLS periodogram' });
    expect(pg.querySelector('figcaption')!.textContent).toMatch(/best period 3\.29055 d, SNR 60\.2/);
    expect(screen.getByRole('group', { name: 'Folded on the best period' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Odd transits' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Secondary window (phase 0.5)' })).toBeTruthy();
    expect(screen.getByText(/transits hold data/).textContent).toMatch(/^\d+ transits hold data/);
    for (const [group, name] of [['Search', 'bls_period'], ['Vetting', 'odd_even_sigma'], ['TLS', 'tls_sde'], ['Provenance', 'grid']]) {
      const t = screen.getByRole('table', { name: `${group} features` });
      expect(within(t).getByRole('link', { name }).getAttribute('href')).toBe(`#/dictionary/${name}`);
    }
    // The light curve was asked for once, from the cache first.
    expect(files).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(screen.getByTestId('lc-note').textContent).toBe('From the light-curve cache (0 files).'));
  });

  it('says when the light curve had to be downloaded again, and when a result has no stored plots', async () => {
    const { target } = storedTarget();
    const view = new TargetViewState({
      job: async () => storedJob(1).job,
      target: async () => target,
      summary: async () => undefined,
      files: async () => ({ files: [{ name: 'a.fits', bytes: new ArrayBuffer(0) }], from: 'network' as const }),
      lightCurve: async () => {
        throw new Error('MAST could not be reached');
      },
    });
    await view.open('job-1', 'TESS:25155310');
    render(TargetView, { view, rows: [], onback: () => {} });
    expect(screen.getByTestId('no-summary').textContent).toMatch(/best period 3\.29055 d.*stored without plots/);
    await vi.waitFor(() => expect(screen.getByTestId('lc-note').textContent).toBe('The light curve could not be loaded: MAST could not be reached'));
    expect(view.lcStatus).toBe('failed');
  });

  function viewOf(target: TargetRecord, summary: ReturnType<typeof storedTarget>['summary']) {
    return new TargetViewState({
      job: async () => storedJob(1).job,
      target: async () => target,
      summary: async () => summary,
      files: async () => ({ files: [], from: 'cache' as const }),
      lightCurve: async () => ({ bjdRef: 2457000, raw: { time: new Float64Array([1, 2]), flux: new Float64Array([1, 1]) }, detrended: { time: new Float64Array([1, 2]), flux: new Float64Array([1, 1]) } }),
    });
  }

  it('shows the TLS SDE spectrum beside the periodogram and the TLS model on the fold when TLS found the same transit', async () => {
    const { target, summary } = storedTarget(tlsInput(3.29055, 1326.1 + 3 * 3.29 + 0.004));
    expect(summary.tls!.model!.onBlsFold).toBe(true);
    const view = viewOf(target, summary);
    await view.open('job-1', 'TESS:25155310');
    render(TargetView, { view, rows: [], onback: () => {} });
    const spectrum = screen.getByRole('group', { name: 'TLS SDE spectrum' });
    expect(spectrum.querySelector('figcaption')!.textContent).toMatch(/^TLS period 3\.29055 d, SDE 25\.5; P\/2 and 2P dashed\. 3,000 periods searched; the highest of each of \d+ bins shown\./);
    expect(screen.getByRole('toolbar', { name: 'TLS SDE spectrum: zoom and save' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Folded on the best period' }).querySelector('figcaption')!.textContent).toMatch(/the fitted box in red, the TLS model in green/);
    expect(screen.queryByRole('group', { name: 'Folded on the TLS period' })).toBeNull();
  });

  it('folds at the TLS period apart when TLS found another signal, and shows no TLS plots without a TLS result', async () => {
    const { target, summary } = storedTarget(tlsInput(6.5811, 1327.3));
    expect(summary.tls!.model!.onBlsFold).toBe(false);
    const view = viewOf(target, summary);
    await view.open('job-1', 'TESS:25155310');
    render(TargetView, { view, rows: [], onback: () => {} });
    expect(screen.getByRole('group', { name: 'TLS SDE spectrum' }).querySelector('figcaption')!.textContent).toMatch(/^TLS period 6\.5811 d/);
    expect(screen.getByRole('group', { name: 'Folded on the TLS period' }).querySelector('figcaption')!.textContent).toMatch(/^TLS found another signal than BLS \(TLS period 6\.5811 d, SDE 25\.5\): its model in green/);
    expect(screen.getByRole('group', { name: 'Folded on the best period' }).querySelector('figcaption')!.textContent).not.toMatch(/TLS/);
    cleanup();

    const plain = storedTarget();
    const failed = { ...plain.target, result: { ...plain.target.result!, features: { ...plain.target.result!.features, tls_error: 'grid-too-large: TLS would take about 900 s' } } };
    const bare = viewOf(failed, plain.summary);
    await bare.open('job-1', 'TESS:25155310');
    render(TargetView, { view: bare, rows: [], onback: () => {} });
    expect(screen.queryByRole('group', { name: 'TLS SDE spectrum' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Folded on the TLS period' })).toBeNull();
    expect(screen.getByTestId('tls-note').textContent).toBe('TLS ran without a result: grid-too-large: TLS would take about 900 s');
  });
});
