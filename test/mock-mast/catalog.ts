/**
 * What the stand-in MAST knows: the fixture light curves of ../shared/fixtures/lightcurves as CAOM
 * observations and products, with MAST's column names (mast-and-formats.md §1.2).
 *
 * Values come from the files' own headers (RA_OBJ, DEC_OBJ; TSTART/TSTOP and BJDREFI of the
 * LIGHTCURVE extension; SECTOR, QUARTER, CAMPAIGN), from the file sizes, and from MAST's documented
 * patterns (obs_id, target_name, dataURI, descriptions: §1.2, §2.1). Values this project does not
 * know (proposal ids, release dates, footprints...) are null, as MAST's own empty columns are.
 * `obsid` is MAST's internal row id; the real ones of these files are not known here, so the
 * stand-in numbers its own, in a 9e9 range that real TESS (17e9) and Kepler ids do not use.
 */

export interface CatalogProduct {
  productFilename: string;
  dataURI: string;
  /** Bytes of the fixture file; null for a listed-only row. */
  size: number | null;
  description: string;
  productSubGroupDescription: string;
  /** False: MAST lists it but the stand-in has no such file (a Download gets 404). */
  served: boolean;
  /** The fixture file served under this name, when it is not `productFilename` (synthetic targets). */
  sourceFile?: string;
}

export interface CatalogObservation {
  obsid: string;
  obs_id: string;
  obs_collection: 'TESS' | 'Kepler' | 'K2' | 'HLSP';
  project: 'TESS' | 'Kepler' | 'K2';
  provenance_name: string;
  target_name: string;
  s_ra: number;
  s_dec: number;
  dataproduct_type: 'timeseries' | 'cube';
  /** BTJD or BKJD from the headers, with the BJD reference they count from. */
  tstart: number;
  tstop: number;
  bjdref: number;
  t_exptime: number;
  sequence_number: number | null;
  products: CatalogProduct[];
}

/** Real sizes of the fixture files (ls -l), the same for every sector-1 TESS 2-min file (§3). */
const TESS_S1_LC_BYTES = 2_039_040;
const K2_C5_LLC_BYTES = 397_440;
const TESS_BJDREF = 2_457_000;
const KEPLER_BJDREF = 2_454_833;

/** A TESS SPOC 2-min sector-1 observation: obs_id is the file name without `_lc.fits` (§1.2, DD). */
function tessSpocSector1(obsid: string, tic: number, ra: number, dec: number, tstart: number, tstop: number): CatalogObservation {
  const obsId = `tess2018206045859-s0001-${String(tic).padStart(16, '0')}-0120-s`;
  const file = `${obsId}_lc.fits`;
  return {
    obsid,
    obs_id: obsId,
    obs_collection: 'TESS',
    project: 'TESS',
    provenance_name: 'SPOC',
    target_name: String(tic),
    s_ra: ra,
    s_dec: dec,
    dataproduct_type: 'timeseries',
    tstart,
    tstop,
    bjdref: TESS_BJDREF,
    t_exptime: 120,
    sequence_number: 1,
    products: [
      { productFilename: file, dataURI: `mast:TESS/product/${file}`, size: TESS_S1_LC_BYTES, description: 'Light curves', productSubGroupDescription: 'LC', served: true },
    ],
  };
}

/** tess-data-alerts HLSP files (astropy-data, eleanor): the stand-in's own HLSP tree under `mast:HLSP/tess-data-alerts/`. */
function tessDataAlerts(obsid: string, tic: number, ra: number, dec: number, tstart: number, tstop: number): CatalogObservation {
  const obsId = `hlsp_tess-data-alerts_tess_phot_${String(tic).padStart(11, '0')}-s01_tess_v1`;
  const file = `${obsId}_lc.fits`;
  return {
    obsid,
    obs_id: obsId,
    obs_collection: 'HLSP',
    project: 'TESS',
    provenance_name: 'TESS-DATA-ALERTS',
    target_name: String(tic),
    s_ra: ra,
    s_dec: dec,
    dataproduct_type: 'timeseries',
    tstart,
    tstop,
    bjdref: TESS_BJDREF,
    t_exptime: 120,
    sequence_number: 1,
    products: [
      { productFilename: file, dataURI: `mast:HLSP/tess-data-alerts/${file}`, size: TESS_S1_LC_BYTES, description: 'Light curves', productSubGroupDescription: 'LC', served: true },
    ],
  };
}

/** One K2 long-cadence campaign-5 file; its archive folder is `c5/<EPIC[0:4]>00000/<EPIC[4:6]>000/` (§2.1). */
function k2Campaign5(obsid: string, epic: number, ra: number, dec: number, tstart: number, tstop: number): CatalogObservation {
  const e = String(epic);
  const file = `ktwo${e}-c05_llc.fits`;
  return {
    obsid,
    obs_id: `ktwo${e}-c05_lc`,
    obs_collection: 'K2',
    project: 'K2',
    provenance_name: 'K2',
    target_name: `ktwo${e}`,
    s_ra: ra,
    s_dec: dec,
    dataproduct_type: 'cube',
    tstart,
    tstop,
    bjdref: KEPLER_BJDREF,
    t_exptime: 1800,
    sequence_number: 5,
    products: [
      {
        productFilename: file,
        dataURI: `mast:K2/url/missions/k2/lightcurves/c5/${e.slice(0, 4)}00000/${e.slice(4, 6)}000/${file}`,
        size: K2_C5_LLC_BYTES,
        description: 'Lightcurve Long Cadence (KLC) - C5',
        productSubGroupDescription: 'LLC',
        served: true,
      },
    ],
  };
}

function keplerLlc(quarter: number, file: string, size: number): CatalogProduct {
  return {
    productFilename: file,
    dataURI: `mast:Kepler/url/missions/kepler/lightcurves/0114/011442793/${file}`,
    size,
    description: `Lightcurve Long Cadence (CLC) - Q${quarter}`,
    productSubGroupDescription: 'LLC',
    served: true,
  };
}

/** Kepler-90 RA_OBJ / DEC_OBJ (the same in all three quarter files). */
const KEPLER_90 = { ra: 284.433491, dec: 49.30516 };

export const CATALOG: readonly CatalogObservation[] = [
  // TIC 25155310 (WASP-126) is an 8-digit TIC: CAOM's target_name is "25155310", unpadded.
  tessSpocSector1('9000000001', 25155310, 63.37389, -69.226789, 1325.29456531902, 1353.178026739609),
  tessSpocSector1('9000000002', 38846515, 68.959732, -64.02704, 1325.294077028181, 1353.17772793032),
  tessSpocSector1('9000000003', 231663901, 318.736981, -55.87178, 1325.298286631727, 1353.181085639792),
  tessSpocSector1('9000000004', 281459670, 5.618692, -59.942551, 1325.296704105851, 1353.180369422492),
  // The same star as an HLSP (DATA_REL 0): the SPOC filter must leave it out.
  tessDataAlerts('9000000011', 25155310, 63.37389, -69.226789, 1325.29456531902, 1353.178026739609),
  // TOI-216 exists only as an HLSP here: MAST knows the star but has no SPOC light curve of it.
  tessDataAlerts('9000000012', 55652896, 73.980231, -63.260063, 1325.293854134574, 1353.1774907715),
  {
    obsid: '9000000021',
    // One observation per target and cadence; the digits count its files per quarter Q0..Q17 (DD),
    // here the three quarters the stand-in holds.
    obs_id: 'kplr011442793_lc_Q000111000000000000',
    obs_collection: 'Kepler',
    project: 'Kepler',
    provenance_name: 'Kepler',
    target_name: 'kplr011442793',
    s_ra: KEPLER_90.ra,
    s_dec: KEPLER_90.dec,
    dataproduct_type: 'cube',
    tstart: 260.21395547,
    tstop: 538.17259248,
    bjdref: KEPLER_BJDREF,
    t_exptime: 1800,
    sequence_number: null, // not populated for Kepler (§1.2)
    products: [
      // Listed out of quarter order on purpose: the client sorts.
      keplerLlc(5, 'kplr011442793-2010174085026_llc.fits', 492_480),
      keplerLlc(3, 'kplr011442793-2009350155506_llc.fits', 466_560),
      keplerLlc(4, 'kplr011442793-2010009091648_llc.fits', 132_480),
    ],
  },
  {
    // Not a MAST record: a short-cadence observation the stand-in lists but cannot serve, so tests
    // prove that the client keeps long cadence only (`_slc` also ends in `lc.fits`). The file name
    // follows the SC pattern with the Q3 stamp; the file does not exist anywhere.
    obsid: '9000000022',
    obs_id: 'kplr011442793_sc_Q000100000000000000',
    obs_collection: 'Kepler',
    project: 'Kepler',
    provenance_name: 'Kepler',
    target_name: 'kplr011442793',
    s_ra: KEPLER_90.ra,
    s_dec: KEPLER_90.dec,
    dataproduct_type: 'cube',
    tstart: 260.21395547,
    tstop: 349.50613976,
    bjdref: KEPLER_BJDREF,
    t_exptime: 60,
    sequence_number: null,
    products: [
      {
        productFilename: 'kplr011442793-2009350155506_slc.fits',
        dataURI: 'mast:Kepler/url/missions/kepler/lightcurves/0114/011442793/kplr011442793-2009350155506_slc.fits',
        size: null,
        description: 'Lightcurve Short Cadence (CSC) - Q3',
        productSubGroupDescription: 'SLC',
        served: false,
      },
    ],
  },
  k2Campaign5('9000000031', 211436265, 126.204555, 12.189957, 2306.60034116, 2381.44190995),
  k2Campaign5('9000000032', 211495446, 130.43274, 13.074995, 2306.60061797, 2381.44221885),
  k2Campaign5('9000000033', 211719918, 134.078955, 16.18438, 2306.60082977, 2381.44246168),
  // Not MAST records: listed-only HLSP copies of TIC 281459670 so that product choice can be
  // tested. Sector 1 also has SPOC (which must win); sector 2 has only TESS-SPOC and QLP.
  hlspListedOnly('9000000041', 'TESS-SPOC', 281459670, 1, 1800),
  hlspListedOnly('9000000042', 'TESS-SPOC', 281459670, 2, 1800),
  hlspListedOnly('9000000043', 'QLP', 281459670, 2, 1800),
  hlspListedOnly('9000000044', 'QLP', 281459670, 3, 1800),
];

/** HLSP file names as TESS-SPOC and QLP write them (mast-and-formats.md §1.2 authors; LK io). */
function hlspListedOnly(obsid: string, author: 'TESS-SPOC' | 'QLP', tic: number, sector: number, exptime: number): CatalogObservation {
  const t = String(tic).padStart(16, '0');
  const s4 = String(sector).padStart(4, '0');
  const obsId = author === 'QLP' ? `hlsp_qlp_tess_ffi_s${s4}-${t}_tess_v01` : `hlsp_tess-spoc_tess_phot_${t}-s${s4}_tess_v1`;
  const file = `${obsId}_${author === 'QLP' ? 'llc' : 'lc'}.fits`;
  const folder = author === 'QLP' ? 'qlp' : 'tess-spoc';
  return {
    obsid,
    obs_id: obsId,
    obs_collection: 'HLSP',
    project: 'TESS',
    provenance_name: author,
    target_name: String(tic),
    s_ra: 5.618692,
    s_dec: -59.942551,
    dataproduct_type: 'timeseries',
    tstart: 1325.3 + (sector - 1) * 27.4,
    tstop: 1353.2 + (sector - 1) * 27.4,
    bjdref: TESS_BJDREF,
    t_exptime: exptime,
    sequence_number: sector,
    products: [
      { productFilename: file, dataURI: `mast:HLSP/${folder}/s${s4}/${file}`, size: null, description: 'Light curves', productSubGroupDescription: 'LC', served: false },
    ],
  };
}

/** The TIC ids the stand-in invents for benchmarks: far above any real TIC (about 2.0e9 are used). */
export const SYNTHETIC_TIC_BASE = 9_000_000_000;

/**
 * SYNTHETIC, not MAST records: `n` sector-1 SPOC observations of invented TICs
 * (SYNTHETIC_TIC_BASE + 1 …), each serving the bytes of one real fixture file (WASP-126's by
 * default) under its own name, so that a benchmark can run hundreds of targets against real data.
 */
export function syntheticObservations(
  n: number,
  sourceFile: string | readonly string[] = 'tess2018206045859-s0001-0000000025155310-0120-s_lc.fits',
  /** Bytes of each source file, listed as the product's size (default: a sector-1 TESS file's). */
  sizes: Readonly<Record<string, number>> = {},
): CatalogObservation[] {
  // Several sources: target i serves sources[i mod n], so a list mixes light curves.
  const sources = typeof sourceFile === 'string' ? [sourceFile] : sourceFile;
  return Array.from({ length: n }, (_, i) => {
    const o = tessSpocSector1(String(8_000_000_001 + i), SYNTHETIC_TIC_BASE + 1 + i, 63.37389, -69.226789, 1325.29456531902, 1353.178026739609);
    const source = sources[i % sources.length];
    o.products = o.products.map((p) => ({ ...p, sourceFile: source, size: sizes[source] ?? p.size }));
    return o;
  });
}

/** Names the stand-in's resolver knows (Mast.Name.Lookup, §1.4), at the positions of the fixture stars. */
export const NAMES: Record<string, { canonicalName: string; ra: number; decl: number }> = {
  'wasp-126': { canonicalName: 'WASP-126', ra: 63.37389, decl: -69.226789 },
  'kepler-90': { canonicalName: 'Kepler-90', ra: KEPLER_90.ra, decl: KEPLER_90.dec },
  'toi-216': { canonicalName: 'TOI-216', ra: 73.980231, decl: -63.260063 },
  // The fixture's position of TIC 281459670 (the star with HLSP copies), under a test-only name.
  'test-star-hlsp': { canonicalName: 'TEST-STAR-HLSP', ra: 5.618692, decl: -59.942551 },
};

/**
 * The archive's direct path and the cloud copy's key of a served product, written from the
 * layouts of mast-and-formats.md §2.1: TESS `tid/s<SSSS>/<TIC16 in fours>/`, Kepler and K2 under
 * `lightcurves/`, HLSPs under `hlsps/` and `mast/hlsp/`.
 */
export function mirrorKeys(o: CatalogObservation, p: CatalogProduct): { archive: string; cloud: string } {
  if (o.obs_collection === 'TESS') {
    const tic = o.obs_id.split('-')[2];
    const sector = o.obs_id.split('-')[1];
    const tail = `tid/${sector}/${tic.slice(0, 4)}/${tic.slice(4, 8)}/${tic.slice(8, 12)}/${tic.slice(12, 16)}/${p.productFilename}`;
    return { archive: `/missions/tess/${tail}`, cloud: `/tess/public/${tail}` };
  }
  if (o.obs_collection === 'HLSP') {
    const rest = p.dataURI.replace(/^mast:HLSP\//, '');
    return { archive: `/hlsps/${rest}`, cloud: `/mast/hlsp/${rest}` };
  }
  const rest = p.dataURI.replace(/^mast:(Kepler|K2)\/url\/missions\//, '');
  const [mission, ...tail] = rest.split('/');
  return { archive: `/missions/${rest}`, cloud: `/${mission}/public/${tail.join('/')}` };
}

/** CAOM observation columns with `columns: "*"`, in MAST's order, and their `fields` types (§1.2). */
export const OBSERVATION_FIELDS: ReadonlyArray<[string, string]> = [
  ['intentType', 'string'], ['obs_collection', 'string'], ['provenance_name', 'string'], ['instrument_name', 'string'],
  ['project', 'string'], ['filters', 'string'], ['wavelength_region', 'string'], ['target_name', 'string'],
  ['target_classification', 'string'], ['obs_id', 'string'], ['s_ra', 'float'], ['s_dec', 'float'],
  ['dataproduct_type', 'string'], ['proposal_pi', 'string'], ['calib_level', 'int'], ['t_min', 'float'], ['t_max', 'float'],
  ['t_exptime', 'float'], ['em_min', 'float'], ['em_max', 'float'], ['obs_title', 'string'], ['t_obs_release', 'float'],
  ['proposal_id', 'string'], ['proposal_type', 'string'], ['sequence_number', 'int'], ['s_region', 'string'],
  ['jpegURL', 'string'], ['dataURL', 'string'], ['dataRights', 'string'], ['mtFlag', 'boolean'], ['srcDen', 'float'],
  ['obsid', 'string'], ['objID', 'string'], ['_selected_', 'boolean'],
];

/** Mast.Caom.Products columns (§1.2; no `dataURL`, which MAST dropped in 2023). */
export const PRODUCT_FIELDS: ReadonlyArray<[string, string]> = [
  ['obsID', 'string'], ['obs_collection', 'string'], ['dataproduct_type', 'string'], ['obs_id', 'string'],
  ['description', 'string'], ['type', 'string'], ['dataURI', 'string'], ['productType', 'string'],
  ['productGroupDescription', 'string'], ['productSubGroupDescription', 'string'], ['productDocumentationURL', 'string'],
  ['project', 'string'], ['prvversion', 'string'], ['proposal_id', 'string'], ['productFilename', 'string'],
  ['size', 'int'], ['parent_obsid', 'string'], ['dataRights', 'string'], ['calib_level', 'int'], ['filters', 'string'],
  ['_selected_', 'boolean'],
];

/** BTJD / BKJD to MJD, CAOM's unit for t_min and t_max. */
function mjd(t: number, bjdref: number): number {
  return t + bjdref - 2_400_000.5;
}

function withAllColumns(fields: ReadonlyArray<[string, string]>, known: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map(([name]) => [name, known[name] ?? null]));
}

export function observationRow(o: CatalogObservation): Record<string, unknown> {
  return withAllColumns(OBSERVATION_FIELDS, {
    intentType: 'science',
    obs_collection: o.obs_collection,
    provenance_name: o.provenance_name,
    // TESS's instrument is its "Photometer"; Kepler and K2 share the Kepler photometer.
    instrument_name: o.project === 'TESS' ? 'Photometer' : 'Kepler',
    project: o.project,
    filters: o.project === 'TESS' ? 'TESS' : 'KEPLER',
    target_name: o.target_name,
    obs_id: o.obs_id,
    s_ra: o.s_ra,
    s_dec: o.s_dec,
    dataproduct_type: o.dataproduct_type,
    t_min: mjd(o.tstart, o.bjdref),
    t_max: mjd(o.tstop, o.bjdref),
    t_exptime: o.t_exptime,
    sequence_number: o.sequence_number,
    dataRights: 'PUBLIC',
    obsid: o.obsid,
  });
}

export function productRow(o: CatalogObservation, p: CatalogProduct): Record<string, unknown> {
  return withAllColumns(PRODUCT_FIELDS, {
    obsID: o.obsid,
    obs_collection: o.obs_collection,
    dataproduct_type: o.dataproduct_type,
    obs_id: o.obs_id,
    description: p.description,
    type: 'S',
    dataURI: p.dataURI,
    productType: 'SCIENCE',
    productSubGroupDescription: p.productSubGroupDescription,
    project: o.project,
    productFilename: p.productFilename,
    size: p.size,
    parent_obsid: o.obsid,
    dataRights: 'PUBLIC',
  });
}

/** The served product whose `dataURI` this is, in `catalog` (CATALOG plus any synthetic targets). */
export function findServed(dataURI: string, catalog: readonly CatalogObservation[] = CATALOG): CatalogProduct | undefined {
  for (const o of catalog) {
    for (const p of o.products) if (p.served && p.dataURI === dataURI) return p;
  }
  return undefined;
}
