import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../../lib/errors.ts';
import { jobCsv } from '../../lib/jobs/export.ts';
import { JobRunner, type AnalysisPool } from '../../lib/jobs/runner.ts';
import type { RetryChoice } from '../../lib/jobs/failures.ts';
import { namespacedCache } from '../../lib/jobs/lc-cache-namespace.ts';
import type { OutageStatus } from '../../lib/jobs/outage.ts';
import { DEFAULT_RUN_LIMITS, validateRunLimits, type RunLimits } from '../../lib/jobs/run-limits.ts';
import { NetworkSource, type SourceStats } from '../../lib/jobs/source.ts';
import type { JobStore } from '../../lib/jobs/store.ts';
import type { JobRecord } from '../../lib/jobs/types.ts';
import {
  cacheNamespace,
  DEFAULT_MAST_CONFIG,
  DEFAULT_NETWORK_SETTINGS,
  normalizeBaseUrl,
  TESS_AUTHORS,
  validateNetworkSettings,
  type MastConfig,
  type NetworkSettings,
  type TessAuthor,
} from '../../lib/mast/index.ts';
import type { KernelTarget } from '../../lib/kernels/node.ts';
import { readSampleFile, type SampleList } from '../../lib/samples/index.ts';
import type { SearchSettings } from '../../lib/search/settings.ts';
import { nodeAnalysisWorker } from '../../lib/workers/node-thread.ts';
import { WorkerPool } from '../../lib/workers/pool.ts';
import { choiceOption, numberOption, parse, UsageError } from '../args.ts';
import { checkpointPath } from '../run/checkpoint.ts';
import { openCheckpointedJob } from '../run/checkpoint-store.ts';
import { DiskLightCurveCache } from '../run/disk-cache.ts';
import { fileAwareFetch } from '../run/file-fetch.ts';
import { formatDuration, outageMessage, ProgressReporter, targetLabel } from '../run/progress.ts';
import { formatShard, parseShard, selectShard, shardCsv, type Shard } from '../run/shard.ts';
import { ANALYSIS_OPTIONS, ANALYSIS_USAGE, CATALOG_OPTIONS, CATALOG_USAGE, searchSettingsFrom } from '../settings.ts';

export const RUN_USAGE = `  cli run SAMPLES.csv --out RESULTS.csv [--mast BASE] [--workers N] [--downloads N] [--prefetch N]
          [--cache DIR] [--shard K/N] [--tess-authors SPOC,TESS-SPOC,QLP] [--segments N]
          [--lightcurve-base DIR|URL] [--retry-failed transient|all]
          [--analysis-max-seconds S] [--request-timeout S]
          ${ANALYSIS_USAGE.replace(/\n\s*/g, '\n          ')} ${CATALOG_USAGE}
      The app's job without the browser: the same sample-list parser, MAST client, runner, retries and
      worker pool (threads), with the app's defaults; RESULTS.csv has the columns and row order of the
      app's Download CSV. Finished targets go to RESULTS.csv.checkpoint at once (fsync'ed): run the same
      command again to continue after a crash, kill or time limit. --mast BASE replaces every MAST host
      (as the page's ?mast=); --cache DIR keeps light curves on disk for later runs; --shard K/N takes
      a deterministic share (0 <= K < N, every row of a star in one shard) for an array job, whose
      parts "merge" joins. A lightcurve_url that is a path is read relative to --lightcurve-base
      (default: the sample list's folder), from disk unless the base is a URL. --retry-failed runs
      the checkpoint's failed targets again (transient: network and worker failures only; all).
      As in the app, MAST being unreachable pauses the run (the targets stay pending) until it
      answers; time limits as the app's Settings (1800 s per analysis, 120 s per request). Workers default to SLURM_CPUS_PER_TASK, else the machine's cores.
      Rows with a catalogue period get cat_* columns measured at their ephemeris unless --no-catalog;
      --catalog-window F (default 0.01) is the local search's half width, a fraction of the period.
      Exit status 0 when every row ended (ok or failed), 1 when the run could not go on.`;

const RUN_OPTIONS = {
  ...ANALYSIS_OPTIONS,
  ...CATALOG_OPTIONS,
  out: { type: 'string' },
  mast: { type: 'string' },
  workers: { type: 'string' },
  downloads: { type: 'string' },
  prefetch: { type: 'string' },
  cache: { type: 'string' },
  shard: { type: 'string' },
  'tess-authors': { type: 'string' },
  segments: { type: 'string' },
  'lightcurve-base': { type: 'string' },
  'retry-failed': { type: 'string' },
  'analysis-max-seconds': { type: 'string' },
  'request-timeout': { type: 'string' },
} as const;

export interface CommandContext {
  /** The URL of the CLI's entry module: worker threads start it again in the analysis role. */
  entry: string;
}

function wholeOption(value: unknown, name: string, min: number): number | undefined {
  const n = numberOption(value, name);
  if (n !== undefined && !(Number.isInteger(n) && n >= min)) throw new UsageError(`--${name} must be a whole number >= ${min}, not "${String(value)}"`);
  return n;
}

/** The app's default worker count is the machine's cores; inside a Slurm task, the cores it was given. */
function defaultWorkers(): number {
  const slurm = Number(process.env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(slurm) && slurm > 0 ? slurm : os.availableParallelism();
}

function networkFrom(values: Record<string, unknown>): NetworkSettings {
  const n: NetworkSettings = structuredClone({ ...DEFAULT_NETWORK_SETTINGS });
  const downloads = wholeOption(values.downloads, 'downloads', 1);
  if (downloads !== undefined) n.downloadConcurrency = downloads;
  const prefetch = wholeOption(values.prefetch, 'prefetch', 0);
  if (prefetch !== undefined) n.prefetchLimit = prefetch;
  const segments = wholeOption(values.segments, 'segments', 0);
  if (segments !== undefined) n.segmentLimit = segments;
  if (typeof values['tess-authors'] === 'string') {
    const authors = values['tess-authors'].split(',').map((a) => a.trim().toUpperCase());
    for (const a of authors) if (!TESS_AUTHORS.includes(a as TessAuthor)) throw new UsageError(`--tess-authors: "${a}" is not one of ${TESS_AUTHORS.join(', ')}`);
    n.tessAuthors = authors as TessAuthor[];
  }
  // The CLI's cache is on disk (--cache) and has no size cap; the browser's cap does not apply.
  return validateNetworkSettings(n);
}

/** Where a relative `lightcurve_url` points: a URL, or a folder (default: the sample list's). */
function lightcurveBase(value: unknown, samplesPath: string): string {
  if (typeof value !== 'string') return pathToFileURL(path.resolve(samplesPath)).href;
  if (/^(https?|file):\/\//i.test(value)) return value.endsWith('/') ? value : `${value}/`;
  return `${pathToFileURL(path.resolve(value)).href}/`;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** The CSV as the app's Download CSV writes it; a shard's gets the columns `merge` needs in front. */
async function resultsCsv(store: JobStore, job: JobRecord, list: SampleList, shard: Shard | null, totalRows: number): Promise<string> {
  const [samples, targets] = await Promise.all([store.samples(job.id), store.targets(job.id)]);
  const csv = jobCsv(job, samples, targets);
  return shard ? shardCsv(csv, list.rows, shard, totalRows) : csv;
}

/** Everything `run` was asked to do, checked. */
interface RunRequest {
  samplesPath: string;
  out: string;
  shard: Shard | null;
  workers: number;
  kernel: KernelTarget;
  settings: SearchSettings;
  network: NetworkSettings;
  mast: MastConfig;
  cache: string | null;
  lightcurveBase: string;
  retryFailed: RetryChoice | null;
  limits: RunLimits;
}

function runRequest(argv: string[]): RunRequest {
  const { values, positionals } = parse(argv, RUN_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('run takes exactly one sample list');
  if (typeof values.out !== 'string' || values.out === '') throw new UsageError('run needs --out RESULTS.csv');
  if (values.engine !== 'wasm') throw new UsageError('run uses the WASM kernels (--engine wasm)');
  if (values.format !== 'json' && values.format !== 'csv') throw new UsageError('run writes CSV (--format csv)');
  let shard: Shard | null = null;
  if (values.shard !== undefined) {
    shard = parseShard(String(values.shard));
    if (!shard) throw new UsageError(`--shard must be K/N with 0 <= K < N (e.g. 0/4 … 3/4), not "${String(values.shard)}"`);
  }
  let mast: MastConfig = DEFAULT_MAST_CONFIG;
  if (values.mast !== undefined) {
    // One base for every host, as the page's ?mast= (the stand-in, a relay or a mirror serves them all).
    let base: string;
    try {
      base = normalizeBaseUrl('--mast', String(values.mast));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    mast = { ...DEFAULT_MAST_CONFIG, apiBase: base, downloadBase: base, archiveBase: base, cloudBase: base };
  }
  return {
    samplesPath: positionals[0],
    out: path.resolve(values.out),
    shard,
    workers: wholeOption(values.workers, 'workers', 1) ?? defaultWorkers(),
    kernel: choiceOption(values.kernel, 'kernel', ['release', 'debug'] as const) ?? 'release',
    settings: searchSettingsFrom(values),
    network: networkFrom(values),
    mast,
    cache: typeof values.cache === 'string' ? values.cache : null,
    lightcurveBase: lightcurveBase(values['lightcurve-base'], positionals[0]),
    retryFailed: choiceOption(values['retry-failed'], 'retry-failed', ['transient', 'all'] as const) ?? null,
    limits: validateRunLimits({
      analysisMaxSeconds: wholeOption(values['analysis-max-seconds'], 'analysis-max-seconds', 1) ?? DEFAULT_RUN_LIMITS.analysisMaxSeconds,
      requestTimeoutSeconds: wholeOption(values['request-timeout'], 'request-timeout', 1) ?? DEFAULT_RUN_LIMITS.requestTimeoutSeconds,
    }),
  };
}

/** How the runner's pass ended, as far as the exit status is concerned. */
interface PassEnd {
  error?: AppError;
  /** The first requests got no answer: the run stopped before anything was done. */
  refused?: boolean;
  signal?: NodeJS.Signals;
  stats?: SourceStats;
}

/** Runs the job's pending targets to the end, or until a signal; the pool is gone when it returns. */
async function runPending(request: RunRequest, store: JobStore, job: JobRecord, progress: ProgressReporter, entry: string): Promise<PassEnd> {
  const end: PassEnd = {};
  let outage: OutageStatus['kind'] = 'clear';
  const pool = new WorkerPool(Math.max(1, request.workers), () => nodeAnalysisWorker(entry, request.kernel), {
    limits: { capSeconds: request.limits.analysisMaxSeconds },
  });
  const cacheErrors = new Set<string>();
  const source = new NetworkSource(() => request.mast, fileAwareFetch, request.lightcurveBase, {
    deps: { timeoutMs: request.limits.requestTimeoutSeconds * 1000 },
    network: () => request.network,
    // As in the app: files another host served (the stand-in, a mirror) are cached apart from MAST's.
    cache: request.cache === null ? null : DiskLightCurveCache.open(request.cache).then((c) => namespacedCache(c, cacheNamespace(request.mast))),
    onCacheError: (err) => {
      if (cacheErrors.has(err.message)) return;
      cacheErrors.add(err.message);
      progress.message(`light-curve cache not used for a file: ${err.message}`);
    },
  });
  end.stats = source.stats;
  // The plot summaries feed the page's target view; the CLI has none, and they would make each
  // checkpoint line about five times longer (20 KB instead of 4 for a TESS sector).
  const withoutSummaries: AnalysisPool = {
    size: pool.size,
    analyze: async (...args) => {
      const { summary: _summary, ...result } = await pool.analyze(...args);
      return result;
    },
  };
  const runner = new JobRunner(
    store,
    source,
    withoutSummaries,
    {
      onResult: (j, target, result) => progress.result(j, target, result),
      onWorkerFailure: (_j, target, error, final) => {
        if (!final) progress.message(`${targetLabel(target)}: ${error.name} (${error.message}); it will be tried once more`);
      },
      onOutage: (status) => {
        const said = outageMessage(status, outage);
        outage = status.kind;
        if (said) progress.message(said);
        if (status.kind === 'first-request-failed') end.refused = true;
      },
      onStop: (_reason, error) => {
        if (error) end.error = error;
      },
    },
    { downloads: request.network.downloadConcurrency, prefetch: request.network.prefetchLimit || undefined },
  );
  const onSignal = (signal: NodeJS.Signals) => {
    if (end.signal) process.exit(exitStatusOf(signal));
    end.signal = signal;
    progress.message(`${signal}: stopping; finished targets are in the checkpoint, the rest stay pending (${signal === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} quits at once)`);
    runner.dispose();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runner.run(job.id);
  } finally {
    pool.terminate();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return end;
}

const exitStatusOf = (signal: NodeJS.Signals) => (signal === 'SIGINT' ? 130 : 143);

export async function runCommand(argv: string[], context: CommandContext): Promise<number> {
  const request = runRequest(argv);
  const { samplesPath, out, shard } = request;
  let bytes: Buffer;
  try {
    bytes = await readFile(samplesPath);
  } catch (err) {
    throw new AppError('invalid-sample-file', `cannot read the sample list ${samplesPath}: ${(err as Error).message}`);
  }
  // Read as the page reads a picked file; the CLI runs on the user's own machine, as the page of
  // `npm start` does, so light-curve URLs on this machine or its network are allowed.
  const whole = readSampleFile(bytes, path.basename(samplesPath), { loopbackPage: true });
  const list = shard ? selectShard(whole, shard) : whole;

  const progress = new ProgressReporter(process.stderr);
  await mkdir(path.dirname(out), { recursive: true });
  const checkpoint = checkpointPath(out);
  const { store, job: opened, log, replayed, repairedTail } = await openCheckpointedJob(checkpoint, list, request.settings, {
    samplesSha256: createHash('sha256').update(bytes).digest('hex'),
    samplesFile: path.basename(samplesPath),
    shard: shard ? formatShard(shard) : null,
    settings: { ...request.settings, tessAuthors: request.network.tessAuthors, segmentLimit: request.network.segmentLimit },
  });
  const what = `${list.rows.length} rows${shard ? ` (shard ${formatShard(shard)} of ${whole.rows.length})` : ''}, ${opened.nTargets} targets`;
  const resumed = opened.done + opened.failed;
  if (repairedTail) progress.message(`${checkpoint}: dropped its last line, cut short when the previous run was killed`);
  progress.start(opened, resumed > 0 || replayed > 0 ? `${what}: continuing from ${checkpoint} (${resumed} targets already finished)` : `${what}: checkpoint ${checkpoint}`);

  const started = Date.now();
  let end: PassEnd = {};
  try {
    if (request.retryFailed) {
      const { retried } = await store.retryFailed(opened.id, request.retryFailed);
      progress.message(`--retry-failed ${request.retryFailed}: ${retried} failed targets will run again`);
    }
    const job = (await store.getJob(opened.id))!;
    if (job.done + job.failed < job.nTargets) end = await runPending(request, store, job, progress, context.entry);
  } finally {
    log.close();
  }

  const job = (await store.getJob(opened.id))!;
  progress.finish(job);
  await writeAtomically(out, await resultsCsv(store, job, list, shard, whole.rows.length));
  const remaining = job.nTargets - job.done - job.failed;
  const files = end.stats ? `; ${end.stats.networkFiles} files downloaded (${(end.stats.networkBytes / 1e6).toFixed(1)} MB), ${end.stats.cachedFiles} from the cache` : '';
  progress.message(`wrote ${out}: ${list.rows.length} rows; ${job.done} targets ok, ${job.failed} failed, ${remaining} pending; ${formatDuration((Date.now() - started) / 1000)}${files}`);
  if (end.error) {
    progress.message(`the run stopped: ${end.error.name}: ${end.error.message}`);
    return 1;
  }
  if (end.signal) return exitStatusOf(end.signal);
  if (end.refused) return 1;
  if (remaining > 0) {
    progress.message(`${remaining} targets were not finished; run the same command again to continue`);
    return 1;
  }
  return 0;
}
