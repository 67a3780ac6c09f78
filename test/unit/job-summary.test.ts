import { describe, expect, it } from 'vitest';
import { settingsSummary } from '../../src/lib/jobs/job-summary.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';

describe('settingsSummary', () => {
  it('names what tells jobs apart, and nothing at its default', () => {
    expect(settingsSummary(DEFAULT_SEARCH_SETTINGS)).toBe('BLS optimal grid · biweight 0.99 d · catalogue ±1%');
    expect(settingsSummary({ ...DEFAULT_SEARCH_SETTINGS, catalogSearch: false })).toBe('BLS optimal grid · biweight 0.99 d');
    expect(
      settingsSummary({
        ...DEFAULT_SEARCH_SETTINGS,
        grid: 'astropy',
        objective: 'snr',
        detrend: 'savgol',
        minimumPeriod: 0.5,
        qualityMask: 'hard',
        maxSignals: 3,
        refine: false,
        minTransits: 3,
        catalogSearch: true,
        catalogWindow: 0.05,
        runTls: true,
      }),
    ).toBe('BLS astropy grid, snr · Savitzky–Golay 101 · periods 0.5 d–auto · hard quality mask · 3 signals · no refinement · 3 transits per signal · catalogue ±5% · TLS');
    expect(settingsSummary({ ...DEFAULT_SEARCH_SETTINGS, detrend: 'none', windowDays: 2, maximumPeriod: 20, catalogSearch: false })).toBe(
      'BLS optimal grid · no detrending · periods auto–20 d',
    );
  });
});
