export { parseSampleList, readSampleFile, type ParseOptions } from './parse.ts';
export { BKJD_OFFSET } from './fields.ts';
export { describeDelimiter, describeEncoding, describeWarning } from './summary.ts';
export type { SampleFormat, SampleList, SampleRow, SampleWarning, StarParams } from './types.ts';
