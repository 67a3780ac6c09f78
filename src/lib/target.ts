import { AppError } from './errors.ts';

export type Mission = 'TESS' | 'Kepler' | 'K2';

/** A star as the archives know it: the mission follows from the catalogue (TIC, KIC, EPIC). */
export interface TargetId {
  mission: Mission;
  /** TIC, KIC or EPIC number. */
  id: number;
}

// Between prefix and digits: spaces or underscores, or one hyphen right after the prefix (`TIC-123`).
// `TIC -5` is a signed number, not a separator, and is refused (see signedOrDecimal).
const PREFIXES: Array<[RegExp, Mission]> = [
  [/^(?:tic|tess)(?:[\s_]*|-)(\d+)$/i, 'TESS'],
  [/^(?:kic|kplr)(?:[\s_]*|-)(\d+)$/i, 'Kepler'],
  [/^(?:epic|ktwo)(?:[\s_]*|-)(\d+)$/i, 'K2'],
];
const PREFIX_WORD = /^(?:tic|tess|kic|kplr|epic|ktwo)/i;
/** A number with a sign, a decimal point or an exponent, after an optional catalogue prefix. */
const SIGNED_OR_DECIMAL = /^(?:(?:tic|tess|kic|kplr|epic|ktwo)[\s_]*)?(?:[+-]\s*[\d.]|\d*\.\d|\d+\.|\d+e[+-]?\d)[\d.eE+-]*$/i;

const MISSION_WORDS: Record<string, Mission> = {
  tess: 'TESS',
  tic: 'TESS',
  kepler: 'Kepler',
  kic: 'Kepler',
  k2: 'K2',
  epic: 'K2',
};

/** Reads a mission column value ("TESS", "Kepler", "K2", or the catalogue names). */
export function parseMission(text: string): Mission | null {
  return MISSION_WORDS[text.trim().toLowerCase()] ?? null;
}

/**
 * Parses `TIC 261136679`, `KIC 11446443`, `EPIC 211495446` (also `kplr…`, `ktwo…`, no space), or
 * bare digits when the mission is given separately. Names such as `Kepler-10` are not ids and are
 * refused with a message that says so (name resolution needs MAST's resolver).
 */
export function parseTarget(text: string, mission?: Mission | null): TargetId {
  const s = text.trim();
  if (s === '') throw new AppError('invalid-sample-row', 'the target is empty');
  for (const [re, m] of PREFIXES) {
    const match = re.exec(s);
    if (match) {
      if (mission && mission !== m) {
        throw new AppError('invalid-sample-row', `target "${s}" is a ${m} id but the mission column says ${mission}`);
      }
      return { mission: m, id: checkId(match[1], s) };
    }
  }
  if (SIGNED_OR_DECIMAL.test(s)) {
    const word = PREFIX_WORD.exec(s)?.[0].toLowerCase();
    const catalogue = word ? CATALOGUE[MISSION_WORDS[word === 'kplr' ? 'kic' : word === 'ktwo' ? 'epic' : word]] : mission ? CATALOGUE[mission] : 'TIC, KIC or EPIC';
    throw new AppError('invalid-sample-row', `target "${s}" is not a valid id: a ${catalogue} id is a whole number without a sign, a decimal point or an exponent`);
  }
  if (/^\d+$/.test(s)) {
    if (!mission) {
      throw new AppError(
        'invalid-sample-row',
        `target "${s}" is a bare number; write it as "TIC ${s}", "KIC ${s}" or "EPIC ${s}", or add a mission column`,
      );
    }
    return { mission, id: checkId(s, s) };
  }
  throw new AppError(
    'invalid-sample-row',
    `target "${s}" is not a TIC, KIC or EPIC id (star names such as "Kepler-10" are accepted in a "target" column only)`,
  );
}

function checkId(digits: string, original: string): number {
  const id = Number(digits);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('invalid-sample-row', `target "${original}" has an invalid id`);
  return id;
}

const CATALOGUE: Record<Mission, string> = { TESS: 'TIC', Kepler: 'KIC', K2: 'EPIC' };

/** `TIC 261136679`: the form written back to users. */
export function formatTarget(t: TargetId): string {
  return `${CATALOGUE[t.mission]} ${t.id}`;
}

/** Key of a star known by name until MAST resolves it: the same name (any case) is one work unit. */
export function nameKey(name: string, mission?: Mission | null): string {
  return `name:${mission ?? ''}:${name.trim().toLowerCase().replace(/\s+/g, ' ')}`;
}

/** Stable key for storage and de-duplication (one search per star, however many rows name it). */
export function targetKey(t: TargetId): string {
  return `${t.mission}:${t.id}`;
}

/** A sample-list target: a catalogue id, resolved now, or a name, resolved through MAST at run time. */
export type TargetSpec = { kind: 'id'; target: TargetId } | { kind: 'name'; name: string; mission: Mission | null };

/**
 * Reads a target cell: `TIC n`, `KIC n`, `EPIC n` (and bare digits with a mission) as ids, anything
 * else with a letter in it as a name such as `Kepler-10`, `TOI-700` or `Pi Men`. Empty cells and bare
 * numbers without a mission stay errors (invalid-sample-row), with parseTarget's messages.
 */
export function parseTargetOrName(text: string, mission?: Mission | null): TargetSpec {
  try {
    return { kind: 'id', target: parseTarget(text, mission) };
  } catch (err) {
    const s = text.trim();
    // A catalogue prefix means an id, however mistyped (`KIC 11442793x`, `TIC abc`): never a name.
    const looksLikeId = /^(?:tic|tess|kic|kplr|epic|ktwo)(?:$|[\s_:-]|\d)/i.test(s) || /^\d+$/.test(s) || SIGNED_OR_DECIMAL.test(s);
    if (s === '' || looksLikeId || !/[a-z]/i.test(s) || s.length > 64) throw err;
    return { kind: 'name', name: s, mission: mission ?? null };
  }
}
