// The outage probe of the network source: one light HEAD request that says whether MAST answers
// again. A host that is back but drops one request (a 503, a request past its limit) is asked once
// more a second later, so that one unlucky answer does not cost a whole step of the backoff; a
// refused request (the outage itself) is not asked again.
import { describe, expect, it } from 'vitest';
import { NetworkSource } from '../../src/lib/jobs/source.ts';
import { rejectWith, scriptedFetch, status, type FetchStep } from '../mock-mast/fetch-script.ts';

const URL_ = 'http://mast.example/api/v0.1/Download/file?uri=mast:TESS/product/x_lc.fits';
const config = () => ({ apiBase: 'http://mast.example', downloadBase: 'http://mast.example' });

/** A request that never answers until its signal aborts it. */
const hang: FetchStep = (_url, init) =>
  new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));

function source(steps: FetchStep[]) {
  const script = scriptedFetch(steps);
  const s = new NetworkSource(config, script.fetch, 'http://app.example/', { probeTimeoutMs: 50 });
  return { source: s, calls: script.calls };
}

describe('the outage probe', () => {
  it('counts any answer below 500 as the host answering, with one HEAD request', async () => {
    for (const code of [200, 404, 405]) {
      const { source: s, calls } = source([status(code)]);
      expect(await s.probe(URL_, new AbortController().signal)).toBe(true);
      expect(calls.map((c) => c.init?.method)).toEqual(['HEAD']);
    }
  });

  it('does not ask again after a refused request: that is the outage itself', async () => {
    const { source: s, calls } = source([rejectWith(new TypeError('Failed to fetch')), status(404)]);
    expect(await s.probe(URL_, new AbortController().signal)).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('asks once more, a second later, after a 5xx or a request past its limit', async () => {
    for (const first of [status(503), hang]) {
      const { source: s, calls } = source([first, status(404)]);
      const t0 = performance.now();
      expect(await s.probe(URL_, new AbortController().signal)).toBe(true);
      expect(calls).toHaveLength(2);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    }
  });

  it('says no when the second answer is no better, and never asks a third time', async () => {
    for (const steps of [[status(503), status(502)], [hang, hang], [status(503), rejectWith(new TypeError('Failed to fetch'))]]) {
      const { source: s, calls } = source([...steps, status(404)]);
      expect(await s.probe(URL_, new AbortController().signal)).toBe(false);
      expect(calls).toHaveLength(2);
    }
  });

  it('stops at once when the run stops, without asking again', async () => {
    const { source: s, calls } = source([status(503), status(404)]);
    const stop = new AbortController();
    const answer = s.probe(URL_, stop.signal);
    setTimeout(() => stop.abort(new DOMException('The run stopped', 'AbortError')), 100);
    expect(await answer).toBe(false);
    expect(calls).toHaveLength(1);
  });
});
