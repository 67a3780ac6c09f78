import { version as APP_VERSION } from '../../../package.json';
import { AppError } from '../errors.ts';
import { validateSearchSettings, withDefaults } from '../search/settings.ts';
import { DB_VERSION } from './db.ts';
import { extraStores, type JobRecords } from './store.ts';
import type { JobRecord, SampleRecord, TargetRecord } from './types.ts';

/**
 * A whole job in one file, to move it to another browser or machine: gzip (CompressionStream, native
 * in browsers and Node) of JSON lines: a header, the job, its input rows, its targets with their
 * results (attempts, timings, kernel versions and all). Values JSON cannot hold (NaN, ±Infinity, -0,
 * binary arrays) are written as tagged objects so that the records come back exactly as stored, and
 * the CSV after an import is byte-identical to the CSV before the export.
 */
export const EXPORT_FORMAT = 'transit-features-job';
/** Bump when the file's layout changes; a page refuses files of a newer format. */
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  /** The app and the job-database schema that wrote the records. */
  appVersion: string;
  schemaVersion: number;
  exportedAt: number;
  /** Records per store; `extra` counts the job's other stores (`JOB_STORES`). */
  counts: { samples: number; targets: number; extra?: Record<string, number> };
}

type Line =
  | { header: ExportHeader }
  | { job: JobRecord }
  | { sample: SampleRecord }
  | { target: TargetRecord }
  | { store: string; record: { jobId: string } };

/** Lines per chunk handed to the compressor: the page gets a turn between chunks. */
const CHUNK_LINES = 200;

const TYPED_ARRAYS = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** JSON with the values structured clone keeps and JSON does not, tagged `{"$": kind}`. */
function encode(value: Line): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $: 'NaN' };
      if (v === Infinity) return { $: 'Infinity' };
      if (v === -Infinity) return { $: '-Infinity' };
      if (Object.is(v, -0)) return { $: '-0' };
      return v;
    }
    if (v instanceof ArrayBuffer) return { $: 'ArrayBuffer', b64: toBase64(new Uint8Array(v)) };
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name;
      if (!(name in TYPED_ARRAYS)) throw new AppError('storage-failed', `a record holds a ${name}, which an export cannot carry`);
      return { $: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    return v;
  });
}

function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || !('$' in v)) return v;
    const tag = (v as { $: unknown }).$;
    if (tag === 'NaN') return NaN;
    if (tag === 'Infinity') return Infinity;
    if (tag === '-Infinity') return -Infinity;
    if (tag === '-0') return -0;
    const b64 = (v as { b64?: unknown }).b64;
    if (typeof b64 === 'string') {
      const bytes = fromBase64(b64);
      if (tag === 'ArrayBuffer') return bytes.buffer;
      if (typeof tag === 'string' && tag in TYPED_ARRAYS) {
        const Ctor = TYPED_ARRAYS[tag as TypedArrayName];
        return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
    }
    throw new Error(`unknown tagged value ${JSON.stringify(tag)}`);
  });
}

function* lines({ job, samples, targets, extra = {} }: JobRecords, exportedAt: number): Generator<Line> {
  yield {
    header: {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      appVersion: APP_VERSION,
      schemaVersion: DB_VERSION,
      exportedAt,
      counts: {
        samples: samples.length,
        targets: targets.length,
        ...(Object.keys(extra).length > 0 ? { extra: Object.fromEntries(Object.entries(extra).map(([name, r]) => [name, r.length])) } : {}),
      },
    },
  };
  yield { job };
  for (const sample of samples) yield { sample };
  for (const target of targets) yield { target };
  for (const [store, records] of Object.entries(extra)) for (const record of records) yield { store, record };
}

/** The export file of a job, as a gzip-compressed Blob. */
export async function exportJob(records: JobRecords, exportedAt = Date.now()): Promise<Blob> {
  const it = lines(records, exportedAt);
  const encoder = new TextEncoder();
  const source = new ReadableStream<BufferSource>({
    pull(controller) {
      let text = '';
      for (let i = 0; i < CHUNK_LINES; i++) {
        const next = it.next();
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        text += encode(next.value) + '\n';
      }
      controller.enqueue(encoder.encode(text));
    },
  });
  return new Response(source.pipeThrough(new CompressionStream('gzip'))).blob();
}

/** `KOI run.csv` → `KOI run.job.ndjson.gz`. */
export function exportFileName(job: JobRecord): string {
  const stem = (job.name ?? job.fileName).replace(/\.[^.]*$/, '').replace(/[\\/:*?"<>|]+/g, '_').trim() || 'job';
  return `${stem}.job.ndjson.gz`;
}

/** The header and records of an export file; throws `invalid-job-file` saying what is wrong. */
export async function readJobFile(file: Blob, fileName = 'the file'): Promise<{ header: ExportHeader; records: JobRecords }> {
  const bad = (why: string) => new AppError('invalid-job-file', `${fileName} cannot be imported: ${why}`);
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  if (!gzipped && head[0] !== 0x7b /* { : the same lines, uncompressed */) {
    throw bad('it is not a job export of this app (an export is a gzip file written by Export job)');
  }
  let stream: ReadableStream<BufferSource> = file.stream();
  if (gzipped) stream = stream.pipeThrough(new DecompressionStream('gzip'));
  const text = stream.pipeThrough(new TextDecoderStream());

  let header: ExportHeader | undefined;
  let job: JobRecord | undefined;
  const samples: SampleRecord[] = [];
  const targets: TargetRecord[] = [];
  const extra: Record<string, Array<{ jobId: string }>> = {};
  const known = new Set(extraStores().map((s) => s.name));
  let lineNo = 0;
  const take = (line: string) => {
    lineNo++;
    if (!line) return;
    let value: Record<string, unknown>;
    try {
      value = decode(line) as Record<string, unknown>;
    } catch (err) {
      throw bad(lineNo === 1 ? 'it is not a job export of this app' : `line ${lineNo} is not valid (${(err as Error).message})`);
    }
    if (lineNo === 1) {
      header = checkHeader(value?.header, bad);
      return;
    }
    if ('job' in value && !job) job = checkJob(value.job, bad);
    else if ('sample' in value && job) samples.push(checkSample(value.sample, job, lineNo, bad));
    else if ('target' in value && job) targets.push(checkTarget(value.target, job, lineNo, bad));
    else if ('store' in value && job && typeof value.store === 'string' && known.has(value.store)) {
      const record = value.record as { jobId?: unknown } | undefined;
      if (!record || record.jobId !== job.id) throw bad(`line ${lineNo} is not a valid ${value.store} record of job ${job.id}`);
      (extra[value.store] ??= []).push(record as { jobId: string });
    } else throw bad(`line ${lineNo} is not a record this page knows`);
  };

  let rest = '';
  try {
    const reader = text.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += value;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        take(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
      }
    }
    take(rest);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw bad(`the file is damaged or incomplete (${(err as Error).message || String(err)})`);
  }
  if (!header) throw bad('the file is empty');
  if (!job) throw bad('the file holds no job');
  if (samples.length !== header.counts.samples || targets.length !== header.counts.targets) {
    throw bad(`the file is incomplete: it holds ${samples.length} of ${header.counts.samples} rows and ${targets.length} of ${header.counts.targets} targets`);
  }
  for (const [name, count] of Object.entries(header.counts.extra ?? {})) {
    if ((extra[name]?.length ?? 0) !== count) throw bad(`the file is incomplete: it holds ${extra[name]?.length ?? 0} of ${count} ${name} records`);
  }
  const done = targets.filter((t) => t.status === 'ok').length;
  const failed = targets.filter((t) => t.status === 'failed').length;
  if (targets.length !== job.nTargets || done !== job.done || failed !== job.failed) {
    throw bad(`the job's counters (${job.done} done, ${job.failed} failed of ${job.nTargets}) do not match its ${targets.length} targets (${done} done, ${failed} failed)`);
  }
  // A store the header counts with no record (an empty one) comes back as an empty list, as it went out.
  for (const name of Object.keys(header.counts.extra ?? {})) extra[name] ??= [];
  return { header, records: { job, samples, targets, ...(Object.keys(extra).length > 0 ? { extra } : {}) } };
}

type Bad = (why: string) => AppError;

function checkHeader(h: unknown, bad: Bad): ExportHeader {
  const header = h as Partial<ExportHeader> | undefined;
  if (!header || header.format !== EXPORT_FORMAT) throw bad('it is not a job export of this app');
  if (typeof header.formatVersion !== 'number' || typeof header.schemaVersion !== 'number') throw bad('its header has no format version');
  if (header.formatVersion > EXPORT_FORMAT_VERSION || header.schemaVersion > DB_VERSION) {
    throw bad(
      `it was written by a newer version of the app (${header.appVersion ?? 'unknown'}, file format ${header.formatVersion}, ` +
        `schema ${header.schemaVersion}); this page reads file format ${EXPORT_FORMAT_VERSION} and schema ${DB_VERSION} or older. ` +
        'Update the app (reload the page where it is served) and import again.',
    );
  }
  const counts = header.counts;
  if (!counts || !Number.isInteger(counts.samples) || !Number.isInteger(counts.targets)) throw bad('its header has no record counts');
  return header as ExportHeader;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function checkJob(v: unknown, bad: Bad): JobRecord {
  const job = v as JobRecord;
  if (!job || !isString(job.id) || !isString(job.fileName) || !Array.isArray(job.columns) || !job.columns.every(isString)) {
    throw bad('its job record lacks an id, a file name or the input columns');
  }
  for (const k of ['createdAt', 'nSamples', 'nInvalid', 'nTargets', 'done', 'failed'] as const) {
    if (!isCount(job[k])) throw bad(`its job record has no valid ${k}`);
  }
  try {
    job.settings = validateSearchSettings(withDefaults(job.settings ?? {}));
  } catch (err) {
    throw bad(`its search settings are not valid: ${(err as Error).message}`);
  }
  return job;
}

function checkSample(v: unknown, job: JobRecord, line: number, bad: Bad): SampleRecord {
  const s = v as SampleRecord;
  if (!s || s.jobId !== job.id || !isCount(s.index) || !isCount(s.line) || !Array.isArray(s.values) || !s.values.every(isString)) {
    throw bad(`line ${line} is not a valid input row of job ${job.id}`);
  }
  return s;
}

function checkTarget(v: unknown, job: JobRecord, line: number, bad: Bad): TargetRecord {
  const t = v as TargetRecord;
  if (!t || t.jobId !== job.id || !isString(t.key) || !isCount(t.order) || !['pending', 'ok', 'failed'].includes(t.status)) {
    throw bad(`line ${line} is not a valid target of job ${job.id}`);
  }
  if (t.status !== 'pending' && (!t.result || t.result.status !== t.status || typeof t.result.features !== 'object')) {
    throw bad(`line ${line}: target ${t.key} is ${t.status} but has no result`);
  }
  return t;
}

/** The records under another job id (an import into a browser that already holds the job). */
export function withJobId({ job, samples, targets, extra }: JobRecords, id: string): JobRecords {
  return {
    job: { ...job, id },
    samples: samples.map((s) => ({ ...s, jobId: id })),
    targets: targets.map((t) => ({ ...t, jobId: id })),
    ...(extra ? { extra: Object.fromEntries(Object.entries(extra).map(([name, records]) => [name, records.map((r) => ({ ...r, jobId: id }))])) } : {}),
  };
}
