// The outage probe of the network source: one light HEAD request that says whether MAST answers
// again. A host that is back but drops one request (a 503, a request past its limit) is asked once
// more a second later, so that one unlucky answer does not cost a whole step of the backoff; a
// refused request (the outage itself) is not asked again. The clock is a manual one: the probe's
// time limit and its wait pass when the test moves it, never on real timers.
import { describe, expect, it } from 'vitest';
import { NetworkSource } from '../../src/lib/jobs/source.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, PROBE_RETRY_MS } from '../../src/lib/jobs/probe.ts';
import { rejectWith, scriptedFetch, status, type FetchStep } from '../mock-mast/fetch-script.ts';
import { ManualTimers, settle } from '../helpers/manual-timers.ts';

const URL_ = 'http://mast.example/api/v0.1/Download/file?uri=mast:TESS/product/x_lc.fits';
const config = () => ({ apiBase: 'http://mast.example', downloadBase: 'http://mast.example' });
const refused = rejectWith(new TypeError('Failed to fetch'));

/** A request that never answers until its signal aborts it. */
const hang: FetchStep = (_url, init) =>
  new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));

function source(steps: FetchStep[]) {
  const script = scriptedFetch(steps);
  const timers = new ManualTimers();
  const s = new NetworkSource(config, script.fetch, 'http://app.example/', { timers });
  return { source: s, calls: script.calls, timers };
}

/** The probe's answer, or 'waiting' while it has none. */
function watch(answer: Promise<boolean>): () => boolean | 'waiting' {
  let settled: boolean | 'waiting' = 'waiting';
  void answer.then((v) => (settled = v));
  return () => settled;
}

describe('the outage probe', () => {
  it('counts any answer below 500 as the host answering, with one HEAD request and no timer left', async () => {
    for (const code of [200, 404, 405]) {
      const { source: s, calls, timers } = source([status(code)]);
      const answer = watch(s.probe(URL_, new AbortController().signal));
      await settle();
      expect(answer()).toBe(true);
      expect(calls.map((c) => c.init?.method)).toEqual(['HEAD']);
      expect(timers.pending).toBe(0);
    }
  });

  it('does not ask again after a refused request: that is the outage itself', async () => {
    const { source: s, calls, timers } = source([refused, status(404)]);
    const answer = watch(s.probe(URL_, new AbortController().signal));
    await settle();
    expect(answer()).toBe(false);
    expect(calls).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });

  it('asks once more after a 5xx, one second later and not before', async () => {
    const { source: s, calls, timers } = source([status(503), status(404)]);
    const answer = watch(s.probe(URL_, new AbortController().signal));
    await timers.advance(PROBE_RETRY_MS - 1);
    expect(calls).toHaveLength(1);
    expect(answer()).toBe('waiting');
    await timers.advance(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.init?.method).toBe('HEAD');
    expect(answer()).toBe(true);
  });

  it('asks once more, a second after its time limit, after a request that hangs', async () => {
    const { source: s, calls, timers } = source([hang, status(404)]);
    const answer = watch(s.probe(URL_, new AbortController().signal));
    await timers.advance(DEFAULT_PROBE_TIMEOUT_MS - 1);
    expect(calls).toHaveLength(1);
    expect(answer()).toBe('waiting');
    await timers.advance(1); // the limit: the request is aborted
    expect(calls[0]!.init?.signal?.aborted).toBe(true);
    await timers.advance(PROBE_RETRY_MS - 1);
    expect(calls).toHaveLength(1);
    await timers.advance(1);
    expect(calls).toHaveLength(2);
    expect(answer()).toBe(true);
  });

  it('says no when the second answer is no better, and never asks a third time', async () => {
    for (const steps of [[status(503), status(502)], [hang, hang], [status(503), refused], [hang, status(500)]]) {
      const { source: s, calls, timers } = source([...steps, status(404)]);
      const answer = watch(s.probe(URL_, new AbortController().signal));
      await timers.advance(2 * DEFAULT_PROBE_TIMEOUT_MS + PROBE_RETRY_MS);
      expect(answer()).toBe(false);
      expect(calls).toHaveLength(2);
      await timers.advance(60_000);
      expect(calls).toHaveLength(2);
      expect(timers.pending).toBe(0);
    }
  });

  it('stops at once when the run stops during the wait, without asking again', async () => {
    const { source: s, calls, timers } = source([status(503), status(404)]);
    const stop = new AbortController();
    const answer = watch(s.probe(URL_, stop.signal));
    await timers.advance(PROBE_RETRY_MS / 2);
    stop.abort(new DOMException('The run stopped', 'AbortError'));
    await settle();
    expect(answer()).toBe(false);
    expect(timers.pending).toBe(0);
    await timers.advance(60_000);
    expect(calls).toHaveLength(1);
  });

  it('takes a run stopped during a hanging request as a no, not as a request past its limit', async () => {
    const { source: s, calls, timers } = source([hang, status(404)]);
    const stop = new AbortController();
    const answer = watch(s.probe(URL_, stop.signal));
    await timers.advance(1_000);
    stop.abort(new DOMException('The run stopped', 'AbortError'));
    await settle();
    expect(answer()).toBe(false);
    await timers.advance(60_000);
    expect(calls).toHaveLength(1);
  });
});
