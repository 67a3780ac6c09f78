import { toAppError } from '../errors.ts';
import type { LightCurve } from '../lightcurve/index.ts';
import type { StarParams } from '../samples/index.ts';
import type { TlsStep } from './analyze.ts';
import type { Features } from './result.ts';
import type { SearchSettings } from './settings.ts';
import type { TlsSummaryInput } from './summary/tls.ts';
import { DEFAULT_TEMPLATE, runTls, runTlsShared, TLS_DEFAULTS, tlsFeatures, type TlsEngine, type TlsOptions, type TlsResult, type TlsSharing } from './tls/index.ts';

/** The TLS step's outcome: the `tls_*` columns, and what the plot summary draws (absent when TLS failed). */
export interface TlsOutcome {
  features: Features;
  plot?: TlsSummaryInput;
}

/** log10 of the Sun's surface gravity in cgs (IAU 2015 nominal values: GM☉ / R☉²). */
const LOGG_SUN = 4.438;

/** Stellar mass in solar units from radius and log g: M = g R² / G. */
export function massFromLogg(radiusRsun: number, logg: number): number {
  return 10 ** (logg - LOGG_SUN) * radiusRsun * radiusRsun;
}

/**
 * TLS options for a star: the package's defaults, with the sample list's radius and mass (or a mass
 * from radius and log g) as `catalog_info` would give them, and its limb darkening in the template.
 * The package's stellar ranges are widened, never narrowed, to hold the star's own values.
 */
export function tlsOptionsFor(star: StarParams | undefined, settings: SearchSettings): TlsOptions {
  const options: TlsOptions = { maxSeconds: settings.tlsMaxSeconds };
  const rStar = star?.radiusRsun;
  const mStar = star?.massMsun ?? (rStar !== undefined && star?.logg !== undefined ? massFromLogg(rStar, star.logg) : undefined);
  if (rStar !== undefined) {
    options.rStar = rStar;
    options.rStarMin = Math.min(TLS_DEFAULTS.rStarMin, rStar);
    options.rStarMax = Math.max(TLS_DEFAULTS.rStarMax, rStar);
  }
  if (mStar !== undefined && Number.isFinite(mStar) && mStar > 0) {
    options.mStar = mStar;
    options.mStarMin = Math.min(TLS_DEFAULTS.mStarMin, mStar);
    options.mStarMax = Math.max(TLS_DEFAULTS.mStarMax, mStar);
  }
  if (star?.ldU1 !== undefined && star.ldU2 !== undefined) {
    options.template = { ...DEFAULT_TEMPLATE, u: [star.ldU1, star.ldU2], limbDark: 'quadratic' };
  }
  return options;
}

/**
 * The `tls_*` columns for a prepared light curve, and what the target view plots of the result. A TLS
 * failure (a grid over the time cap, say) leaves the columns empty and says why in `tls_error`; the
 * BLS result of the target stands.
 */
export function tlsColumns(lc: LightCurve, settings: SearchSettings, engine: TlsEngine | undefined, star?: StarParams): TlsOutcome {
  if (!engine) return { features: TLS_NOT_LOADED };
  const { options, used } = tlsSetup(settings, star);
  try {
    const result = runTls(tlsInput(lc), options, engine);
    return { features: { ...tlsFeatures(result), ...used, tls_workers: 1 }, plot: plotInput(result) };
  } catch (err) {
    return { features: tlsFailure(err, used) };
  }
}

/** `tlsColumns` with idle workers helping on the period grid (`runTlsShared`): the same columns. */
export async function tlsColumnsShared(
  lc: LightCurve,
  settings: SearchSettings,
  engine: TlsEngine | undefined,
  star: StarParams | undefined,
  sharing: TlsSharing | undefined,
): Promise<TlsOutcome> {
  if (!engine) return { features: TLS_NOT_LOADED };
  const { options, used } = tlsSetup(settings, star);
  try {
    const { result, workers } = await runTlsShared(tlsInput(lc), { ...options, chunkSeconds: sharing?.chunkSeconds }, engine, sharing?.helpers);
    return { features: { ...tlsFeatures(result), ...used, tls_workers: workers }, plot: plotInput(result) };
  } catch (err) {
    return { features: tlsFailure(err, used) };
  }
}

/** The result's fields the plot summary uses (src/lib/search/summary/tls.ts). */
function plotInput(r: TlsResult): TlsSummaryInput {
  return { period: r.period, T0: r.T0, duration: r.duration, depth: r.depth, SDE: r.SDE, modelDuration: r.modelDuration, template: r.template, periods: r.periods, power: r.power };
}

/** The TLS columns when TLS was asked for but no kernel was given. */
export const TLS_NOT_LOADED: Features = { tls_error: 'kernel-error: TLS was asked for but its kernel is not loaded' };

const tlsInput = (lc: LightCurve) => ({ time: lc.time, flux: lc.flux, fluxErr: lc.fluxErr });

function tlsSetup(settings: SearchSettings, star: StarParams | undefined): { options: TlsOptions; used: Features } {
  const options = tlsOptionsFor(star, settings);
  return { options, used: { tls_r_star: options.rStar ?? TLS_DEFAULTS.rStar, tls_m_star: options.mStar ?? TLS_DEFAULTS.mStar } };
}

function tlsFailure(err: unknown, used: Features): Features {
  const e = toAppError(err, 'kernel-error');
  return { tls_error: `${e.name}: ${e.message}`, ...used };
}

/** The analysis's TLS step on one engine, in this thread. */
export function tlsStep(engine: TlsEngine | undefined): TlsStep {
  return (lc, settings, star) => tlsColumns(lc, settings, engine, star);
}

/** The analysis's TLS step with idle workers helping on the period grid. */
export function sharedTlsStep(engine: TlsEngine | undefined, sharing: TlsSharing | undefined): TlsStep {
  return (lc, settings, star) => tlsColumnsShared(lc, settings, engine, star, sharing);
}
