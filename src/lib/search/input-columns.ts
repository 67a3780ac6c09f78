import type { Features } from './result.ts';

/** The sample list's catalogue values for the star (docs/features.md `input_*`); never used by the blind search. */
export interface CatalogValues {
  /** Days. */
  period?: number;
  depthPpm?: number;
  durationHours?: number;
  /** Full BJD. */
  epochBjd?: number;
}

/**
 * The sample list's values in the seed's units: days and fractional depth; empty when absent. Also
 * used when writing the CSV, where each row gets its own values (several KOIs share one star).
 */
export function inputColumns(catalog: CatalogValues | undefined): Features {
  return {
    input_period: catalog?.period,
    input_depth: catalog?.depthPpm === undefined ? undefined : catalog.depthPpm / 1e6,
    input_duration: catalog?.durationHours === undefined ? undefined : catalog.durationHours / 24,
    input_epoch: catalog?.epochBjd,
  };
}
