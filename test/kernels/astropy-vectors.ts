/** Loads the astropy reference vectors of test/fixtures/bls (made by make_vectors.py). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlsInput, BlsObjective, BlsPeriodogram } from '../../src/lib/search/bls-types.ts';

export const VECTOR_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bls');

export interface AstropyStats {
  period: number;
  duration: number;
  transit_time: number;
  depth: [number, number];
  depth_odd: [number, number];
  depth_even: [number, number];
  depth_half: [number, number];
  depth_phased: [number, number];
  harmonic_amplitude: number;
  harmonic_delta_log_likelihood: number;
  transit_times: number[];
  per_transit_count: number[];
  per_transit_log_likelihood: number[];
}

interface CaseRecord {
  name: string;
  source: string;
  file: string;
  arrays: Record<string, [number, number]>;
  durations: number[];
  objective: BlsObjective;
  oversample: number;
  autoperiod: { minimum_period?: number; maximum_period?: number; frequency_factor?: number; minimum_n_transit?: number };
  best_index: number;
  stats: AstropyStats;
}

/** astropy's result arrays, named as our BlsPeriodogram fields. */
export type AstropyResult = Omit<BlsPeriodogram, 'objective'>;

export interface AstropyCase extends Omit<CaseRecord, 'arrays' | 'file'> {
  input: BlsInput;
  result: AstropyResult;
}

export const RESULT_FIELDS = ['power', 'depth', 'depthErr', 'duration', 'transitTime', 'depthSnr', 'logLikelihood'] as const;
const PYTHON_NAMES: Record<string, string> = { depthErr: 'depth_err', transitTime: 'transit_time', depthSnr: 'depth_snr', logLikelihood: 'log_likelihood' };

export const vectorIndex = JSON.parse(readFileSync(path.join(VECTOR_DIR, 'vectors.json'), 'utf8')) as {
  versions: Record<string, string>;
  cases: CaseRecord[];
};

export function loadCase(record: CaseRecord): AstropyCase {
  const bytes = readFileSync(path.join(VECTOR_DIR, record.file));
  const all = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const get = (key: string) => {
    const [offset, length] = record.arrays[key];
    return all.slice(offset, offset + length);
  };
  const result = { period: get('period') } as AstropyResult;
  for (const f of RESULT_FIELDS) result[f] = get(PYTHON_NAMES[f] ?? f);
  const { arrays: _a, file: _f, ...rest } = record;
  return { ...rest, input: { time: get('time'), flux: get('flux'), fluxErr: record.arrays.flux_err ? get('flux_err') : null }, result };
}

export const astropyCases = (): AstropyCase[] => vectorIndex.cases.map(loadCase);
