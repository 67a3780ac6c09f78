import type { ErrorCode } from '../errors.ts';
import type { CleanedPart } from '../lightcurve/file.ts';
import { TLS_FEATURE_COLUMNS } from './tls/features.ts';
import type { TargetSummary } from './summary/index.ts';

/** The seed notebook's 27 columns, in its order and units (docs/features.md). */
export const SEED_COLUMNS = [
  'input_period',
  'input_depth',
  'input_duration',
  'input_epoch',
  'flux_std',
  'flux_mad',
  'flux_skewness',
  'flux_kurtosis',
  'bls_period',
  'bls_t0',
  'bls_duration',
  'bls_depth',
  'bls_snr',
  'bls_power',
  'tls_period',
  'tls_depth',
  'tls_snr',
  'tls_sde',
  'tls_odd_even',
  'duration_over_period',
  'odd_even_depth_diff',
  'transit_symmetry',
  'periodicity_strength',
  'secondary_depth',
  'ingress_egress_ratio',
  'phase_coverage',
  'red_noise',
] as const;

/** The columns of one extra signal of the iterative search (`bls2_period`, ...) or of the catalogue-window search (`cat_bls_period`, ...). */
export const SIGNAL_FIELDS = ['period', 't0', 'duration', 'depth', 'snr', 'power'] as const;
type SignalColumns<P extends string> = `${P}_${(typeof SIGNAL_FIELDS)[number]}`;
const signalColumns = <P extends string>(prefix: P) => SIGNAL_FIELDS.map((f) => `${prefix}_${f}`) as SignalColumns<P>[];

/** Feature columns written after `status` and `error`, in this order. */
export const FEATURE_COLUMNS = [
  ...SEED_COLUMNS,
  // The best peak, beyond the seed's columns.
  'bls_t0_bjd',
  'bls_depth_err',
  'bls_log_likelihood',
  'n_periods',
  // astropy compute_stats at the best peak.
  'odd_even_sigma',
  'secondary_depth_err',
  'depth_odd',
  'depth_odd_err',
  'depth_even',
  'depth_even_err',
  'depth_half',
  'depth_half_err',
  'depth_phased',
  'depth_phased_err',
  'harmonic_amplitude',
  'harmonic_delta_log_likelihood',
  'n_transits',
  'n_points_in_transit',
  'transit_times_bjd',
  'per_transit_count',
  'per_transit_log_likelihood',
  // Precision and significance of the best peak (issue 13).
  'bls_period_uncertainty',
  'bls_t0_uncertainty',
  'bls_sde',
  'bls_fap',
  'bls_significant',
  'harmonic2_delta_log_likelihood',
  'variability',
  // Single transit-like events the two-transit rule kept from winning the search.
  'n_single_events',
  'single_event_time',
  'single_event_depth',
  'single_event_duration',
  'single_event_snr',
  // Transit Least Squares beyond the seed's five (empty unless TLS ran), why it did not, and the star it assumed.
  ...TLS_FEATURE_COLUMNS.filter((c) => !(SEED_COLUMNS as readonly string[]).includes(c)),
  'tls_error',
  'tls_r_star',
  'tls_m_star',
  // Workers that computed part of the TLS period grid (1: the target's own worker did it all).
  'tls_workers',
  // Further signals of the iterative search.
  ...signalColumns('bls2'),
  'bls2_sde',
  ...signalColumns('bls3'),
  'bls3_sde',
  // The row's catalogue candidate, measured at its ephemeris (each row its own; catalog-features.ts).
  'cat_period_searchable',
  'cat_depth',
  'cat_depth_err',
  'cat_snr',
  'cat_odd_even_sigma',
  'cat_secondary_depth',
  'cat_secondary_depth_err',
  'cat_n_transits',
  ...signalColumns('cat_bls'),
  'bls_matches_catalog',
  'bls_catalog_ratio',
  // Preparation and provenance.
  'grid',
  'detrend',
  'window_days',
  'n_outliers',
  'mission',
  'author',
  'segments',
  'sectors',
  'quarters',
  'campaigns',
  'n_files',
  // The light-curve files searched, space-separated (local files and MAST products alike).
  'files',
  'n_points',
  'baseline_days',
  'cadence_minutes',
  'app_version',
  'kernel_version',
] as const;

export type FeatureName = (typeof FEATURE_COLUMNS)[number];
export type Features = Partial<Record<FeatureName, number | string>>;

export type TargetStatus = 'ok' | 'failed';

/** What the analysis of one star produces; stored as one IndexedDB record. */
export interface TargetResult {
  status: TargetStatus;
  error?: { code: ErrorCode; message: string };
  features: Features;
  /**
   * The `cat_*` columns of each catalogue candidate of the star, by sample-list row index: the rows
   * share `features` and each adds its own (jobs/export.ts).
   */
  candidates?: Record<number, Features>;
  /** Hash of the WASM bytes that computed it (style guide: kernels are versioned with results). */
  kernelVersion?: string;
  /** Milliseconds spent on download and on analysis, for throughput figures. */
  downloadMs?: number;
  analysisMs?: number;
  bytes?: number;
  /** What the target view plots (periodogram, folds); the job store keeps it apart from the row. */
  summary?: TargetSummary;
  /**
   * Cleaned arrays of the files that were cleaned now, for the light-curve cache; the runner hands
   * them to the cache and never stores them with the result.
   */
  cleaned?: Array<{ cacheKey: string; part: CleanedPart }>;
}
