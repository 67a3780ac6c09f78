import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskLightCurveCache } from '../../src/cli/run/disk-cache.ts';
import { formatDuration, outageMessage, ProgressReporter } from '../../src/cli/run/progress.ts';
import { LIST_TTL_MS } from '../../src/lib/jobs/lc-cache.ts';
import type { JobRecord, TargetRecord } from '../../src/lib/jobs/types.ts';
import type { LightCurveProduct } from '../../src/lib/mast/index.ts';
import { DEFAULT_SEARCH_SETTINGS } from '../../src/lib/search/settings.ts';
import { lightCurveFile } from '../helpers/fixtures.ts';

const K2 = 'ktwo211495446-c05_llc.fits';

describe('the on-disk light-curve cache', () => {
  it('keeps files as real FITS files with their metadata, and cleaned arrays exactly', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-cache-'));
    const cache = await DiskLightCurveCache.open(dir);
    const key = `mast:K2/url/missions/k2/lightcurves/c5/211400000/95000/${K2}`;
    expect(await cache.getFile(key)).toBeUndefined();
    const file = { ...lightCurveFile(K2), mission: 'K2' as const, author: 'K2', segment: 5, cacheKey: key };
    const original = new Uint8Array(file.bytes).slice();
    await cache.putFile(key, file);
    // A new cache on the same folder (the next run) finds it.
    const again = await DiskLightCurveCache.open(dir);
    const hit = await again.getFile(key);
    expect(hit).toMatchObject({ name: K2, mission: 'K2', author: 'K2', segment: 5, cacheKey: key });
    expect(Buffer.from(hit!.bytes).equals(Buffer.from(original))).toBe(true);
    const fits = readdirSync(path.join(dir, 'files')).filter((f) => f.endsWith('.fits'));
    expect(fits).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'files', fits[0])).subarray(0, 6).toString()).toBe('SIMPLE');
    expect(readdirSync(path.join(dir, 'files')).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(await again.getFile(`${key}x`)).toBeUndefined();

    const part = {
      mask: 'q:default',
      lc: { time: Float64Array.of(1, 2, 3), flux: Float64Array.of(1, Number.NaN, -0), fluxErr: null, bjdRef: 2454833, mission: 'K2' as const, targetId: 211495446, segments: ['C5'], cadenceDays: 0.02, nRaw: 3, cleaning: { qualityBitmask: 1, dropped: { time: 0, quality: 0, flux: 0 }, fluxErrFilled: 0 } },
    };
    await cache.putCleaned(key, part);
    expect(await again.getCleaned(key, 'q:hard')).toBeUndefined();
    const cleaned = await again.getCleaned(key, 'q:default');
    expect(cleaned?.lc.time).toBeInstanceOf(Float64Array);
    expect(Array.from(cleaned!.lc.flux)).toEqual([1, Number.NaN, -0]);
    expect(Object.is(cleaned!.lc.flux[2], -0)).toBe(true);
  });

  it("asks for a star's product list again after the app's 7 days", async () => {
    let now = 1_000_000;
    const cache = await DiskLightCurveCache.open(mkdtempSync(path.join(os.tmpdir(), 'tf-cache-')), { now: () => now });
    const products = [{ productFilename: K2, dataURI: 'mast:K2/x', mission: 'K2', author: 'K2', segment: 5 }] as unknown as LightCurveProduct[];
    await cache.putList('K2:211495446|SPOC|0', products);
    now += LIST_TTL_MS - 1;
    expect(await cache.getList('K2:211495446|SPOC|0')).toEqual(products);
    expect(await cache.getList('K2:211495446|SPOC,QLP|0')).toBeUndefined();
    now += 2;
    expect(await cache.getList('K2:211495446|SPOC|0')).toBeUndefined();
  });
});

function job(done: number, failed: number, nTargets = 10): JobRecord {
  return { id: 'j', createdAt: 0, fileName: 'l.csv', format: 'ours', columns: ['target'], nSamples: nTargets, nInvalid: 0, nTargets, done, failed, settings: DEFAULT_SEARCH_SETTINGS };
}

const target = (id: number): TargetRecord => ({ jobId: 'j', key: `TESS:${id}`, order: id, target: { mission: 'TESS', id }, status: 'pending' });

describe('progress', () => {
  it('redraws one line on a terminal: done, failed, rate and ETA', () => {
    const written: string[] = [];
    let now = 0;
    const p = new ProgressReporter({ write: (t: string) => written.push(t), isTTY: true, columns: 120 }, () => now);
    p.start(job(0, 0), 'starting');
    expect(written.join('')).toBe('starting\n\r\x1b[2K0/10 targets · 0 failed');
    now = 60_000;
    p.result(job(1, 0), target(1), { status: 'ok', features: {} });
    now = 120_000;
    p.result(job(1, 1), target(2), { status: 'failed', error: { code: 'no-light-curve', message: 'only QLP' }, features: {} });
    const out = written.join('');
    // The failure gets a line of its own above the progress line; the rate is 1 per minute over the last two.
    expect(out).toContain('\r\x1b[2KTIC 2: failed (no-light-curve: only QLP)\n');
    expect(out.endsWith('\r\x1b[2K2/10 targets · 1 failed · 1.0/min · ETA 8m 00s')).toBe(true);
    p.finish(job(1, 1));
    expect(written.at(-1)).toBe('\n');
  });

  it('writes one plain line per target elsewhere, with the time and the same counts', () => {
    const written: string[] = [];
    let now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const p = new ProgressReporter({ write: (t: string) => written.push(t) }, () => now);
    p.start(job(0, 0, 3), '3 targets');
    p.result(job(1, 0, 3), target(7), { status: 'ok', features: {} });
    now += 30_000;
    p.result(job(1, 1, 3), { ...target(8), target: undefined, name: 'Kepler-10' }, { status: 'failed', error: { code: 'target-not-found', message: 'no such star' }, features: {} });
    p.finish(job(1, 1, 3));
    expect(written).toEqual([
      '3 targets\n',
      '2026-01-02T03:04:05.000Z [1/3 targets · 0 failed] TIC 7: ok\n',
      '2026-01-02T03:04:35.000Z [2/3 targets · 1 failed · 2.0/min · ETA 30s] Kepler-10: failed (target-not-found: no such star)\n',
    ]);
    expect(written.join('')).not.toContain('\r');
  });

  it('says when MAST stops and starts answering', () => {
    const outage = { kind: 'outage' as const, since: Date.UTC(2026, 0, 2, 3, 4, 5), cause: 'unreachable' as const, retryEveryMs: 30_000, nextProbeAt: 0, probing: false, host: 'mast.stsci.edu', error: 'HTTP 503', refused: false };
    expect(outageMessage(outage, 'clear')).toBe(
      'MAST unreachable since 2026-01-02T03:04:05.000Z (mast.stsci.edu: HTTP 503); the targets it could not download stay pending, asking again every 30 s',
    );
    expect(outageMessage({ ...outage, probing: true }, 'outage')).toBeNull();
    expect(outageMessage({ kind: 'clear' }, 'outage')).toBe('MAST answers again: the run goes on');
    expect(outageMessage({ kind: 'clear' }, 'clear')).toBeNull();
    expect(outageMessage({ kind: 'first-request-failed', since: 0, host: 'h', error: 'refused' }, 'clear')).toMatch(/^could not reach MAST \(h\): refused\. Nothing was marked failed/);
  });

  it('words durations', () => {
    expect([formatDuration(12.4), formatDuration(245), formatDuration(3720), formatDuration(-3)]).toEqual(['12s', '4m 05s', '1h 02m', '0s']);
  });
});
