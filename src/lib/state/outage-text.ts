import type { OutageStatus } from '../jobs/outage.ts';

/** What the outage banner says, and which button it offers. */
export interface OutageBanner {
  title: string;
  details: string[];
  /** `probe`: ask MAST again now (the run waits); `resume`: start the paused run again. */
  action: { label: string; intent: 'probe' | 'resume' };
}

/** 24-hour local time, as "14:02". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function every(ms: number): string {
  return ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** The banner for a run's network status; null when there is nothing to say. */
export function outageBanner(status: OutageStatus): OutageBanner | null {
  if (status.kind === 'clear') return null;
  if (status.kind === 'first-request-failed') {
    return {
      title: `Could not reach MAST (${status.host})`,
      details: [
        'The first requests of this job got no answer the browser would show to this page. Either MAST or your network is down, ' +
          'or MAST refuses requests from this page: browsers hide answers that lack CORS headers, and cannot tell the two apart.',
        'Nothing was marked failed; the job is paused. To reach MAST through a relay, open the app served by `npm start` ' +
          '(its relay passes the requests on), or set a proxy prefix in Settings › MAST; then press Try again.',
        `Last error: ${status.error}`,
      ],
      action: { label: 'Try again', intent: 'resume' },
    };
  }
  const since = clockTime(status.since);
  const next = status.probing ? 'trying again now' : `trying again every ${every(status.retryEveryMs)}`;
  const title = status.cause === 'offline' ? `The browser is offline since ${since} — ${next}` : `MAST unreachable since ${since} — ${next}`;
  const details = [
    'The job is paused, not failed: the targets it could not download stay pending and the job goes on by itself when MAST answers again.',
    `Last error (${status.host}): ${status.error}`,
  ];
  if (status.refused && status.cause !== 'offline') {
    details.push('If MAST is up, the browser may be refusing its answers (no CORS headers): see Settings › MAST for a proxy prefix, or use `npm start`.');
  }
  return { title, details, action: { label: 'Resume now', intent: 'probe' } };
}
