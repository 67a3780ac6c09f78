// What the outage banner says for each network status of a run.
import { describe, expect, it } from 'vitest';
import { clockTime, outageBanner } from '../../src/lib/state/outage-text.ts';

const at1402 = new Date(2026, 0, 5, 14, 2, 31).getTime();
const outage = {
  kind: 'outage' as const,
  since: at1402,
  cause: 'unreachable' as const,
  retryEveryMs: 30_000,
  nextProbeAt: at1402 + 30_000,
  probing: false,
  host: 'mast.stsci.edu',
  error: 'could not reach mast.stsci.edu',
  refused: false,
};

describe('outageBanner', () => {
  it('says nothing when the network is clear', () => {
    expect(outageBanner({ kind: 'clear' })).toBeNull();
  });

  it('says since when MAST is unreachable and how often it is asked, with Resume now', () => {
    const b = outageBanner(outage)!;
    expect(clockTime(at1402)).toBe('14:02');
    expect(b.title).toBe('MAST unreachable since 14:02 — trying again every 30 s');
    expect(b.action).toEqual({ label: 'Resume now', intent: 'probe' });
    expect(b.details.join(' ')).toMatch(/paused, not failed.*pending.*goes on by itself/);
    expect(b.details.join(' ')).not.toMatch(/CORS/);
    expect(outageBanner({ ...outage, probing: true })!.title).toBe('MAST unreachable since 14:02 — trying again now');
    expect(outageBanner({ ...outage, retryEveryMs: 5_000 })!.title).toMatch(/every 5 s$/);
  });

  it('names the browser being offline, and the possibility of CORS when requests were refused', () => {
    expect(outageBanner({ ...outage, cause: 'offline' })!.title).toBe('The browser is offline since 14:02 — trying again every 30 s');
    expect(outageBanner({ ...outage, refused: true })!.details.join(' ')).toMatch(/CORS.*proxy prefix.*npm start/);
  });

  it('gives both explanations of a refused first request and what to do, with Try again', () => {
    const b = outageBanner({ kind: 'first-request-failed', since: at1402, host: '127.0.0.1:8765', error: 'could not reach 127.0.0.1:8765' })!;
    expect(b.title).toBe('Could not reach MAST (127.0.0.1:8765)');
    const text = b.details.join(' ');
    expect(text).toMatch(/Either MAST or your network is down, or MAST refuses requests from this page/);
    expect(text).toMatch(/npm start/);
    expect(text).toMatch(/proxy prefix in Settings › MAST/);
    expect(text).toMatch(/Nothing was marked failed/);
    expect(b.action).toEqual({ label: 'Try again', intent: 'resume' });
  });
});
