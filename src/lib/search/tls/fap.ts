/**
 * False-alarm probability from SDE. The package interpolates nothing: it looks SDE up in an empirical
 * table (Hippke & Heller 2019, their Fig. 13). The two ends of that table are reproduced here:
 * SDE < 5.651 has no FAP (NaN) and SDE ≥ 9.1 gives the floor 8.0032e-05. Between them this returns
 * NaN: the table is not bundled (see docs/tls.md).
 */
export const FAP_SDE_MIN = 5.651;
export const FAP_SDE_FLOOR = 9.1;
export const FAP_FLOOR = 8.0032e-5;

export function fap(sde: number): number {
  return sde >= FAP_SDE_FLOOR ? FAP_FLOOR : NaN;
}
