import type { SampleList, SampleRow } from '../samples/index.ts';
import type { JobRecord, SampleRecord, TargetRecord } from './types.ts';

/**
 * The sample list a job was made from, rebuilt from its stored rows and targets, so that a duplicate
 * with other search settings maps rows to work units exactly as a new upload would. Each row's star
 * (id, name, light-curve URLs, stellar parameters) comes from the work unit it was part of.
 */
export function sampleListOfJob(job: JobRecord, samples: SampleRecord[], targets: TargetRecord[]): SampleList {
  const byKey = new Map(targets.map((t) => [t.key, t]));
  const rows = [...samples]
    .sort((a, b) => a.index - b.index)
    .map((s): SampleRow => {
      const row: SampleRow = { index: s.index, line: s.line, values: s.values };
      const catalog = s.catalog ?? {};
      if (catalog.period !== undefined) row.period = catalog.period;
      if (catalog.depthPpm !== undefined) row.depthPpm = catalog.depthPpm;
      if (catalog.durationHours !== undefined) row.durationHours = catalog.durationHours;
      if (catalog.epochBjd !== undefined) row.epochBjd = catalog.epochBjd;
      const t = s.targetKey ? byKey.get(s.targetKey) : undefined;
      if (s.problem || !t) {
        row.problem = s.problem ?? 'the row has no target';
        return row;
      }
      row.key = baseKey(job, s, t);
      if (t.target) row.target = t.target;
      if (t.name) row.name = t.name;
      if (t.nameMission) row.nameMission = t.nameMission;
      if (t.lightcurveUrls) row.lightcurveUrls = t.lightcurveUrls;
      if (t.star) row.star = t.star;
      return row;
    });
  const nInvalid = rows.filter((r) => r.problem).length;
  return { fileName: job.fileName, format: job.format, columns: job.columns, rows, nValid: rows.length - nInvalid, nInvalid };
}

/**
 * The row's star key: the work unit's key without its light-curve URLs (see `buildJobRecords`) and,
 * for a job stored when each catalogue period was a work unit of its own, without its "@P=" suffix.
 */
function baseKey(job: JobRecord, sample: SampleRecord, target: TargetRecord): string {
  let key = target.key;
  const period = sample.catalog?.period;
  const suffix = job.settings.catalogSearch && period !== undefined ? `@P=${period}` : '';
  if (suffix && key.endsWith(suffix)) key = key.slice(0, -suffix.length);
  const urls = target.lightcurveUrls && target.lightcurveUrls.length > 0 ? `|${target.lightcurveUrls.join(';')}` : '';
  if (urls && key.endsWith(urls)) key = key.slice(0, -urls.length);
  return key;
}
