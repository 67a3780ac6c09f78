import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIGHTCURVES } from '../helpers/paths.ts';
import { CATALOG, startMockMast, type MockMast } from '../mock-mast/index.ts';

let mock: MockMast;
let closed: MockMast;

beforeAll(async () => {
  mock = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES });
  closed = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, corsOrigin: null });
});
afterAll(async () => {
  await mock.close();
  await closed.close();
});

const KEPLER_Q3 = 'kplr011442793-2009350155506_llc.fits';
const KEPLER_Q3_URI = `mast:Kepler/url/missions/kepler/lightcurves/0114/011442793/${KEPLER_Q3}`;

/** POSTs a request object the way MAST clients do and returns the parsed envelope. */
async function query(request: object, base = mock.url) {
  const res = await fetch(`${base}/api/v0/invoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `request=${encodeURIComponent(JSON.stringify(request))}`,
  });
  expect(res.status).toBe(200);
  return res.json();
}

const filtered = (filters: object[], columns = '*') => query({ service: 'Mast.Caom.Filtered', params: { columns, filters }, format: 'json', pagesize: 50000, page: 1 });

describe('catalogue', () => {
  it('lists every served file with its real size', () => {
    const served = CATALOG.flatMap((o) => o.products.filter((p) => p.served));
    expect(served).toHaveLength(12); // 4 SPOC + 2 HLSP TESS, 3 Kepler quarters, 3 K2
    for (const p of served) expect(statSync(path.join(LIGHTCURVES, p.productFilename)).size).toBe(p.size);
  });

  it('refuses to start when a catalogued file is missing', async () => {
    await expect(startMockMast({ port: 0, lightcurveDir: path.join(LIGHTCURVES, 'no-such-dir') })).rejects.toThrow(/ENOENT/);
  });
});

describe('Mast.Caom.Filtered', () => {
  it("answers with MAST's envelope and observation columns", async () => {
    const answer = await filtered([{ paramName: 'target_name', values: ['231663901'] }]);
    expect(answer.status).toBe('COMPLETE');
    expect(answer.msg).toBe('');
    expect(answer.paging).toEqual({ page: 1, pageSize: 50000, pagesFiltered: 1, rows: 1, rowsFiltered: 1, rowsTotal: 1 });
    const names = answer.fields.map((f: { name: string }) => f.name);
    for (const column of ['intentType', 'obs_collection', 'provenance_name', 'instrument_name', 'project', 'filters', 'target_name', 'obs_id', 's_ra', 's_dec', 'dataproduct_type', 't_min', 't_max', 't_exptime', 'sequence_number', 'obsid', 'dataURL']) {
      expect(names).toContain(column);
    }
    const [row] = answer.data;
    expect(Object.keys(row)).toEqual(names);
    expect(row).toMatchObject({
      obs_collection: 'TESS',
      project: 'TESS',
      provenance_name: 'SPOC',
      target_name: '231663901',
      obs_id: 'tess2018206045859-s0001-0000000231663901-0120-s',
      dataproduct_type: 'timeseries',
      s_ra: 318.736981, // RA_OBJ of the file
      s_dec: -55.87178,
      t_exptime: 120,
      sequence_number: 1,
    });
    // TSTART 1325.298286631727 BTJD = 2458325.298286631727 BJD = MJD 58324.798286631727
    expect(row.t_min).toBeCloseTo(58324.798286631727, 9);
  });

  it('ORs the values of one filter and ANDs the filters', async () => {
    const both = await filtered([{ paramName: 'target_name', values: ['25155310', 'ktwo211495446'] }]);
    expect(both.data.map((r: { obs_id: string }) => r.obs_id).sort()).toEqual([
      'hlsp_tess-data-alerts_tess_phot_00025155310-s01_tess_v1',
      'ktwo211495446-c05_lc',
      'tess2018206045859-s0001-0000000025155310-0120-s',
    ]);
    const spocOnly = await filtered([
      { paramName: 'target_name', values: ['25155310', 'ktwo211495446'] },
      { paramName: 'provenance_name', values: ['SPOC'] },
    ]);
    expect(spocOnly.data.map((r: { obs_id: string }) => r.obs_id)).toEqual(['tess2018206045859-s0001-0000000025155310-0120-s']);
    const hlsp = await filtered([
      { paramName: 'obs_collection', values: ['HLSP'] },
      { paramName: 'provenance_name', values: ['TESS-DATA-ALERTS'] },
    ]);
    expect(hlsp.data.map((r: { target_name: string }) => r.target_name)).toEqual(['25155310', '55652896']);
    const c5 = await filtered([
      { paramName: 'project', values: ['K2'] },
      { paramName: 'sequence_number', values: ['5'] },
      { paramName: 'dataproduct_type', values: ['timeseries', 'cube'] },
    ]);
    expect(c5.data).toHaveLength(3);
  });

  it('counts with COUNT_BIG(*)', async () => {
    const answer = await filtered([{ paramName: 'project', values: ['Kepler'] }], 'COUNT_BIG(*)');
    expect(answer.data).toEqual([{ Column1: 2 }]);
  });

  it("gives MAST's empty answer for an unknown target", async () => {
    const answer = await filtered([{ paramName: 'target_name', values: ['999999999'] }]);
    expect(answer.status).toBe('COMPLETE');
    expect(answer.data).toEqual([]);
    expect(answer.paging.rowsFiltered).toBe(0);
  });

  it('answers ERROR for an unknown column or service', async () => {
    expect(await filtered([{ paramName: 'no_such_column', values: ['1'] }])).toMatchObject({ status: 'ERROR', msg: 'Invalid column name: no_such_column' });
    expect(await query({ service: 'Mast.Nope', params: {} })).toMatchObject({ status: 'ERROR', msg: 'Unknown service: Mast.Nope', data: [] });
  });

  it('accepts GET with the request in the query string, as older astroquery sent it', async () => {
    const request = { service: 'Mast.Caom.Filtered', params: { columns: '*', filters: [{ paramName: 'target_name', values: ['kplr011442793'] }] } };
    const res = await fetch(`${mock.url}/api/v0/invoke?request=${encodeURIComponent(JSON.stringify(request))}`);
    const answer = await res.json();
    expect(answer.data.map((r: { obs_id: string }) => r.obs_id)).toEqual(['kplr011442793_lc_Q000111000000000000', 'kplr011442793_sc_Q000100000000000000']);
    expect(mock.log.at(-1)).toMatchObject({ method: 'GET', service: 'Mast.Caom.Filtered', params: request.params, status: 200 });
  });
});

describe('Mast.Caom.Products', () => {
  it("lists products with MAST's product columns, without dataURL", async () => {
    const answer = await query({ service: 'Mast.Caom.Products', params: { obsid: '9000000031,9000000022' }, format: 'json', pagesize: 50000, page: 1 });
    const names = answer.fields.map((f: { name: string }) => f.name);
    for (const column of ['obsID', 'obs_collection', 'dataproduct_type', 'obs_id', 'description', 'type', 'dataURI', 'productType', 'productGroupDescription', 'productSubGroupDescription', 'productFilename', 'size', 'parent_obsid', 'dataRights', 'project', 'prvversion', 'proposal_id']) {
      expect(names).toContain(column);
    }
    expect(names).not.toContain('dataURL');
    expect(answer.data.map((r: Record<string, unknown>) => [r.obsID, r.obs_id, r.productFilename, r.size, r.description])).toEqual([
      ['9000000022', 'kplr011442793_sc_Q000100000000000000', 'kplr011442793-2009350155506_slc.fits', null, 'Lightcurve Short Cadence (CSC) - Q3'],
      ['9000000031', 'ktwo211436265-c05_lc', 'ktwo211436265-c05_llc.fits', 397440, 'Lightcurve Long Cadence (KLC) - C5'],
    ]);
  });

  it('pages with pagesize and page', async () => {
    const answer = await query({ service: 'Mast.Caom.Products', params: { obsid: '9000000021' }, pagesize: 2, page: 2 });
    expect(answer.paging).toEqual({ page: 2, pageSize: 2, pagesFiltered: 2, rows: 1, rowsFiltered: 3, rowsTotal: 3 });
    expect(answer.data).toHaveLength(1);
  });
});

describe('Download/file', () => {
  it('serves the fixture bytes with MAST-like headers, with or without the trailing slash', async () => {
    const expected = readFileSync(path.join(LIGHTCURVES, KEPLER_Q3));
    for (const route of ['/api/v0.1/Download/file', '/api/v0.1/Download/file/']) {
      const res = await fetch(`${mock.url}${route}?uri=${KEPLER_Q3_URI}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-length')).toBe('466560');
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(Buffer.from(await res.arrayBuffer()).equals(expected)).toBe(true);
    }
    expect(mock.downloads(KEPLER_Q3)).toBe(2);
  });

  it('answers HEAD with the length and no body, and a range with 206', async () => {
    const head = await fetch(`${mock.url}/api/v0.1/Download/file?uri=${KEPLER_Q3_URI}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('466560');
    expect(mock.log.at(-1)).toMatchObject({ method: 'HEAD', uri: KEPLER_Q3_URI, status: 200, bytes: 0 });
    const part = await fetch(`${mock.url}/api/v0.1/Download/file?uri=${KEPLER_Q3_URI}`, { headers: { Range: 'bytes=0-79' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 0-79/466560');
    expect(new TextDecoder().decode(await part.arrayBuffer())).toMatch(/^SIMPLE {2}= {20}T/);
  });

  it('answers 404 for a URI it does not serve, including listed-only products', async () => {
    for (const uri of ['mast:TESS/product/nothing.fits', 'mast:Kepler/url/missions/kepler/lightcurves/0114/011442793/kplr011442793-2009350155506_slc.fits']) {
      const res = await fetch(`${mock.url}/api/v0.1/Download/file?uri=${encodeURIComponent(uri)}`);
      expect(res.status).toBe(404);
      expect(mock.log.at(-1)).toMatchObject({ uri, status: 404 });
    }
  });
});

describe('CORS', () => {
  it('answers a preflight and labels every answer', async () => {
    const res = await fetch(`${mock.url}/api/v0/invoke`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('sends no CORS header when corsOrigin is null, as a MAST without CORS would', async () => {
    const res = await fetch(`${closed.url}/api/v0.1/Download/file?uri=${KEPLER_Q3_URI}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await res.arrayBuffer();
    const answer = await query({ service: 'Mast.Caom.Products', params: { obsid: '9000000001' } }, closed.url);
    expect(answer.data).toHaveLength(1);
  });
});

describe('switches', () => {
  it('shares one link among concurrent bodies at the set bandwidth', async () => {
    const slow = await startMockMast({ port: 0, lightcurveDir: LIGHTCURVES, faults: { bandwidth: 2_000_000 } });
    try {
      const size = statSync(path.join(LIGHTCURVES, KEPLER_Q3)).size; // 466,560 bytes
      const t0 = performance.now();
      const bodies = await Promise.all([0, 1].map(() => fetch(`${slow.url}/api/v0.1/Download/file?uri=${KEPLER_Q3_URI}`).then((r) => r.arrayBuffer())));
      const seconds = (performance.now() - t0) / 1000;
      expect(bodies.map((b) => b.byteLength)).toEqual([size, size]);
      // Two files over one 2 MB/s link: at least 2 × 466,560 / 2e6 = 0.47 s, not the 0.23 s of two links.
      expect(seconds).toBeGreaterThan(0.45);
    } finally {
      await slow.close();
    }
  });

  it('answers the resolver and the cone search, nearest first with the distance in arcsec', async () => {
    const lookup = await query({ service: 'Mast.Name.Lookup', params: { input: 'Kepler-90', format: 'json' } });
    expect(lookup.resolvedCoordinate[0]).toMatchObject({ canonicalName: 'Kepler-90', ra: 284.433491, decl: 49.30516 });
    expect((await query({ service: 'Mast.Name.Lookup', params: { input: 'Nowhere-1' } })).resolvedCoordinate).toEqual([]);
    const cone = await query({ service: 'Mast.Caom.Filtered.Position', params: { columns: '*', filters: [], position: '284.4335, 49.30516, 0.001' } });
    expect(cone.data.map((r: { target_name: string }) => r.target_name)).toEqual(['kplr011442793', 'kplr011442793']);
    // 0.000009° of RA at Dec 49.3° is 0.0211″.
    expect(cone.data[0].distance).toBeCloseTo(0.0211, 3);
  });

  it('serves the archive and cloud layouts and redirects Download to a second host', async () => {
    const archive = await fetch(`${mock.url}/missions/kepler/lightcurves/0114/011442793/${KEPLER_Q3}`);
    const cloud = await fetch(`${mock.url}/kepler/public/lightcurves/0114/011442793/${KEPLER_Q3}`);
    expect([archive.status, cloud.status]).toEqual([200, 200]);
    expect(Buffer.from(await cloud.arrayBuffer()).equals(readFileSync(path.join(LIGHTCURVES, KEPLER_Q3)))).toBe(true);
    await archive.arrayBuffer();
    expect((await fetch(`${mock.url}/missions/kepler/lightcurves/0114/011442793/nothing_llc.fits`)).status).toBe(404);
    mock.faults = { redirectTo: 'http://s3.example' };
    try {
      const res = await fetch(`${mock.url}/api/v0.1/Download/file?uri=${KEPLER_Q3_URI}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`http://s3.example/kepler/public/lightcurves/0114/011442793/${KEPLER_Q3}`);
    } finally {
      mock.faults = {};
    }
  });
});
