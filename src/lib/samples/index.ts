export { parseSampleList } from './parse.ts';
export { BKJD_OFFSET } from './fields.ts';
export type { SampleFormat, SampleList, SampleRow, StarParams } from './types.ts';
