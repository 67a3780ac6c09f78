/**
 * The `run` command's checkpoint: an append-only log beside the output, one line per change to the
 * job store, each written and fsync'ed before the change counts as stored. A run killed at any
 * moment (kill -9, a node that dies, a Slurm time limit) loses at most the targets in flight.
 *
 * Line 1 is a header saying which sample list, shard and settings the log belongs to; every other
 * line is one store call: `{"m": method, "k": target key (for people reading the file), "t": time,
 * "a": base64 of the arguments in V8's structured-clone format}`. Structured clone is what
 * IndexedDB stores in the app, so NaN, ±Infinity, -0 and typed arrays come back exactly; JSON would
 * turn NaN into null. A line cut short by a kill is dropped when the log is reopened (and cut off the
 * file, so the next line starts clean); a damaged line anywhere else stops the run with its number.
 */
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { AppError } from '../../lib/errors.ts';

export const CHECKPOINT_KIND = 'transit-features checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What a log belongs to; a rerun must match it exactly, or its results would answer another question. */
export interface CheckpointFingerprint {
  /** SHA-256 of the sample list's text. */
  samplesSha256: string;
  samplesFile: string;
  /** `K/N`, or null for the whole list. */
  shard: string | null;
  /** Everything else that changes a result (search settings, product choice), as plain JSON. */
  settings: Record<string, unknown>;
}

export interface CheckpointHeader {
  kind: typeof CHECKPOINT_KIND;
  version: number;
  createdAt: string;
  /** The job id the logged calls name; a reopened log's calls are replayed on a new job. */
  jobId: string;
  fingerprint: CheckpointFingerprint;
}

export interface CheckpointEntry {
  method: string;
  args: unknown[];
}

/** `RESULTS.csv` → `RESULTS.csv.checkpoint`. */
export function checkpointPath(out: string): string {
  return `${out}.checkpoint`;
}

/** What differs between a log's fingerprint and this run's, in words; empty when they match. */
export function fingerprintDifferences(stored: CheckpointFingerprint, now: CheckpointFingerprint): string[] {
  const out: string[] = [];
  if (stored.samplesSha256 !== now.samplesSha256) out.push(`the sample list's content (it was ${stored.samplesFile})`);
  if (stored.shard !== now.shard) out.push(`the shard (it was ${stored.shard ?? 'none'}, now ${now.shard ?? 'none'})`);
  const keys = new Set([...Object.keys(stored.settings), ...Object.keys(now.settings)]);
  for (const key of [...keys].sort()) {
    const a = JSON.stringify(stored.settings[key]);
    const b = JSON.stringify(now.settings[key]);
    if (a !== b) out.push(`${key} (it was ${a ?? 'unset'}, now ${b ?? 'unset'})`);
  }
  return out;
}

export class CheckpointLog {
  private constructor(
    readonly file: string,
    private fd: number,
    readonly header: CheckpointHeader,
    /** The calls found in the file when it was opened, in order. */
    readonly entries: CheckpointEntry[],
    /** True when a cut-short last line was dropped. */
    readonly repairedTail: boolean,
  ) {}

  /**
   * Opens the log at `file`, creating it with `header` when absent. An existing log keeps its own
   * header (its job id names the logged calls); the caller compares fingerprints.
   */
  static open(file: string, header: CheckpointHeader): CheckpointLog {
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storage(`cannot read the checkpoint ${file}`, err);
    }
    // No whole line yet: the first run was killed before its header was down. Start it again.
    if (text === null || !text.includes('\n')) return CheckpointLog.create(file, header);
    const { stored, entries, goodBytes } = parse(text, file);
    let fd: number;
    try {
      fd = openSync(file, 'r+');
      const repaired = goodBytes < Buffer.byteLength(text);
      if (repaired) {
        ftruncateSync(fd, goodBytes);
        fsyncSync(fd);
      }
      closeSync(fd);
      fd = openSync(file, 'a');
      return new CheckpointLog(file, fd, stored, entries, repaired);
    } catch (err) {
      throw storage(`cannot open the checkpoint ${file} for writing`, err);
    }
  }

  private static create(file: string, header: CheckpointHeader): CheckpointLog {
    try {
      const fd = openSync(file, 'w');
      writeSync(fd, `${JSON.stringify(header)}\n`);
      fsyncSync(fd);
      // The new file's name must survive a crash too.
      const dir = openSync(path.dirname(path.resolve(file)), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
      return new CheckpointLog(file, fd, header, [], false);
    } catch (err) {
      throw storage(`cannot create the checkpoint ${file}`, err);
    }
  }

  /** Appends one call and waits until it is on disk. Synchronous, so lines keep the order of the calls. */
  append(entry: CheckpointEntry, key?: string): void {
    const line = JSON.stringify({ m: entry.method, ...(key ? { k: key } : {}), t: Date.now(), a: serialize(entry.args).toString('base64') });
    try {
      writeSync(this.fd, `${line}\n`);
      fdatasyncSync(this.fd);
    } catch (err) {
      throw storage(`cannot write the checkpoint ${this.file}`, err);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

function parse(text: string, file: string): { stored: CheckpointHeader; entries: CheckpointEntry[]; goodBytes: number } {
  const lines = text.split('\n');
  // Everything after the last newline is a line the writer did not finish.
  const complete = lines.slice(0, -1);
  const tail = lines[lines.length - 1];
  const goodBytes = Buffer.byteLength(text) - Buffer.byteLength(tail);
  let stored: CheckpointHeader;
  try {
    stored = JSON.parse(complete[0] ?? '') as CheckpointHeader;
  } catch {
    throw new AppError('storage-failed', `${file} is not a checkpoint of this program (line 1 is not its header); delete it or choose another --out`);
  }
  if (stored?.kind !== CHECKPOINT_KIND) {
    throw new AppError('storage-failed', `${file} is not a checkpoint of this program (line 1 is not its header); delete it or choose another --out`);
  }
  if (stored.version !== CHECKPOINT_VERSION) {
    throw new AppError('storage-failed', `${file} is a version ${stored.version} checkpoint; this program reads version ${CHECKPOINT_VERSION}`);
  }
  const entries: CheckpointEntry[] = [];
  for (let i = 1; i < complete.length; i++) {
    try {
      const line = JSON.parse(complete[i]) as { m: string; a: string };
      if (typeof line.m !== 'string' || typeof line.a !== 'string') throw new Error('no method or arguments');
      const args = deserialize(Buffer.from(line.a, 'base64')) as unknown[];
      if (!Array.isArray(args)) throw new Error('the arguments are not a list');
      entries.push({ method: line.m, args });
    } catch (err) {
      // A kill cuts only the unfinished last line (no newline yet); a whole line that does not read is damage.
      throw new AppError('storage-failed', `${file}, line ${i + 1}, is damaged (${(err as Error).message}); delete the checkpoint to start over`);
    }
  }
  return { stored, entries, goodBytes };
}

function storage(what: string, err: unknown): AppError {
  return new AppError('storage-failed', `${what}: ${(err as Error).message}`);
}
