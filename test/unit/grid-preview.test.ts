import { describe, expect, it } from 'vitest';
import { gridPreview } from '../../src/lib/search/grid-preview.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';

describe('the grid estimate shown in Settings', () => {
  it('tells the size, time and memory of the default search for usual light curves', () => {
    const [tess, quarter, fourYears] = gridPreview(DEFAULT_SEARCH_SETTINGS);
    expect(tess.points).toBe(19728);
    expect(tess.periods).toBeGreaterThan(1000);
    expect(tess.seconds).toBeGreaterThan(0);
    expect(quarter.periods).toBeGreaterThan(tess.periods!);
    // The optimal grid grows linearly with the baseline: four years stay searchable.
    expect(fourYears.error).toBeUndefined();
    expect(fourYears.periods).toBeGreaterThan(100_000);
    expect(fourYears.periods).toBeLessThan(DEFAULT_SEARCH_SETTINGS.maxPeriods);
    expect(fourYears.memoryMiB).toBeLessThan(1024);
  });

  it('says which light curves astropy\'s grid would refuse, and why', () => {
    const [tess, , fourYears] = gridPreview({ ...DEFAULT_SEARCH_SETTINGS, grid: 'astropy' });
    // lightkurve's default grid for one TESS sector is a few thousand periods (mast-and-formats.md §5.1).
    expect(tess.periods).toBeGreaterThan(3000);
    expect(tess.periods).toBeLessThan(6000);
    expect(fourYears.periods).toBeUndefined();
    expect(fourYears.error).toMatch(/^grid-too-large: astropy's autoperiod grid would have [\d,]+ periods/);
  });
});
