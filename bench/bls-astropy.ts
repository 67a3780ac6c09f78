/**
 * Runs astropy's BoxLeastSquares (fast method, one thread) on the same arrays in a /usr/bin/python3
 * subprocess, for the BLS benchmarks: the data go through float64 files, astropy's own wall and CPU
 * time of `power` (excluding Python start-up and I/O) come back with the result arrays.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BlsInput, BlsObjective, BlsPeriodogram } from '../src/lib/search/bls-types.ts';

const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys, time
import numpy as np
import astropy
from astropy.timeseries import BoxLeastSquares
d = sys.argv[1]
meta = json.load(open(d + '/meta.json'))
t = np.fromfile(d + '/time.f64', '<f8'); y = np.fromfile(d + '/flux.f64', '<f8')
dy = np.fromfile(d + '/flux_err.f64', '<f8') if meta['dy'] else None
periods = np.fromfile(d + '/period.f64', '<f8')
bls = BoxLeastSquares(t, y, dy)
start, cpu = time.perf_counter(), time.process_time()
r = bls.power(periods, meta['durations'], objective=meta['objective'], oversample=meta['oversample'], method='fast')
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
for f in ['power', 'depth', 'depth_err', 'duration', 'transit_time', 'depth_snr', 'log_likelihood']:
    np.ascontiguousarray(getattr(r, f), '<f8').tofile(d + '/' + f + '.f64')
json.dump({'seconds': seconds, 'cpu': cpu, 'astropy': astropy.__version__}, open(d + '/out.json', 'w'))
`;

/** Whether Debian's python3-astropy is importable. */
export function astropyAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import astropy.timeseries'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface AstropyRun {
  /** Wall-clock and CPU seconds of `power` alone. */
  seconds: number;
  cpuSeconds: number;
  version: string;
  result: Pick<BlsPeriodogram, 'power' | 'depth' | 'depthErr' | 'duration' | 'transitTime' | 'depthSnr' | 'logLikelihood'>;
}

export function runAstropy(input: BlsInput, periods: Float64Array, durations: number[], objective: BlsObjective, oversample: number): AstropyRun {
  const dir = mkdtempSync(path.join(tmpdir(), 'bls-bench-'));
  try {
    const write = (name: string, a: Float64Array) => writeFileSync(path.join(dir, `${name}.f64`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    write('time', input.time);
    write('flux', input.flux);
    if (input.fluxErr) write('flux_err', input.fluxErr);
    write('period', periods);
    writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ dy: input.fluxErr !== null, durations, objective, oversample }));
    execFileSync(PYTHON, ['-c', SCRIPT, dir], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    const read = (name: string) => {
      const b = readFileSync(path.join(dir, `${name}.f64`));
      return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    const out = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as { seconds: number; cpu: number; astropy: string };
    return {
      seconds: out.seconds,
      cpuSeconds: out.cpu,
      version: out.astropy,
      result: {
        power: read('power'),
        depth: read('depth'),
        depthErr: read('depth_err'),
        duration: read('duration'),
        transitTime: read('transit_time'),
        depthSnr: read('depth_snr'),
        logLikelihood: read('log_likelihood'),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const AUTOPOWER_SCRIPT = `
import json, sys, time
import numpy as np
import astropy
from astropy.timeseries import BoxLeastSquares
path, durations = sys.argv[1], json.loads(sys.argv[2])
d = np.loadtxt(path, delimiter=',', skiprows=1)
bls = BoxLeastSquares(d[:, 0], d[:, 1], d[:, 2] if d.shape[1] > 2 else None)
start, cpu = time.perf_counter(), time.process_time()
r = bls.autopower(durations)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
best = int(np.argmax(r.power))
print(json.dumps({'seconds': seconds, 'cpu': cpu, 'astropy': astropy.__version__, 'n_periods': len(r.period),
                  'period': float(r.period[best]), 'power': float(r.power[best])}))
`;

export interface AutopowerRun {
  /** Wall-clock and CPU seconds of `autopower` alone, inside Python (start-up and reading excluded). */
  seconds: number;
  cpuSeconds: number;
  version: string;
  nPeriods: number;
  period: number;
  power: number;
}

/** astropy's `BoxLeastSquares(t, y, dy).autopower(durations)` with its defaults, on a time,flux[,flux_err] CSV. */
export function runAstropyAutopower(csvPath: string, durations: number[]): AutopowerRun {
  const out = execFileSync(PYTHON, ['-c', AUTOPOWER_SCRIPT, csvPath, JSON.stringify(durations)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  const r = JSON.parse(out) as { seconds: number; cpu: number; astropy: string; n_periods: number; period: number; power: number };
  return { seconds: r.seconds, cpuSeconds: r.cpu, version: r.astropy, nPeriods: r.n_periods, period: r.period, power: r.power };
}
