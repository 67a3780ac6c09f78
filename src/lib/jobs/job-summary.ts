import { biweightWindow, type SearchSettings } from '../search/settings.ts';

const days = (d: number) => `${Number(d.toPrecision(3))} d`;

/** A job's search settings in a line: what a person scanning the jobs list needs to tell jobs apart. */
export function settingsSummary(s: SearchSettings): string {
  const parts: string[] = [`BLS ${s.grid} grid${s.objective === 'likelihood' ? '' : `, ${s.objective}`}`];
  if (s.detrend === 'biweight') parts.push(`biweight ${days(biweightWindow(s))}`);
  else if (s.detrend === 'savgol') parts.push(`Savitzky–Golay ${s.savgolWindow}`);
  else parts.push('no detrending');
  if (s.minimumPeriod !== null || s.maximumPeriod !== null) {
    parts.push(`periods ${s.minimumPeriod === null ? 'auto' : days(s.minimumPeriod)}–${s.maximumPeriod === null ? 'auto' : days(s.maximumPeriod)}`);
  }
  if (s.qualityMask !== 'default') parts.push(`${s.qualityMask} quality mask`);
  if (s.maxSignals > 1) parts.push(`${s.maxSignals} signals`);
  if (!s.refine) parts.push('no refinement');
  if (s.minTransits !== 2) parts.push(`${s.minTransits} transits per signal`);
  if (s.catalogSearch) parts.push(`catalogue ±${Number((s.catalogWindow * 100).toPrecision(3))}%`);
  if (s.runTls) parts.push('TLS');
  return parts.join(' · ');
}
