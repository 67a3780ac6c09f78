import type { ErrorCode } from '../errors.ts';

/** Feature columns written after `status` and `error`, in this order. Units are in the names. */
export const FEATURE_COLUMNS = [
  'bls_period',
  'bls_t0',
  'bls_t0_bjd',
  'bls_duration',
  'bls_depth',
  'bls_snr',
  'bls_power',
  'bls_depth_err',
  'bls_log_likelihood',
  'n_periods',
  'n_points',
  'baseline_days',
  'n_files',
  'segments',
] as const;

export type FeatureName = (typeof FEATURE_COLUMNS)[number];
export type Features = Partial<Record<FeatureName, number | string>>;

export type TargetStatus = 'ok' | 'failed';

/** What the analysis of one star produces; stored as one IndexedDB record. */
export interface TargetResult {
  status: TargetStatus;
  error?: { code: ErrorCode; message: string };
  features: Features;
  /** Hash of the WASM bytes that computed it (style guide: kernels are versioned with results). */
  kernelVersion?: string;
  /** Milliseconds spent on download and on analysis, for throughput figures. */
  downloadMs?: number;
  analysisMs?: number;
  bytes?: number;
}
