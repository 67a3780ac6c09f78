import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import {
  caomTargetName,
  chooseProducts,
  findLightCurves,
  mirrorPaths,
  parseTargetOrName,
  productUrls,
  resolveTarget,
  validateNetworkSettings,
  DEFAULT_NETWORK_SETTINGS,
  type LightCurveProduct,
  type MastConfig,
} from '../../src/lib/mast/index.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { rejectionOf, rejectWith, scriptedFetch } from '../mock-mast/fetch-script.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

let mock: MockMast;
let config: MastConfig;
const deps = { fetch: ((i, init) => fetch(i, init)) as typeof fetch, sleep: async () => {} };
beforeAll(async () => {
  mock = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
  config = { apiBase: mock.url, downloadBase: mock.url, archiveBase: mock.url, cloudBase: mock.url };
});
afterAll(() => mock.close());

describe('ids straight to target_name', () => {
  it.each([
    ['TIC 25155310', 'TESS', '25155310'], // 8-digit TIC: bare, not padded to 9 as lightkurve does
    ['TIC 261136679', 'TESS', '261136679'],
    ['KIC 757076', 'Kepler', 'kplr000757076'],
    ['kplr11904151', 'Kepler', 'kplr011904151'],
    ['EPIC 201367065', 'K2', 'ktwo201367065'],
    ['ktwo 60021410', 'K2', 'ktwo060021410'],
  ])('%s is searched in %s as "%s"', (text, mission, name) => {
    const spec = parseTargetOrName(text);
    expect(spec.kind).toBe('id');
    if (spec.kind !== 'id') return;
    expect(spec.target.mission).toBe(mission);
    expect(caomTargetName(spec.target)).toBe(name);
  });

  it('reads names as names, and keeps refusing empty cells and bare numbers', () => {
    for (const name of ['Kepler-10', 'TOI-700', 'K2-3', 'Pi Men']) expect(parseTargetOrName(name)).toEqual({ kind: 'name', name, mission: null });
    expect(parseTargetOrName('Kepler-10', 'Kepler')).toEqual({ kind: 'name', name: 'Kepler-10', mission: 'Kepler' });
    expect(() => parseTargetOrName('')).toThrowError(expect.objectContaining({ name: 'invalid-sample-row' }));
    expect(() => parseTargetOrName('12345')).toThrowError(expect.objectContaining({ name: 'invalid-sample-row' }));
    // An id that says another mission than the mission column stays an error, not a "name".
    expect(() => parseTargetOrName('TIC 5', 'Kepler')).toThrowError(expect.objectContaining({ name: 'invalid-sample-row' }));
    // A mistyped id is an error, not a star's name.
    for (const typo of ['KIC 11442793x', 'KIC abc', 'tic12a', 'EPIC-']) {
      expect(() => parseTargetOrName(typo), typo).toThrowError(expect.objectContaining({ name: 'invalid-sample-row' }));
    }
  });
});

describe('names through the resolver and a cone search', () => {
  it('resolves a TESS star and a Kepler star to their ids, the mission from what MAST holds there', async () => {
    expect(await resolveTarget('WASP-126', null, config, deps)).toEqual({ mission: 'TESS', id: 25155310 });
    expect(await resolveTarget('kepler-90', null, config, deps)).toEqual({ mission: 'Kepler', id: 11442793 });
    const cone = mock.log.filter((e) => e.service === 'Mast.Caom.Filtered.Position').at(-1)?.params as { position: string };
    expect(cone.position).toBe(`284.433491, 49.30516, ${2 / 3600}`);
  });

  it('fails with target-not-found that says to use an id', async () => {
    const unknown = await rejectionOf(resolveTarget('Pi Men', null, config, deps), AppError);
    expect(unknown.name).toBe('target-not-found');
    expect(unknown.message).toBe(`MAST's resolver does not know "Pi Men"; use a TIC, KIC or EPIC id`);
    const wrongMission = await rejectionOf(resolveTarget('Kepler-90', 'TESS', config, deps), AppError);
    expect(wrongMission.message).toMatch(/^MAST has no TESS light curves within 2″ of "Kepler-90" .*; use a TIC, KIC or EPIC id$/);
    // TOI-216 has only an HLSP that is no pipeline of ours.
    expect((await rejectionOf(resolveTarget('TOI-216', null, config, deps), AppError)).name).toBe('target-not-found');
  });

  it('fails with target-not-found when the resolver cannot be reached', async () => {
    const spy = scriptedFetch([rejectWith(new TypeError('Failed to fetch'))]);
    const err = await rejectionOf(resolveTarget('Kepler-10', null, config, { fetch: spy.fetch, retries: 0 }), AppError);
    expect(err.name).toBe('target-not-found');
    expect(err.message).toMatch(/^"Kepler-10" could not be resolved because MAST's name resolver failed \(network-blocked: .*\); use a TIC, KIC or EPIC id instead$/);
  });
});

const p = (author: string, segment: number | null, file = `${author}-${segment}.fits`): LightCurveProduct => ({
  obsId: file,
  productFilename: file,
  dataURI: `mast:x/${file}`,
  size: 1,
  mission: 'TESS',
  author,
  segment,
  exptimeSeconds: 120,
});

describe('product choice', () => {
  it('keeps one pipeline per segment, the best allowed, in segment order', () => {
    const all = [p('QLP', 2), p('TESS-SPOC', 1), p('SPOC', 1), p('QLP', 3), p('TESS-SPOC', 2), p('SPOC', null, 'odd.fits')];
    const names = (list: LightCurveProduct[]) => list.map((x) => x.productFilename);
    expect(names(chooseProducts(all, ['SPOC', 'TESS-SPOC', 'QLP'], 0))).toEqual(['SPOC-1.fits', 'TESS-SPOC-2.fits', 'QLP-3.fits', 'odd.fits']);
    expect(names(chooseProducts(all, ['SPOC'], 0))).toEqual(['SPOC-1.fits', 'odd.fits']);
    expect(names(chooseProducts(all, ['SPOC', 'TESS-SPOC', 'QLP'], 2))).toEqual(['SPOC-1.fits', 'TESS-SPOC-2.fits']);
    // Two files of one pipeline in one segment (Kepler's two Q4 stamps) both stay.
    expect(names(chooseProducts([p('Kepler', 4, 'b.fits'), p('Kepler', 4, 'a.fits')], ['Kepler'], 1))).toEqual(['a.fits', 'b.fits']);
  });

  it('asks MAST only for the allowed pipelines, and ranks them SPOC first whatever the order given', async () => {
    const star = { mission: 'TESS' as const, id: 281459670 };
    const spocOnly = await findLightCurves(star, config, deps);
    expect(spocOnly.map((x) => [x.author, x.segment])).toEqual([['SPOC', 1]]);
    const all = await findLightCurves(star, config, deps, { tessAuthors: ['QLP', 'TESS-SPOC', 'SPOC'], segmentLimit: 0 });
    expect(all.map((x) => [x.author, x.segment])).toEqual([['SPOC', 1], ['TESS-SPOC', 2], ['QLP', 3]]);
    const filter = (mock.log.at(-2)?.params as { filters: Array<{ paramName: string; values: string[] }> }).filters;
    expect(filter.find((f) => f.paramName === 'provenance_name')?.values).toEqual(['SPOC', 'TESS-SPOC', 'QLP']);
    const two = await findLightCurves(star, config, deps, { tessAuthors: ['SPOC', 'QLP'], segmentLimit: 2 });
    expect(two.map((x) => [x.author, x.segment])).toEqual([['SPOC', 1], ['QLP', 2]]);
  });

  it('says which setting would allow a star that has only HLSP light curves', async () => {
    const err = await rejectionOf(findLightCurves({ mission: 'TESS', id: 55652896 }, config, deps), AppError);
    expect(err.name).toBe('no-light-curve');
    expect(err.message).toContain('only from TESS-DATA-ALERTS, not from SPOC; those pipelines are not supported');
  });

  it('checks the network settings, naming the field', () => {
    expect(validateNetworkSettings({ ...DEFAULT_NETWORK_SETTINGS, tessAuthors: ['QLP', 'SPOC'] }).tessAuthors).toEqual(['SPOC', 'QLP']);
    expect(() => validateNetworkSettings({ ...DEFAULT_NETWORK_SETTINGS, downloadConcurrency: 0 })).toThrowError(/^Downloads at once must be a whole number from 1 to 32, got 0$/);
    expect(() => validateNetworkSettings({ ...DEFAULT_NETWORK_SETTINGS, tessAuthors: [] })).toThrowError(/allow at least one/);
  });
});

describe('download hosts', () => {
  it('maps data URIs to the archive and cloud layouts', () => {
    // The TESS example path of mast-and-formats.md §2.1: s0002/0000/0000/0273/3208/.
    expect(mirrorPaths('mast:TESS/product/tess2018234235059-s0002-0000000002733208-0121-s_lc.fits')).toEqual({
      archive: 'missions/tess/tid/s0002/0000/0000/0273/3208/tess2018234235059-s0002-0000000002733208-0121-s_lc.fits',
      cloud: 'tess/public/tid/s0002/0000/0000/0273/3208/tess2018234235059-s0002-0000000002733208-0121-s_lc.fits',
    });
    expect(mirrorPaths('mast:Kepler/url/missions/kepler/lightcurves/0119/011904151/kplr011904151-2010009091648_llc.fits')).toEqual({
      archive: 'missions/kepler/lightcurves/0119/011904151/kplr011904151-2010009091648_llc.fits',
      cloud: 'kepler/public/lightcurves/0119/011904151/kplr011904151-2010009091648_llc.fits',
    });
    expect(mirrorPaths('mast:K2/url/missions/k2/lightcurves/c1/201300000/67000/ktwo201367065-c01_llc.fits')?.archive).toBe(
      'missions/k2/lightcurves/c1/201300000/67000/ktwo201367065-c01_llc.fits',
    );
    expect(mirrorPaths('mast:HLSP/qlp/s0001/x_llc.fits')).toEqual({ archive: 'hlsps/qlp/s0001/x_llc.fits', cloud: 'mast/hlsp/qlp/s0001/x_llc.fits' });
    expect(mirrorPaths('mast:JWST/product/x.fits')).toBeNull();
  });

  it('tries Download, archive, cloud in that order, each behind the proxy prefix, skipping empty bases', () => {
    const uri = 'mast:K2/url/missions/k2/lightcurves/c5/211400000/95000/ktwo211495446-c05_llc.fits';
    const c = { apiBase: 'https://a', downloadBase: 'https://d', archiveBase: 'https://ar', cloudBase: '', proxyPrefix: 'https://p/' };
    expect(productUrls({ dataURI: uri }, c)).toEqual([
      { via: 'Download', url: `https://p/https://d/api/v0.1/Download/file?uri=${uri}` },
      { via: 'archive', url: 'https://p/https://ar/missions/k2/lightcurves/c5/211400000/95000/ktwo211495446-c05_llc.fits' },
    ]);
    // A query-parameter prefix gets the URL encoded, so the inner query stays the inner one.
    const [download] = productUrls({ dataURI: uri }, { ...c, proxyPrefix: 'https://p/?url=' });
    expect(download.url).toBe(`https://p/?url=${encodeURIComponent(`https://d/api/v0.1/Download/file?uri=${uri}`)}`);
  });
});
