import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import {
  DEFAULT_MAST_CONFIG,
  downloadProduct,
  downloadUrl,
  fetchFitsUrl,
  findLightCurves,
  invoke,
  mastConfigFromSearch,
  type MastConfig,
  type MastDeps,
} from '../../src/lib/mast/index.ts';
import { productSegment } from '../../src/lib/mast/segments.ts';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { rejectionOf, scriptedFetch } from '../mock-mast/fetch-script.ts';
import { startMockMast, type MockMast } from '../mock-mast/index.ts';

let mock: MockMast;
let config: MastConfig;
const deps: MastDeps = { fetch: (input, init) => fetch(input, init), sleep: async () => {} };

beforeAll(async () => {
  mock = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
  config = mastConfigFromSearch(`?mast=${mock.url}`);
});
afterAll(() => mock.close());

describe('mastConfigFromSearch', () => {
  it('keeps the default without ?mast=', () => {
    expect(mastConfigFromSearch('?foo=1')).toEqual({
      apiBase: 'https://mast.stsci.edu',
      downloadBase: 'https://mast.stsci.edu',
      archiveBase: 'https://archive.stsci.edu',
      cloudBase: 'https://stpubdata.s3.amazonaws.com',
      proxyPrefix: '',
    });
    expect(mastConfigFromSearch('')).toBe(DEFAULT_MAST_CONFIG);
  });

  it('replaces every host and strips trailing slashes, keeping a path and the proxy prefix', () => {
    const local = 'http://127.0.0.1:8765';
    expect(mastConfigFromSearch('?mast=http://127.0.0.1:8765/')).toEqual({ apiBase: local, downloadBase: local, archiveBase: local, cloudBase: local, proxyPrefix: '' });
    const relay = 'https://relay.example.org/mast';
    expect(mastConfigFromSearch('?x=1&mast=https%3A%2F%2Frelay.example.org%2Fmast%2F%2F', { ...DEFAULT_MAST_CONFIG, proxyPrefix: 'https://p/?u=' })).toEqual({
      apiBase: relay,
      downloadBase: relay,
      archiveBase: relay,
      cloudBase: relay,
      proxyPrefix: 'https://p/?u=',
    });
  });

  it.each(['ftp://example.org', 'mast.stsci.edu', 'javascript:alert(1)', ''])('refuses ?mast=%s', (value) => {
    expect(() => mastConfigFromSearch(`?mast=${encodeURIComponent(value)}`)).toThrowError(
      expect.objectContaining({ name: 'invalid-settings' }),
    );
  });
});

describe('downloadUrl', () => {
  it('percent-encodes the URI but keeps ":" and "/" as astroquery does', () => {
    expect(downloadUrl(DEFAULT_MAST_CONFIG, 'mast:TESS/product/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits')).toBe(
      'https://mast.stsci.edu/api/v0.1/Download/file?uri=mast:TESS/product/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits',
    );
    expect(downloadUrl({ apiBase: 'x', downloadBase: 'http://h:1' }, 'mast:HLSP/a b&c.fits')).toBe(
      'http://h:1/api/v0.1/Download/file?uri=mast:HLSP/a%20b%26c.fits',
    );
  });
});

describe('invoke', () => {
  it('sends a form POST with request=<percent-encoded JSON> and no other header', async () => {
    const spy = scriptedFetch();
    const params = { columns: '*', filters: [{ paramName: 'target_name', values: ['25155310'] }] };
    const table = await invoke(config, 'Mast.Caom.Filtered', params, { fetch: spy.fetch });

    expect(spy.calls).toHaveLength(1);
    const { url, init } = spy.calls[0];
    expect(url).toBe(`${mock.url}/api/v0/invoke`);
    expect(init?.method).toBe('POST');
    expect(init?.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
    const body = String(init?.body);
    expect(body.startsWith('request=')).toBe(true);
    expect(body.slice('request='.length)).not.toMatch(/[{}":,\s]/); // the whole JSON is encoded
    const request = JSON.parse(decodeURIComponent(body.slice('request='.length)));
    expect(Object.keys(request)).toEqual(['service', 'params', 'format', 'pagesize', 'page', 'cacheBreaker']);
    expect(request).toEqual({
      service: 'Mast.Caom.Filtered',
      params,
      format: 'json',
      pagesize: 50000,
      page: 1,
      cacheBreaker: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    // The stand-in decoded the same request, and answered with the SPOC and the HLSP observation.
    expect(mock.log.at(-1)).toMatchObject({ method: 'POST', path: '/api/v0/invoke', service: 'Mast.Caom.Filtered', params, status: 200 });
    expect(table.data.map((r) => r.provenance_name)).toEqual(['SPOC', 'TESS-DATA-ALERTS']);
    expect(table.fields.map((f) => f.name)).toContain('sequence_number');
  });

  it('follows paging and stacks the pages, unless a page is asked for', async () => {
    const spy = scriptedFetch();
    const all = await invoke(config, 'Mast.Caom.Products', { obsid: '9000000021' }, { fetch: spy.fetch }, { pagesize: 2 });
    expect(all.data.map((r) => r.productFilename)).toEqual([
      'kplr011442793-2010174085026_llc.fits',
      'kplr011442793-2009350155506_llc.fits',
      'kplr011442793-2010009091648_llc.fits',
    ]);
    const pages = spy.calls.map((c) => JSON.parse(decodeURIComponent(String(c.init?.body).slice(8))));
    expect(pages.map((r) => r.page)).toEqual([1, 2]);
    expect(pages[1].cacheBreaker).toBe(pages[0].cacheBreaker);

    const second = await invoke(config, 'Mast.Caom.Products', { obsid: '9000000021' }, deps, { pagesize: 2, page: 2 });
    expect(second.data.map((r) => r.productFilename)).toEqual(['kplr011442793-2010009091648_llc.fits']);
  });

  it("turns MAST's ERROR status into mast-error with MAST's message", async () => {
    const err = await rejectionOf(invoke(config, 'Mast.No.Such.Service', {}, deps), AppError);
    expect(err.name).toBe('mast-error');
    expect(err.message).toContain('Unknown service: Mast.No.Such.Service');
    expect(err.transient).toBe(false);
  });
});

describe('findLightCurves', () => {
  it('finds the sector-1 SPOC file of an 8-digit TIC by its bare target_name, not the HLSP', async () => {
    const products = await findLightCurves({ mission: 'TESS', id: 25155310 }, config, deps);
    expect(products).toEqual([
      {
        obsId: 'tess2018206045859-s0001-0000000025155310-0120-s',
        productFilename: 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits',
        dataURI: 'mast:TESS/product/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits',
        size: 2039040,
        mission: 'TESS',
        author: 'SPOC',
        segment: 1,
        exptimeSeconds: 120,
      },
    ]);
    const query = mock.log.filter((e) => e.service === 'Mast.Caom.Filtered').at(-1);
    expect(query?.params).toEqual({
      columns: '*',
      filters: [
        { paramName: 'project', values: ['TESS'], separator: ';' },
        { paramName: 'dataproduct_type', values: ['timeseries', 'cube'] },
        { paramName: 'provenance_name', values: ['SPOC'] },
        { paramName: 'target_name', values: ['25155310'] },
      ],
    });
    expect(mock.log.at(-1)).toMatchObject({ service: 'Mast.Caom.Products', params: { obsid: '9000000001' } });
  });

  it('finds a 9-digit TIC', async () => {
    const products = await findLightCurves({ mission: 'TESS', id: 231663901 }, config, deps);
    expect(products.map((p) => [p.productFilename, p.segment])).toEqual([['tess2018206045859-s0001-0000000231663901-0120-s_lc.fits', 1]]);
  });

  it('finds the three Kepler-90 long-cadence quarters in quarter order, without the short-cadence file', async () => {
    const products = await findLightCurves({ mission: 'Kepler', id: 11442793 }, config, deps);
    expect(products.map((p) => [p.productFilename, p.segment, p.author, p.exptimeSeconds])).toEqual([
      ['kplr011442793-2009350155506_llc.fits', 3, 'Kepler', 1800],
      ['kplr011442793-2010009091648_llc.fits', 4, 'Kepler', 1800],
      ['kplr011442793-2010174085026_llc.fits', 5, 'Kepler', 1800],
    ]);
    expect(products[0].dataURI).toBe('mast:Kepler/url/missions/kepler/lightcurves/0114/011442793/kplr011442793-2009350155506_llc.fits');
    expect(products.every((p) => p.obsId === 'kplr011442793_lc_Q000111000000000000')).toBe(true);
    const query = mock.log.filter((e) => e.service === 'Mast.Caom.Filtered').at(-1)?.params as { filters: unknown[] };
    expect(query.filters).toContainEqual({ paramName: 'target_name', values: ['kplr011442793'] });
    // Both the LC and the SC observation were asked for their products; only LC files came back.
    expect(mock.log.at(-1)?.params).toEqual({ obsid: '9000000021,9000000022' });
  });

  it('finds a K2 campaign-5 file by ktwo + EPIC', async () => {
    const products = await findLightCurves({ mission: 'K2', id: 211495446 }, config, deps);
    expect(products).toEqual([
      {
        obsId: 'ktwo211495446-c05_lc',
        productFilename: 'ktwo211495446-c05_llc.fits',
        dataURI: 'mast:K2/url/missions/k2/lightcurves/c5/211400000/95000/ktwo211495446-c05_llc.fits',
        size: 397440,
        mission: 'K2',
        author: 'K2',
        segment: 5,
        exptimeSeconds: 1800,
      },
    ]);
  });

  it('reports target-not-found for a star MAST does not know', async () => {
    const err = await rejectionOf(findLightCurves({ mission: 'TESS', id: 12345 }, config, deps), AppError);
    expect(err.name).toBe('target-not-found');
    expect(err.message).toMatch(/^MAST has no TESS light curves for TIC 12345: /);
    expect(err.transient).toBe(false);
  });

  it('reports no-light-curve for a star that only has HLSP light curves', async () => {
    const err = await rejectionOf(findLightCurves({ mission: 'TESS', id: 55652896 }, config, deps), AppError);
    expect(err.name).toBe('no-light-curve');
    expect(err.message).toContain('TIC 55652896');
    expect(err.message).toContain('TESS-DATA-ALERTS');
  });

  it('reports no-light-curve when the observations have no light-curve product', async () => {
    // The real answers, with the long-cadence rows taken out of the product list.
    const dropLongCadence = async (url: string, init: RequestInit | undefined, real: typeof fetch) => {
      const answer = await (await real(url, init)).json();
      answer.data = answer.data.filter((r: { productFilename: string }) => !r.productFilename.endsWith('_llc.fits'));
      return new Response(JSON.stringify(answer));
    };
    const spy = scriptedFetch([(u, i, real) => real(u, i), dropLongCadence]);
    const err = await rejectionOf(findLightCurves({ mission: 'Kepler', id: 11442793 }, config, { fetch: spy.fetch }), AppError);
    expect(err.name).toBe('no-light-curve');
    expect(err.message).toContain('KIC 11442793');
    expect(err.details).toMatchObject({ observations: 2, products: 1 });
  });
});

describe('downloadProduct', () => {
  it('returns the exact bytes of each Kepler-90 quarter', async () => {
    const products = await findLightCurves({ mission: 'Kepler', id: 11442793 }, config, deps);
    for (const p of products) {
      const bytes = new Uint8Array(await downloadProduct(p, config, deps));
      expect(Buffer.from(bytes).equals(readFileSync(path.join(LIGHTCURVES, p.productFilename)))).toBe(true);
      expect(mock.downloads(p.productFilename)).toBeGreaterThanOrEqual(1);
    }
  });

  it('returns the exact bytes of a TESS file, with one request', async () => {
    const [p] = await findLightCurves({ mission: 'TESS', id: 38846515 }, config, deps);
    const before = mock.downloads(p.productFilename);
    const bytes = await downloadProduct(p, config, deps);
    expect(bytes.byteLength).toBe(2039040);
    expect(Buffer.from(bytes).equals(readFileSync(path.join(LIGHTCURVES, p.productFilename)))).toBe(true);
    expect(mock.downloads(p.productFilename) - before).toBe(1);
    expect(mock.log.at(-1)).toMatchObject({ method: 'GET', path: '/api/v0.1/Download/file', uri: p.dataURI, status: 200, bytes: 2039040 });
  });
});

describe('fetchFitsUrl', () => {
  it('downloads a light curve named by a plain URL with the same checks', async () => {
    const file = 'ktwo211719918-c05_llc.fits';
    const url = `${mock.url}/api/v0.1/Download/file?uri=mast:K2/url/missions/k2/lightcurves/c5/211700000/19000/${file}`;
    const bytes = await fetchFitsUrl(url, deps);
    expect(Buffer.from(bytes).equals(readFileSync(path.join(LIGHTCURVES, file)))).toBe(true);
    const err = await rejectionOf(fetchFitsUrl(`${mock.url}/demo/missing_llc.fits`, deps), AppError);
    expect(err.name).toBe('download-failed');
    expect(err.message).toBe(`there is no file at ${mock.url}/demo/missing_llc.fits (HTTP 404)`);
    expect(err.transient).toBe(false);
  });
});

describe('productSegment', () => {
  it('reads sectors, quarters and campaigns from the fallbacks when MAST gives no number', () => {
    expect(productSegment('TESS', 'tess2019226182529-s0015-0000000375422201-0151-s_lc.fits', 'Light curves', null)).toBe(15);
    expect(productSegment('TESS', 'x_lc.fits', null, 7)).toBe(7);
    expect(productSegment('Kepler', 'kplr011904151-2010009091648_llc.fits', null, null)).toBe(4);
    expect(productSegment('Kepler', 'kplr011904151-2012179063303_llc.fits', 'Lightcurve Long Cadence (CLC) - Q13', null)).toBe(13);
    expect(productSegment('K2', 'ktwo201367065-c01_llc.fits', null, null)).toBe(1);
    expect(productSegment('K2', 'ktwo229227254-c102_llc.fits', null, null)).toBe(10);
    expect(productSegment('Kepler', 'unknown.fits', 'no quarter here', null)).toBeNull();
  });
});
