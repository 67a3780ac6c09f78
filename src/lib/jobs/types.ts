import type { SampleFormat, StarParams } from '../samples/index.ts';
import type { CatalogValues } from '../search/input-columns.ts';
import type { SearchSettings } from '../search/settings.ts';

export type { CatalogValues };
import type { TargetResult } from '../search/result.ts';
import type { Mission, TargetId } from '../target.ts';

/** A job: one uploaded sample list, its settings and its progress counters. */
export interface JobRecord {
  id: string;
  createdAt: number;
  fileName: string;
  format: SampleFormat;
  columns: string[];
  /** Data rows in the file (valid or not). */
  nSamples: number;
  nInvalid: number;
  /** Distinct stars (or explicit light-curve sets) to search. */
  nTargets: number;
  /** Targets finished `ok` / `failed`; updated in the same transaction as each result. */
  done: number;
  failed: number;
  settings: SearchSettings;
  finishedAt?: number;
  /** `local`: the light curves are files the user gave, kept in the `localFiles` store (issue 14). */
  source?: 'local';
  /** The name shown in the jobs list; the file's name until renamed (schema 2). */
  name?: string;
  /**
   * Approximate bytes the job's records take in storage: the length of their JSON text, kept up to
   * date with every write (schema 2). The browser's own encoding and compression differ.
   */
  bytes?: number;
  /**
   * What the user last asked for: `run` from Start or Resume until Pause. A tab that watches a job
   * takes it over when the running tab goes away only while this says `run`.
   */
  runIntent?: 'run' | 'pause';
  /** Where the job came from when it did not come from a sample list of this browser. */
  origin?: JobOrigin;
}

/** A job duplicated from another (with other search settings) or imported from an export file. */
export type JobOrigin =
  | { kind: 'duplicate'; jobId: string; name: string }
  | { kind: 'import'; fileName: string; exportedAt: number; appVersion: string };

/** The name a job is shown by. */
export function jobName(job: JobRecord): string {
  return job.name ?? job.fileName;
}

/** One input row, kept verbatim for the output CSV. */
export interface SampleRecord {
  jobId: string;
  index: number;
  line: number;
  values: string[];
  /** The work unit this row maps to; absent for invalid rows. */
  targetKey?: string;
  problem?: string;
  /** This row's own catalogue values (the `input_*` columns). */
  catalog?: CatalogValues;
}

export type TargetState = 'pending' | 'ok' | 'failed';

/** One unit of work: a star (or a set of explicit light-curve URLs); several rows may share it. */
export interface TargetRecord {
  jobId: string;
  key: string;
  /** Index of the first sample row naming it, so work is handed out in input order. */
  order: number;
  /** The star's catalogue id; absent for a star given by name until MAST resolves it. */
  target?: TargetId;
  /** A star given by name (`Kepler-10`), with the mission column's value when there was one. */
  name?: string;
  nameMission?: Mission;
  lightcurveUrls?: string[];
  /** Names of this job's local files (store `localFiles`) that hold the star's light curves. */
  localFiles?: string[];
  /** Stellar parameters from the first row naming the star (for stellar priors). */
  star?: StarParams;
  /** Catalogue values of the first row naming the star (never used to steer a blind search). */
  catalog?: CatalogValues;
  /** Every row naming the star that carries a catalogue period: each gets its own `cat_*` columns. */
  candidates?: Array<{ row: number; catalog: CatalogValues }>;
  status: TargetState;
  result?: TargetResult;
  finishedAt?: number;
  /**
   * Runs of this target that came to an end: each stored outcome and each worker failure counts one;
   * work abandoned by a pause, a closed tab or an outage does not. Absent on records of earlier
   * versions (0 when pending, 1 when finished).
   */
  attempts?: number;
  /** Analyses that crashed, trapped or timed out a worker; at MAX_WORKER_FAILURES the target is failed. */
  workerFailures?: number;
}

/** A light-curve file given from the user's disk (a local-files job), kept with the job. */
export interface LocalFileRecord {
  jobId: string;
  name: string;
  bytes: ArrayBuffer;
}

export interface JobProgress {
  total: number;
  done: number;
  failed: number;
  remaining: number;
}

export function jobProgress(job: JobRecord): JobProgress {
  return { total: job.nTargets, done: job.done, failed: job.failed, remaining: job.nTargets - job.done - job.failed };
}
