// The outage policy on a manual clock: when a run pauses itself, how it probes, and that it goes on
// within a minute of the host answering again, whatever the moment the host comes back.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { OutagePolicy, type OutageOptions, type OutageStatus } from '../../src/lib/jobs/outage.ts';
import { ManualTimers } from '../helpers/manual-timers.ts';

const URL_A = 'https://mast.example/api/v0/invoke';
const blocked = (url = URL_A) => new AppError('network-blocked', 'could not reach mast.example', { transient: true, url });
const noAnswer = (url = URL_A) => new AppError('mast-error', 'mast.example did not answer within 120 s', { transient: true, url });

interface Harness {
  policy: OutagePolicy;
  timers: ManualTimers;
  statuses: OutageStatus[];
  probes: number[];
  /** What the probe finds: answered or not, and how long it takes (ms of the manual clock). */
  host: { up: boolean; hangMs: number };
  online: { value: boolean };
}

function harness(options: OutageOptions & { answeredBefore?: boolean } = {}): Harness {
  const timers = new ManualTimers();
  const statuses: OutageStatus[] = [];
  const probes: number[] = [];
  const host = { up: false, hangMs: 0 };
  const online = { value: true };
  const policy = new OutagePolicy(
    {
      probe: (_err, signal) => {
        probes.push(timers.now());
        const answer = host.up;
        const wait = answer ? 100 : host.hangMs;
        return new Promise((resolve) => {
          if (wait === 0) return resolve(answer);
          timers.setTimeout(() => resolve(answer), wait);
          signal.addEventListener('abort', () => resolve(false));
        });
      },
      onChange: (s) => statuses.push(s),
      answeredBefore: options.answeredBefore,
    },
    { timers, online: () => online.value, ...options },
  );
  return { policy, timers, statuses, probes, host, online };
}

/** Fails `n` different targets in a row. */
function failMany(h: Harness, n: number, err = noAnswer()) {
  return Array.from({ length: n }, (_, i) => h.policy.networkFailure(`T${i}`, err));
}

describe('OutagePolicy', () => {
  it('requeues isolated failures and fails a target that keeps failing while the others are answered', () => {
    const h = harness();
    h.policy.answered('A');
    expect(h.policy.networkFailure('X', noAnswer())).toBe('requeue');
    h.policy.answered('B');
    expect(h.policy.networkFailure('X', noAnswer())).toBe('requeue');
    h.policy.answered('C');
    expect(h.policy.networkFailure('X', noAnswer())).toBe('fail');
    expect(h.policy.downloadsAllowed).toBe(true);
    expect(h.statuses).toEqual([]);
  });

  it('declares an outage after three targets in a row fail, saying since when, and probes with backoff up to every 30 s', async () => {
    const h = harness();
    h.policy.answered('A');
    const start = h.timers.now();
    expect(failMany(h, 3)).toEqual(['requeue', 'requeue', 'outage']);
    expect(h.policy.downloadsAllowed).toBe(false);
    const status = h.policy.current;
    expect(status).toMatchObject({ kind: 'outage', since: start, cause: 'unreachable', retryEveryMs: 5_000, host: 'mast.example' });
    // Failures of targets still in flight only go back in line.
    expect(h.policy.networkFailure('T9', noAnswer())).toBe('requeue');
    await h.timers.advance(5 * 60_000);
    const waits = h.probes.map((t, i) => (t - (i === 0 ? start : h.probes[i - 1])) / 1000);
    expect(waits.slice(0, 6)).toEqual([5, 10, 20, 30, 30, 30]);
    expect(h.policy.current).toMatchObject({ kind: 'outage', since: start, retryEveryMs: 30_000 });
  });

  it('goes on within 60 s of the host answering again, whenever it comes back, even when probes hang until their time limit', async () => {
    for (const hangMs of [0, 10_000]) {
      for (let backAfter = 1_000; backAfter < 240_000; backAfter += 6_700) {
        const h = harness();
        h.host.hangMs = hangMs;
        h.policy.answered('A');
        failMany(h, 3);
        const declared = h.timers.now();
        await h.timers.advance(backAfter);
        h.host.up = true;
        const back = h.timers.now();
        let clearedAt = -1;
        for (let t = 0; t <= 90_000 && clearedAt < 0; t += 500) {
          await h.timers.advance(500);
          if (h.policy.current.kind === 'clear') clearedAt = h.timers.now();
        }
        expect(clearedAt, `host back ${backAfter} ms after the outage began (probes hang ${hangMs} ms)`).toBeGreaterThan(declared);
        expect(clearedAt - back).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it('resumes on trial: the next failure declares the outage again without resetting the backoff', async () => {
    const h = harness();
    h.policy.answered('A');
    failMany(h, 3);
    h.host.up = true;
    await h.timers.advance(5_100);
    expect(h.policy.current.kind).toBe('clear');
    expect(h.policy.networkFailure('T0', noAnswer())).toBe('outage');
    expect(h.policy.current).toMatchObject({ kind: 'outage', retryEveryMs: 10_000 });
    // An answer ends the trial: the backoff starts over at the next outage.
    await h.timers.advance(10_000);
    h.policy.answered('T1');
    h.host.up = false;
    failMany(h, 3);
    expect(h.policy.current).toMatchObject({ kind: 'outage', retryEveryMs: 5_000 });
  });

  it('fails a target whose download keeps failing while probes find its host answering', async () => {
    const h = harness();
    h.policy.answered('A');
    h.host.up = true;
    expect(failMany(h, 3)).toEqual(['requeue', 'requeue', 'outage']);
    const verdicts: string[] = [];
    for (let i = 0; i < 3; i++) {
      await h.timers.advance(60_000);
      expect(h.policy.current.kind).toBe('clear');
      verdicts.push(h.policy.networkFailure('X', noAnswer()));
    }
    expect(verdicts).toEqual(['outage', 'outage', 'fail']);
  });

  it('declares an outage at once when every host of a file was unreachable', () => {
    const h = harness();
    h.policy.answered('A');
    const everyHost = new AppError('network-blocked', 'every host was blocked or unreachable', { transient: true, url: URL_A, hosts: ['Download', 'archive', 'cloud'] });
    expect(h.policy.networkFailure('T0', everyHost)).toBe('outage');
    expect(h.policy.current).toMatchObject({ kind: 'outage', cause: 'unreachable', refused: true });
  });

  it('takes a refusal the relay of npm start could not get through for an outage, also at the first request', () => {
    const h = harness();
    const relayed = new AppError('network-blocked', 'the relay could not reach mast.example either', { transient: true, url: URL_A, relayed: true });
    expect(h.policy.networkFailure('T0', relayed)).toBe('outage');
    expect(h.policy.current).toMatchObject({ kind: 'outage', cause: 'unreachable', refused: false });
  });

  it('ends an outage when a download still in flight gets an answer', () => {
    const h = harness();
    h.policy.answered('A');
    failMany(h, 3);
    h.policy.answered('late');
    expect(h.policy.current).toEqual({ kind: 'clear' });
    expect(h.timers.pending).toBe(0);
  });

  it('declares an outage at once when the browser is offline, and asks nothing until it is back online', async () => {
    const h = harness();
    h.policy.answered('A');
    h.online.value = false;
    expect(h.policy.networkFailure('T0', blocked())).toBe('outage');
    expect(h.policy.current).toMatchObject({ kind: 'outage', cause: 'offline', refused: true });
    await h.timers.advance(120_000);
    expect(h.probes).toEqual([]);
    h.online.value = true;
    h.host.up = true;
    h.policy.probeNow();
    await h.timers.advance(1_000);
    expect(h.probes).toHaveLength(1);
    expect(h.policy.current.kind).toBe('clear');
  });

  it('probes at once on Resume now', async () => {
    const h = harness();
    h.policy.answered('A');
    failMany(h, 3);
    h.host.up = true;
    h.policy.probeNow();
    await h.timers.advance(200);
    expect(h.probes).toEqual([h.timers.now() - 200]);
    expect(h.policy.current.kind).toBe('clear');
  });

  it('says a host may be down or refusing cross-origin requests when the very first request of a job is refused', () => {
    const h = harness();
    expect(h.policy.networkFailure('T0', blocked())).toBe('first-request-failed');
    expect(h.policy.current).toMatchObject({ kind: 'first-request-failed', host: 'mast.example' });
    expect(h.policy.downloadsAllowed).toBe(false);
    expect(h.timers.pending).toBe(0);
  });

  it('treats a refusal as an outage once the job has been answered, and a first request without an answer as a failure to count', () => {
    const resumed = harness({ answeredBefore: true });
    expect(resumed.policy.networkFailure('T0', blocked())).toBe('requeue');
    const timedOut = harness();
    expect(timedOut.policy.networkFailure('T0', noAnswer())).toBe('requeue');
  });

  it('stops probing once disposed', async () => {
    const h = harness();
    h.policy.answered('A');
    failMany(h, 3);
    h.policy.dispose();
    await h.timers.advance(120_000);
    expect(h.probes).toEqual([]);
  });
});
