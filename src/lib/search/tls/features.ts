/**
 * The CSV's `tls_*` columns from a TLS result. Depths here are depths (1 - flux at the transit
 * bottom), not the package's transit-bottom flux; times and durations are days in the light curve's
 * own time system. Per-transit lists are joined with ";".
 */
import type { TlsResult } from './types.ts';

export const TLS_FEATURE_COLUMNS = [
  'tls_period',
  'tls_depth',
  'tls_snr',
  'tls_sde',
  'tls_odd_even',
  'tls_t0',
  'tls_duration',
  'tls_period_uncertainty',
  'tls_depth_mean',
  'tls_depth_mean_err',
  'tls_depth_odd',
  'tls_depth_even',
  'tls_sde_raw',
  'tls_fap',
  'tls_rp_rs',
  'tls_transit_count',
  'tls_distinct_transit_count',
  'tls_empty_transit_count',
  'tls_chi2_min',
  'tls_chi2red_min',
  'tls_n_periods',
  'tls_transit_times',
  'tls_transit_depths',
  'tls_snr_per_transit',
  'tls_kernel_version',
] as const;

export type TlsFeatureColumn = (typeof TLS_FEATURE_COLUMNS)[number];

const list = (values: number[]) => values.map((v) => (Number.isFinite(v) ? String(v) : '')).join(';');

export function tlsFeatures(r: TlsResult): Record<TlsFeatureColumn, number | string> {
  return {
    tls_period: r.period,
    tls_depth: 1 - r.depth,
    tls_snr: r.snr,
    tls_sde: r.SDE,
    tls_odd_even: r.oddEvenMismatch,
    tls_t0: r.T0,
    tls_duration: r.duration,
    tls_period_uncertainty: r.periodUncertainty,
    tls_depth_mean: 1 - r.depthMean[0],
    tls_depth_mean_err: r.depthMean[1],
    tls_depth_odd: 1 - r.depthMeanOdd[0],
    tls_depth_even: 1 - r.depthMeanEven[0],
    tls_sde_raw: r.SDERaw,
    tls_fap: r.FAP,
    tls_rp_rs: r.rpRs,
    tls_transit_count: r.transitCount,
    tls_distinct_transit_count: r.distinctTransitCount,
    tls_empty_transit_count: r.emptyTransitCount,
    tls_chi2_min: r.chi2Min,
    tls_chi2red_min: r.chi2redMin,
    tls_n_periods: r.periods.length,
    tls_transit_times: list(r.transitTimes),
    tls_transit_depths: list(r.transitDepths.map((d) => 1 - d)),
    tls_snr_per_transit: list(r.snrPerTransit),
    tls_kernel_version: r.kernelVersion,
  };
}
