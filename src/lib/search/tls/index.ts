/** The TLS search (Hippke & Heller 2019), matching `transitleastsquares` 1.0.31: see docs/tls.md. */
export { BOX_TEMPLATE, DEFAULT_TEMPLATE, type TemplateShape } from './constants.ts';
export { TLS_FEATURE_COLUMNS, tlsFeatures, type TlsFeatureColumn } from './features.ts';
export { durationGrid, periodGrid, t14 } from './grid.ts';
export { prepareTls, TLS_DEFAULTS, type PreparedTls } from './prepare.ts';
export { mergeKernelOutputs, runTls, searchPeriodRange, searchPeriods, tlsResult } from './run.ts';
export type { TlsEngine, TlsKernelInput, TlsKernelOutput, TlsLightCurve, TlsOptions, TlsPlan, TlsResult } from './types.ts';
export { periodChunks, runTlsShared, searchChunk, searchPeriodsShared, type ChunkOutput, type ChunkResult, type PeriodChunk, type ShareStep, type TlsHelpers, type TlsSharing } from './split.ts';
