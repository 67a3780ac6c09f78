// `npm run bench -- tls [CASE...]`: our TLS (release kernel, one thread) on the reference cases of
// ../shared/reference/tls, timed against the package's recorded power() times on the same kind of
// machine (transitleastsquares 1.0.31 cannot be installed here). Prints the agreement too, and the
// process CPU time beside the wall time, since other work on the machine inflates the wall time.
import { setFlagsFromString } from 'node:v8';
import { createTlsEngine } from '../src/lib/kernels/tls-kernel.ts';
import { loadTlsKernelBytes } from '../src/lib/kernels/tls-node.ts';
import { prepareTls, searchPeriods, tlsResult } from '../src/lib/search/tls/index.ts';
import { referenceInput, referenceResult, referenceSeconds, TLS_CASES, templateOf, type TlsCase } from '../test/kernels/tls-reference.ts';

export default async function tlsBench(args: string[]): Promise<void> {
  // As in the BLS benchmark: compile the kernel straight to optimised code, so that V8's tier-up
  // does not land inside the first case's timing.
  setFlagsFromString('--no-liftoff');
  const wanted = args.filter((a) => (TLS_CASES as readonly string[]).includes(a)) as TlsCase[];
  const cases = wanted.length > 0 ? wanted : [...TLS_CASES];
  const engine = await createTlsEngine(await loadTlsKernelBytes('release'));
  const header = ['case', 'points', 'periods', 'estimate s', 'ours s', 'ours CPU s', 'package 1T s', 'ratio 1T', 'package 2T s', 'ratio 2T', 'period', 'SDE', 'snr'];
  process.stdout.write(`${header.join(' | ')}\n`);
  let ours = 0;
  let theirs = 0;
  for (const name of cases) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const prepared = prepareTls(referenceInput(name), { template: templateOf(name) });
    const result = tlsResult(prepared, searchPeriods(prepared, engine), engine.version);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const ref = referenceResult(name);
    const pkg = referenceSeconds(name);
    ours += seconds;
    theirs += pkg.oneThread;
    const agree = (mine: number, key: string) => (Math.abs(mine - (ref[key] as number)) / Math.abs(ref[key] as number) < 1e-9 ? 'same' : `${mine} vs ${ref[key]}`);
    process.stdout.write(
      [
        name,
        prepared.plan.nPoints,
        prepared.plan.nPeriods,
        prepared.plan.estimatedSeconds.toFixed(1),
        seconds.toFixed(2),
        cpuSeconds.toFixed(2),
        pkg.oneThread.toFixed(1),
        `${(pkg.oneThread / seconds).toFixed(1)}x`,
        pkg.twoThreads.toFixed(1),
        `${(pkg.twoThreads / seconds).toFixed(1)}x`,
        agree(result.period, 'period'),
        agree(result.SDE, 'SDE'),
        agree(result.snr, 'snr'),
      ].join(' | ') + '\n',
    );
  }
  process.stdout.write(`total: ours ${ours.toFixed(1)} s, package (1 thread) ${theirs.toFixed(1)} s, ratio ${(theirs / ours).toFixed(1)}x\n`);
}
