import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSampleList } from '../../src/lib/samples/index.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const PUBLIC = path.join(REPO_ROOT, 'public');

describe('the bundled demo', () => {
  const list = parseSampleList(readFileSync(path.join(PUBLIC, 'demo/sample-list.csv'), 'utf8'), 'sample-list.csv');

  it('is a valid sample list whose light curves ship with the app', () => {
    expect(list.nInvalid).toBe(0);
    expect(list.rows.map((r) => r.key)).toEqual(['TESS:25155310', 'TESS:231663901', 'Kepler:11442793', 'K2:211495446']);
    for (const row of list.rows) {
      expect(row.lightcurveUrls?.length).toBeGreaterThan(0);
      for (const url of row.lightcurveUrls!) expect(existsSync(path.join(PUBLIC, url)), url).toBe(true);
    }
  });

  it('ships the fixture files unmodified (checksums as in SHA256SUMS)', () => {
    const sums = readFileSync(path.join(PUBLIC, 'demo/SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.length).toBe(6);
    for (const line of sums) {
      const [sum, name] = line.split(/\s+/);
      const actual = createHash('sha256').update(readFileSync(path.join(PUBLIC, 'demo', name))).digest('hex');
      expect(actual, name).toBe(sum);
    }
  });
});
