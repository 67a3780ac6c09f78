import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSource } from '../../src/lib/jobs/source.ts';
import { buildJobRecords } from '../../src/lib/jobs/store.ts';
import { parseSampleList } from '../../src/lib/samples/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';

const LIST = ['target,mission,note', 'WASP-126,,by name', 'Kepler-90,Kepler,by name with a mission', 'wasp-126,,the same star again', 'Vega b,,unknown to MAST'].join('\n');

describe('stars given by name', () => {
  let mast: MockMast;
  beforeAll(async () => {
    mast = await startMockMast({ lightcurveDir: LIGHTCURVES });
  });
  afterAll(async () => {
    await mast?.close();
  });

  const { targets } = buildJobRecords(parseSampleList(LIST, 'names.csv'), DEFAULT_SEARCH_SETTINGS, 'job-1', 0);

  it('become one work unit per name (whatever its case), resolved only at run time', () => {
    expect(targets.map((t) => [t.key, t.name, t.nameMission, t.target])).toEqual([
      ['name::wasp-126', 'WASP-126', undefined, undefined],
      ['name:Kepler:kepler-90', 'Kepler-90', 'Kepler', undefined],
      ['name::vega b', 'Vega b', undefined, undefined],
    ]);
  });

  it('are resolved through MAST and their light curves downloaded', async () => {
    const source = new NetworkSource(() => ({ apiBase: mast.url, downloadBase: mast.url, archiveBase: '', cloudBase: '', proxyPrefix: '' }));
    const signal = new AbortController().signal;
    const wasp = await source.fetchFiles(targets[0], signal);
    expect(wasp.map((f) => f.name)).toEqual(['tess2018206045859-s0001-0000000025155310-0120-s_lc.fits']);
    const kepler90 = await source.fetchFiles(targets[1], signal);
    expect(kepler90.map((f) => f.name)).toEqual([
      'kplr011442793-2009350155506_llc.fits',
      'kplr011442793-2010009091648_llc.fits',
      'kplr011442793-2010174085026_llc.fits',
    ]);
    expect(mast.log.some((e) => e.service === 'Mast.Name.Lookup')).toBe(true);
    await expect(source.fetchFiles(targets[2], signal)).rejects.toMatchObject({ name: 'target-not-found', message: expect.stringMatching(/use a TIC, KIC or EPIC id/) });
  });
});
