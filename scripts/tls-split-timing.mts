// Wall time of one large TLS target in the app with 1 and with 2 workers (docs/tls.md, "One target
// over several workers"). Needs `npm run build`. Usage: npx tsx scripts/tls-split-timing.mts [REPEATS]
// Runs Kepler-90 Q3–Q5 (the demo's files, 9,623 points, 32,799 TLS periods) with Run TLS, each run in
// a fresh Chromium profile, alternating 1 and 2 workers; times Start to Finished and checks that the
// tls_* columns (but tls_workers) agree.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { launchBrowser, serveApp, startJob } from '../test/helpers/browser.ts';

const repeats = Number(process.argv[2] ?? 2);
const files = ['kplr011442793-2009350155506_llc.fits', 'kplr011442793-2010009091648_llc.fits', 'kplr011442793-2010174085026_llc.fits'];
const list = path.join(mkdtempSync(path.join(tmpdir(), 'tls-split-')), 'list.csv');
writeFileSync(list, `target,lightcurve_url\nKIC 11442793,${files.map((f) => `demo/${f}`).join(';')}\n`);

const app = await serveApp();

async function run(workers: number): Promise<{ seconds: number; row: Record<string, string> }> {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    const started = await startJob(page, list, { workers, runTls: true });
    while (!((await page.getByTestId('progress').textContent()) ?? '').includes('Finished')) await page.waitForTimeout(100);
    const seconds = (Date.now() - started) / 1000;
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV', exact: true }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    return { seconds, row: Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data[0] };
  } finally {
    await browser.close();
  }
}

const times: Record<number, number[]> = { 1: [], 2: [] };
let first: Record<string, string> | null = null;
for (let r = 0; r < repeats; r++) {
  for (const workers of [1, 2]) {
    const { seconds, row } = await run(workers);
    if (row.status !== 'ok' || row.tls_error) throw new Error(`run failed: ${row.error} ${row.tls_error}`);
    first ??= row;
    const differ = Object.keys(row).filter((c) => c.startsWith('tls_') && c !== 'tls_workers' && row[c] !== first![c]);
    if (differ.length > 0) throw new Error(`tls_* columns differ between runs: ${differ.join(', ')}`);
    times[workers].push(seconds);
    console.log(`${workers} worker(s): ${seconds.toFixed(1)} s, tls_workers ${row.tls_workers}, tls_period ${row.tls_period}, tls_n_periods ${row.tls_n_periods}`);
  }
}
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`median: 1 worker ${median(times[1]).toFixed(1)} s, 2 workers ${median(times[2]).toFixed(1)} s, speed-up ${(median(times[1]) / median(times[2])).toFixed(2)}×`);
await app.close();
