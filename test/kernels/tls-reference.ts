/** Readers for the TLS reference runs in ../shared/reference/tls (transitleastsquares 1.0.31). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED } from '../helpers/paths.ts';
import type { TlsLightCurve } from '../../src/lib/search/tls/index.ts';

export const TLS_REFERENCE = path.join(SHARED, 'reference/tls');
export const TLS_CASES = ['synthetic-k2', 'synthetic-tess-box', 'k2-quiet-null', 'kepler90-q5', 'wasp126-s1', 'wasp126-s1-full'] as const;
export type TlsCase = (typeof TLS_CASES)[number];

function csv(name: TlsCase, file: string): number[][] {
  const lines = readFileSync(path.join(TLS_REFERENCE, name, file), 'utf8').trim().split('\n');
  return lines.slice(1).map((l) => l.split(',').map(Number));
}

export function referenceInput(name: TlsCase): TlsLightCurve {
  const rows = csv(name, 'input.csv');
  return {
    time: Float64Array.from(rows, (r) => r[0]),
    flux: Float64Array.from(rows, (r) => r[1]),
    fluxErr: Float64Array.from(rows, (r) => r[2]),
  };
}

/** result.json as written (NaN as null). */
export function referenceResult(name: TlsCase): Record<string, number | null | (number | null)[]> {
  return JSON.parse(readFileSync(path.join(TLS_REFERENCE, name, 'result.json'), 'utf8'));
}

export function referenceSpectrum(name: TlsCase): { period: number[]; power: number[]; chi2: number[] } {
  const rows = csv(name, 'spectrum.csv');
  return { period: rows.map((r) => r[0]), power: rows.map((r) => r[1]), chi2: rows.map((r) => r[4]) };
}

export function referencePeriodGrid(name: TlsCase): number[] {
  return csv(name, 'period_grid.csv').map((r) => r[0]);
}

export function referenceDurationGrid(name: TlsCase): { duration: number; width: number; overshoot: number }[] {
  return csv(name, 'duration_grid.csv').map(([duration, width, overshoot]) => ({ duration, width, overshoot }));
}

export function referenceTemplates(name: TlsCase): { maxwidth_in_samples: number; rows: { duration: number; width_in_samples: number; overshoot: number; signal: number[] }[] } {
  return JSON.parse(readFileSync(path.join(TLS_REFERENCE, name, 'templates.json'), 'utf8'));
}

export function referenceSeconds(name: TlsCase): { oneThread: number; twoThreads: number } {
  const s = JSON.parse(readFileSync(path.join(TLS_REFERENCE, name, 'settings.json'), 'utf8'));
  return { oneThread: s.timing_seconds_power_call['use_threads=1'], twoThreads: s.timing_seconds_power_call['use_threads=2'] };
}

/** The box template was used for synthetic-tess-box, the default one elsewhere. */
export const templateOf = (name: TlsCase) => (name === 'synthetic-tess-box' ? 'box' : 'default') as 'box' | 'default';
