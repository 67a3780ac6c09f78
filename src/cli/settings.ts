import { DEFAULT_SEARCH_SETTINGS, validateSearchSettings, type SearchSettings } from '../lib/search/settings.ts';
import { choiceOption, durationsOption, numberOption, SEARCH_OPTIONS } from './args.ts';

/** The options of the app's search settings, shared by `analyze` and `run`. */
export const ANALYSIS_OPTIONS = {
  ...SEARCH_OPTIONS,
  'max-periods': { type: 'string' },
  'quality-mask': { type: 'string' },
  detrend: { type: 'string' },
  'window-days': { type: 'string' },
  'savgol-window': { type: 'string' },
  'outlier-sigma': { type: 'string' },
  signals: { type: 'string' },
  tls: { type: 'boolean' },
  'tls-max-seconds': { type: 'string' },
  'no-refine': { type: 'boolean' },
  'min-transits': { type: 'string' },
} as const;

/** Options about the sample list's catalogue candidates: only `run` reads a sample list. */
export const CATALOG_OPTIONS = {
  'no-catalog': { type: 'boolean' },
  'catalog-window': { type: 'string' },
} as const;
export const CATALOG_USAGE = '[--no-catalog] [--catalog-window F]';

/** One usage line block for the options above. */
export const ANALYSIS_USAGE = `[--durations a,b,c] [--objective likelihood|snr]
      [--frequency-factor F] [--oversample N] [--period-min D] [--period-max D]
      [--max-periods N] [--quality-mask default|hard|hardest|none|<int>]
      [--detrend biweight|savgol|none] [--window-days D] [--savgol-window N]
      [--outlier-sigma S|none] [--signals N] [--tls] [--tls-max-seconds S]
      [--no-refine] [--min-transits 2|3]`;

/** The app's default search settings with the options given on the command line, validated. */
export function searchSettingsFrom(values: Record<string, unknown>): SearchSettings {
  const s: SearchSettings = { ...DEFAULT_SEARCH_SETTINGS };
  const durations = durationsOption(values.durations);
  if (durations) s.durations = durations;
  const objective = choiceOption(values.objective, 'objective', ['likelihood', 'snr'] as const);
  if (objective) s.objective = objective;
  const oversample = numberOption(values.oversample, 'oversample');
  if (oversample !== undefined) s.oversample = oversample;
  const ff = numberOption(values['frequency-factor'], 'frequency-factor');
  if (ff !== undefined) s.frequencyFactor = ff;
  const pmin = numberOption(values['period-min'], 'period-min');
  if (pmin !== undefined) s.minimumPeriod = pmin;
  const pmax = numberOption(values['period-max'], 'period-max');
  if (pmax !== undefined) s.maximumPeriod = pmax;
  const maxPeriods = numberOption(values['max-periods'], 'max-periods');
  if (maxPeriods !== undefined) s.maxPeriods = maxPeriods;
  const mask = values['quality-mask'];
  if (typeof mask === 'string') s.qualityMask = /^\d+$/.test(mask) ? Number(mask) : (mask as SearchSettings['qualityMask']);
  const detrend = choiceOption(values.detrend, 'detrend', ['biweight', 'savgol', 'none'] as const);
  if (detrend) s.detrend = detrend;
  const windowDays = numberOption(values['window-days'], 'window-days');
  if (windowDays !== undefined) s.windowDays = windowDays;
  const savgolWindow = numberOption(values['savgol-window'], 'savgol-window');
  if (savgolWindow !== undefined) s.savgolWindow = savgolWindow;
  const outlierSigma = values['outlier-sigma'];
  if (outlierSigma === 'none') s.outlierSigmaUpper = null;
  else if (outlierSigma !== undefined) s.outlierSigmaUpper = numberOption(outlierSigma, 'outlier-sigma')!;
  const signals = numberOption(values.signals, 'signals');
  if (signals !== undefined) s.maxSignals = signals;
  if (values.tls === true) s.runTls = true;
  const tlsMax = numberOption(values['tls-max-seconds'], 'tls-max-seconds');
  if (tlsMax !== undefined) s.tlsMaxSeconds = tlsMax;
  if (values['no-refine'] === true) s.refine = false;
  const minTransits = numberOption(values['min-transits'], 'min-transits');
  if (minTransits !== undefined) s.minTransits = minTransits;
  if (values['no-catalog'] === true) s.catalogSearch = false;
  const catalogWindow = numberOption(values['catalog-window'], 'catalog-window');
  if (catalogWindow !== undefined) s.catalogWindow = catalogWindow;
  return validateSearchSettings(s);
}
