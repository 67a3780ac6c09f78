import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openJobsDb } from '../../src/lib/jobs/db.ts';
import { identifyFile, LocalFileSource } from '../../src/lib/jobs/local-files.ts';
import { IdbJobStore } from '../../src/lib/jobs/store.ts';
import type { TargetRecord } from '../../src/lib/jobs/types.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';

const KEPLER90 = ['kplr011442793-2010174085026_llc.fits', 'kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits'];
const WASP126 = 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits';
const BROKEN = 'test-lc-tess-pimen-corrupted-at-header.fits';

describe('jobs of local light-curve files', () => {
  it('reads each file\'s star from its headers, and names a file that is not a light curve', () => {
    expect(identifyFile(lightCurveFile(WASP126))).toEqual({ name: WASP126, mission: 'TESS', targetId: 25155310, segment: 1 });
    expect(identifyFile(lightCurveFile(KEPLER90[0]))).toMatchObject({ mission: 'Kepler', targetId: 11442793, segment: 5 });
    const bad = identifyFile(lightCurveFile(BROKEN));
    expect('problem' in bad && bad.problem).toMatch(new RegExp(BROKEN.replace(/[.-]/g, '\\$&')));
  });

  it('stitches the files of one star into one target (in segment order), keeps a broken file as a failed row, and stores the files', async () => {
    const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
    const files = [...KEPLER90, WASP126, BROKEN].map((n) => {
      const f = lightCurveFile(n);
      return { name: n, bytes: f.bytes };
    });
    const job = await store.createLocalJob(files, DEFAULT_SEARCH_SETTINGS);
    expect(job).toMatchObject({ source: 'local', nSamples: 3, nTargets: 2, nInvalid: 1, columns: ['target', 'light_curve_files'], fileName: '5 light-curve files' });
    const targets = await store.targets(job.id);
    expect(targets.map((t) => [t.key, t.localFiles])).toEqual([
      ['Kepler:11442793|local', ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits']],
      ['TESS:25155310|local', [WASP126]],
    ]);
    const samples = await store.samples(job.id);
    expect(samples.map((s) => s.values[0])).toEqual(['KIC 11442793', 'TIC 25155310', '']);
    expect(samples[2].problem).toMatch(/corrupted-at-header/);

    // The runner's source reads them back from the store; other targets go to the fallback.
    const asked: string[] = [];
    const source = new LocalFileSource(store, { fetchFiles: async (t: TargetRecord) => (asked.push(t.key), []) });
    const got = await source.fetchFiles(targets[0], new AbortController().signal);
    expect(got.map((f) => [f.name, f.bytes.byteLength, f.mission])).toEqual(
      targets[0].localFiles!.map((n) => [n, lightCurveFile(n).bytes.byteLength, 'Kepler']),
    );
    await source.fetchFiles({ ...targets[0], key: 'TESS:1', localFiles: undefined }, new AbortController().signal);
    expect(asked).toEqual(['TESS:1']);

    await store.deleteJob(job.id);
    expect(await store.localFile(job.id, WASP126)).toBeUndefined();
  });

  it('refuses two files of the same name and an empty selection', async () => {
    const store = new IdbJobStore(await openJobsDb(new IDBFactory()));
    const f = lightCurveFile(WASP126);
    await expect(store.createLocalJob([f, f], DEFAULT_SEARCH_SETTINGS)).rejects.toThrow(/two files are named/);
    await expect(store.createLocalJob([], DEFAULT_SEARCH_SETTINGS)).rejects.toThrow(/no light-curve files/);
  });
});
