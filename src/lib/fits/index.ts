export type { HeaderValue, FitsHeader } from './header.ts';
export { parseCard, parseValue } from './header.ts';
export type { FitsHdu, FitsFile, HduKind } from './read.ts';
export { readFits } from './read.ts';
export type { FitsColumn, ColumnCode } from './columns.ts';
export type { ColumnArray } from './table.ts';
export { readColumn, readStrings, getColumn, hasColumn } from './table.ts';
export { numberOrNull, stringOrNull } from './keywords.ts';
export { fitsInvalid, describePlace, type HduPlace } from './errors.ts';
