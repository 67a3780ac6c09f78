/**
 * The app's own job store for `run`, kept on disk by the checkpoint log.
 *
 * The store is the app's `IdbJobStore` on an in-memory IndexedDB (fake-indexeddb): the runner, the
 * CSV export and every store method the app gains (retries, attempts, ...) work in the CLI exactly as
 * in the browser, with nothing to reimplement. What makes it durable is a journal around it: every
 * call that is not a known read is appended to the checkpoint log, with fsync, once the store has
 * accepted it and before its caller goes on; at start the log's calls are replayed, in order, on a
 * fresh job made from the same sample list. An unknown method is journaled by default: replaying a
 * read changes nothing, while forgetting a write would lose it.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { AppError } from '../../lib/errors.ts';
import { openJobsDb } from '../../lib/jobs/db.ts';
import { IdbJobStore, type JobStore } from '../../lib/jobs/store.ts';
import type { JobRecord } from '../../lib/jobs/types.ts';
import type { SampleList } from '../../lib/samples/index.ts';
import type { SearchSettings } from '../../lib/search/settings.ts';
import { CHECKPOINT_KIND, CHECKPOINT_VERSION, CheckpointLog, fingerprintDifferences, type CheckpointEntry, type CheckpointFingerprint } from './checkpoint.ts';

/** JobStore methods that change nothing; every other method is journaled. */
export const STORE_READS: ReadonlySet<string> = new Set(['getJob', 'latestJob', 'listJobs', 'samples', 'targets', 'pendingTargets']);

/** Where journaled calls go (the checkpoint log; a list in tests). */
export interface Journal {
  append(entry: CheckpointEntry, key?: string): void;
}

/**
 * `store` with every call outside STORE_READS appended to `journal` after it succeeded. A journal
 * that fails throws from the call, so the runner stops on a storage error as it would in the app.
 */
export function journaled<S extends object>(store: S, journal: Journal): S {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor' || STORE_READS.has(prop)) return value;
      return async (...args: unknown[]) => {
        const out: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args);
        journal.append({ method: prop, args }, typeof args[1] === 'string' ? args[1] : undefined);
        return out;
      };
    },
  });
}

export interface CheckpointedJob {
  store: JobStore;
  job: JobRecord;
  log: CheckpointLog;
  /** Store calls replayed from an earlier run. */
  replayed: number;
  /** True when the last line of the log had been cut short (a kill mid-write) and was dropped. */
  repairedTail: boolean;
}

/**
 * Creates the job for `list` in a fresh in-memory store, opens (or creates) the checkpoint at
 * `file`, refuses a checkpoint written for another list, shard or settings, and replays it.
 */
export async function openCheckpointedJob(file: string, list: SampleList, settings: SearchSettings, fingerprint: CheckpointFingerprint): Promise<CheckpointedJob> {
  const raw = new IdbJobStore(await openJobsDb(new IDBFactory()));
  const created = await raw.createJob(list, settings);
  const log = CheckpointLog.open(file, {
    kind: CHECKPOINT_KIND,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    jobId: created.id,
    fingerprint,
  });
  try {
    const differences = fingerprintDifferences(log.header.fingerprint, fingerprint);
    if (differences.length > 0) {
      throw new AppError(
        'invalid-settings',
        `the checkpoint ${file} belongs to another run: ${differences.join('; ')}. Run with the same list and settings to continue it, ` +
          'or delete it (or choose another --out) to start over',
      );
    }
    const oldId = log.header.jobId;
    for (const [i, entry] of log.entries.entries()) {
      const method = (raw as unknown as Record<string, unknown>)[entry.method];
      if (typeof method !== 'function') {
        throw new AppError('storage-failed', `${file}, line ${i + 2}: the store has no method "${entry.method}" (a checkpoint of another version?)`);
      }
      await (method as (...a: unknown[]) => unknown).apply(raw, entry.args.map((a) => (a === oldId ? created.id : a)));
    }
    const job = await raw.getJob(created.id);
    if (!job) throw new AppError('storage-failed', 'the job vanished from the in-memory store');
    // Every line names the job by the log's own id, whichever run wrote it.
    const journal: Journal = { append: (entry, key) => log.append({ ...entry, args: entry.args.map((a) => (a === created.id ? oldId : a)) }, key) };
    return { store: journaled(raw, journal), job, log, replayed: log.entries.length, repairedTail: log.repairedTail };
  } catch (err) {
    log.close();
    throw err;
  }
}
