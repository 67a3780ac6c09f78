/**
 * Jobs of light-curve files from the user's disk, without MAST: files of the same star (from their
 * headers) are stitched into one target; the files are stored with the job so that it resumes after
 * a reload; the runner reads them through `LocalFileSource`.
 */
import { AppError, toAppError } from '../errors.ts';
import { lightCurveIdentity } from '../lightcurve/index.ts';
import type { LightCurveFile } from '../lightcurve/file.ts';
import type { TargetResult } from '../search/result.ts';
import type { SearchSettings } from '../search/settings.ts';
import { formatTarget, targetKey, type Mission } from '../target.ts';
import type { LightCurveSource } from './runner.ts';
import type { JobRecord, LocalFileRecord, SampleRecord, TargetRecord } from './types.ts';

export interface LocalFile {
  name: string;
  bytes: ArrayBuffer;
}

/** One file's star, or why it cannot be used. */
export type FileIdentity = { name: string; mission: Mission; targetId: number; segment: number | null } | { name: string; problem: string };

export function identifyFile(file: LocalFile): FileIdentity {
  try {
    const id = lightCurveIdentity(file.bytes, file.name);
    if (id.targetId === null) return { name: file.name, problem: `${file.name}: the headers name no TIC, KIC or EPIC id (TICID, KEPLERID or OBJECT), so its star is unknown` };
    return { name: file.name, mission: id.mission, targetId: id.targetId, segment: id.segment };
  } catch (err) {
    return { name: file.name, problem: toAppError(err, 'fits-invalid').message };
  }
}

const LOCAL_COLUMNS = ['target', 'light_curve_files'];

/**
 * The records of a local-files job: one input row per star (its files in segment order) and one per
 * file that cannot be read, which stays in the CSV as failed with the reason.
 */
export function localJobRecords(ids: FileIdentity[], settings: SearchSettings, id: string, now = Date.now(), fileName = 'local light curves') {
  const stars = new Map<string, { mission: Mission; targetId: number; files: Array<{ name: string; segment: number | null }> }>();
  const bad: Array<{ name: string; problem: string }> = [];
  for (const f of ids) {
    if ('problem' in f) {
      bad.push(f);
      continue;
    }
    const key = targetKey({ mission: f.mission, id: f.targetId });
    const star = stars.get(key) ?? { mission: f.mission, targetId: f.targetId, files: [] };
    star.files.push({ name: f.name, segment: f.segment });
    stars.set(key, star);
  }
  const samples: SampleRecord[] = [];
  const targets: TargetRecord[] = [];
  for (const [key, star] of stars) {
    star.files.sort((a, b) => (a.segment ?? 0) - (b.segment ?? 0) || a.name.localeCompare(b.name));
    const index = samples.length;
    const target = { mission: star.mission, id: star.targetId };
    const names = star.files.map((f) => f.name);
    const workKey = `${key}|local`;
    samples.push({ jobId: id, index, line: index + 1, values: [formatTarget(target), names.join(' ')], targetKey: workKey });
    targets.push({ jobId: id, key: workKey, order: index, target, localFiles: names, status: 'pending' });
  }
  for (const b of bad) {
    const index = samples.length;
    samples.push({ jobId: id, index, line: index + 1, values: ['', b.name], problem: b.problem });
  }
  const job: JobRecord = {
    id,
    createdAt: now,
    fileName,
    format: 'ours',
    columns: LOCAL_COLUMNS,
    nSamples: samples.length,
    nInvalid: bad.length,
    nTargets: targets.length,
    done: 0,
    failed: 0,
    settings,
    source: 'local',
  };
  if (targets.length === 0) job.finishedAt = now;
  return { job, samples, targets };
}

/** The records of a local-files job and its files (the store writes them in one transaction). */
export function localJobFiles(files: LocalFile[], settings: SearchSettings, id: string) {
  if (files.length === 0) throw new AppError('invalid-input', 'no light-curve files were given');
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new AppError('invalid-input', `two files are named ${f.name}: give each file once`);
    names.add(f.name);
  }
  const label = files.length === 1 ? files[0].name : `${files.length} light-curve files`;
  const records = localJobRecords(files.map(identifyFile), settings, id, Date.now(), label);
  const localFiles: LocalFileRecord[] = files.map((f) => ({ jobId: id, name: f.name, bytes: f.bytes }));
  return { ...records, localFiles };
}

/** The runner's source for a job whose targets name local files; other targets go to `fallback`. */
export class LocalFileSource implements LightCurveSource {
  constructor(
    private readonly store: { localFile(jobId: string, name: string): Promise<LocalFileRecord | undefined> },
    private readonly fallback: LightCurveSource,
  ) {}

  get keepsCleaned(): boolean {
    return this.fallback.keepsCleaned === true;
  }

  async fetchFiles(target: TargetRecord, signal: AbortSignal, hints?: { qualityMask?: string }): Promise<LightCurveFile[]> {
    if (!target.localFiles || target.localFiles.length === 0) return this.fallback.fetchFiles(target, signal, hints);
    return readLocalFiles(this.store, target);
  }

  storeCleaned(items: NonNullable<TargetResult['cleaned']>): Promise<void> {
    return this.fallback.storeCleaned?.(items) ?? Promise.resolve();
  }
}

export async function readLocalFiles(store: { localFile(jobId: string, name: string): Promise<LocalFileRecord | undefined> }, target: TargetRecord): Promise<LightCurveFile[]> {
  return Promise.all(
    (target.localFiles ?? []).map(async (name) => {
      const record = await store.localFile(target.jobId, name);
      if (!record) throw new AppError('no-light-curve', `${name} is no longer stored with this job (its files were removed from the browser's storage)`);
      return { name, bytes: record.bytes, ...(target.target ? { mission: target.target.mission } : {}) };
    }),
  );
}
