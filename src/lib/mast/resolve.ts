import { AppError } from '../errors.ts';
import { parseTarget, type Mission, type TargetId } from '../target.ts';

export { parseTargetOrName, type TargetSpec } from '../target.ts';
import type { MastConfig } from './config.ts';
import type { MastDeps } from './http.ts';
import { invoke, invokeRaw } from './invoke.ts';

/** Cone radius around the resolver's position. lightkurve uses 0.0001″ (§1.3 step 4), which only
 * works when resolver and CAOM share a catalogue position; 2″ tolerates proper motion and rounding,
 * and the nearest observation wins. */
const CONE_RADIUS_DEG = 2 / 3600;

/** Observations that name a star by its catalogue id: the mission pipelines and the TESS HLSPs we read. */
const PIPELINES = ['SPOC', 'TESS-SPOC', 'QLP', 'Kepler', 'K2'];

/** A name's own mission, only where the name says it: `Kepler-10`, `KOI-…` (Kepler), `K2-3` (K2), `TOI-700` (TESS). */
const NAME_MISSION: Array<[RegExp, Mission]> = [
  [/^(?:kepler|koi)[\s-]/i, 'Kepler'],
  [/^k2[\s-]/i, 'K2'],
  [/^toi[\s-]/i, 'TESS'],
];

/**
 * A star's catalogue id from its name: MAST's resolver (`Mast.Name.Lookup`, §1.4), then a cone
 * search (`Mast.Caom.Filtered.Position`) for the mission-pipeline observations nearest to that
 * position, whose `target_name` is the id. The mission is the `mission` argument when given, else
 * the only mission found, else the one the name itself says; otherwise the target fails rather
 * than guess. When MAST cannot be reached or does not know the name, the message says to use an id.
 */
export async function resolveTarget(name: string, mission: Mission | null, config: MastConfig, deps: MastDeps): Promise<TargetId> {
  try {
    return await resolveThroughMast(name, mission, config, deps);
  } catch (err) {
    if (!(err instanceof AppError) || err.name === 'target-not-found') throw err;
    throw new AppError(
      'target-not-found',
      `"${name}" could not be resolved because MAST's name resolver failed (${err.name}: ${err.message}); use a TIC, KIC or EPIC id instead`,
      { name, cause: err.name },
    );
  }
}

async function resolveThroughMast(name: string, mission: Mission | null, config: MastConfig, deps: MastDeps): Promise<TargetId> {
  const answer = await invokeRaw(config, 'Mast.Name.Lookup', { input: name, format: 'json' }, deps);
  const coordinates = Array.isArray(answer.resolvedCoordinate) ? (answer.resolvedCoordinate as Array<Record<string, unknown>>) : [];
  const first = coordinates[0];
  const ra = Number(first?.ra);
  const dec = Number(first?.decl);
  if (!first || !Number.isFinite(ra) || !Number.isFinite(dec)) {
    throw notFound(name, `MAST's resolver does not know "${name}"`);
  }
  const position = `${ra}, ${dec}, ${CONE_RADIUS_DEG}`;
  const filters = [
    { paramName: 'project', values: mission ? [mission] : ['TESS', 'Kepler', 'K2'], separator: ';' },
    { paramName: 'dataproduct_type', values: ['timeseries', 'cube'] },
    { paramName: 'provenance_name', values: PIPELINES },
  ];
  const rows = (await invoke(config, 'Mast.Caom.Filtered.Position', { columns: '*', filters, position }, deps)).data;
  const found = rows
    .map((row) => ({ id: idFromTargetName(row.target_name, row.project), distance: Number(row.distance ?? 0) }))
    .filter((c): c is { id: TargetId; distance: number } => c.id !== null)
    .sort((a, b) => a.distance - b.distance);
  const missions = [...new Set(found.map((c) => c.id.mission))];
  const chosen = mission ?? (missions.length === 1 ? missions[0] : NAME_MISSION.find(([re]) => re.test(name))?.[1]);
  const best = found.find((c) => c.id.mission === chosen);
  if (best) return best.id;
  if (found.length === 0) {
    throw notFound(name, `MAST has no ${mission ?? 'Kepler, K2 or TESS'} light curves within 2″ of "${name}" (RA ${ra}, Dec ${dec})`);
  }
  throw notFound(
    name,
    chosen
      ? `MAST has no ${chosen} light curves near "${name}" (it has ${missions.join(', ')})`
      : `"${name}" has light curves from ${missions.join(' and ')}; add a mission column`,
  );
}

/** CAOM `target_name` back to an id: the bare TIC for TESS, `kplr`/`ktwo` + 9 digits (§1.2). */
function idFromTargetName(targetName: unknown, project: unknown): TargetId | null {
  const name = String(targetName ?? '');
  const mission = project === 'TESS' || project === 'Kepler' || project === 'K2' ? project : null;
  if (mission === null) return null;
  if (mission === 'TESS' && !/^\d+$/.test(name)) return null;
  if (mission !== 'TESS' && !/^(kplr|ktwo)\d+$/.test(name)) return null;
  try {
    return parseTarget(name, mission);
  } catch {
    return null;
  }
}

function notFound(name: string, why: string): AppError {
  return new AppError('target-not-found', `${why}; use a TIC, KIC or EPIC id`, { name });
}
