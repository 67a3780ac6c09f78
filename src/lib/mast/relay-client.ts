import { hostOf } from './config.ts';
import { allowedBy, RELAY_ERROR_HEADER, toRelayPath, type RelayConfig } from './relay.ts';

/**
 * The relay could not reach the host either: the network (or the host) is down. A TypeError, as
 * fetch's own network errors are, so the client classifies it as before (`network-blocked`).
 */
export class RelayUnreachableError extends TypeError {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`the relay could not reach ${host} either: ${reason}`);
  }
}

/**
 * A fetch that tries each MAST host directly first and, when the browser blocks it (fetch rejects
 * with a TypeError: no CORS headers, or no network), asks the page's own relay instead. A host the
 * relay then answers for is switched for good (this page's lifetime); `onSwitch` is told once per
 * host. When the relay cannot reach the host either, the error stays a TypeError (the network is
 * down), so error codes keep their meaning. Hosts outside the relay's allowlist, and every request
 * when there is no relay (a static deployment), go straight to `fetch`.
 */
export class RelayingFetch {
  private readonly switched = new Set<string>();

  constructor(
    private readonly inner: typeof fetch,
    /** The relay's config and the page origin it lives on; null without a relay. */
    private readonly relay: { config: RelayConfig; origin: string } | null,
    private readonly onSwitch: (host: string) => void = () => {},
  ) {}

  /** Hosts whose requests now go through the relay. */
  get relayedHosts(): string[] {
    return [...this.switched];
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
    if (!this.relay || url === null || !allowedBy(this.relay.config.allow, url)) return this.inner(input, init);
    const origin = new URL(url).origin;
    if (this.switched.has(origin)) return this.viaRelay(url, init);
    try {
      return await this.inner(input, init);
    } catch (err) {
      if (!(err instanceof TypeError) || init?.signal?.aborted) throw err;
      const answer = await this.viaRelay(url, init);
      if (!this.switched.has(origin)) {
        this.switched.add(origin);
        this.onSwitch(hostOf(url));
      }
      return answer;
    }
  };

  private async viaRelay(url: string, init: RequestInit | undefined): Promise<Response> {
    const relayed = new URL(toRelayPath(url), this.relay!.origin).href;
    const res = await this.inner(relayed, init);
    if (res.status === 502 && res.headers.has(RELAY_ERROR_HEADER)) {
      const reason = (await res.text().catch(() => '')).trim() || (res.headers.get(RELAY_ERROR_HEADER) ?? 'no answer');
      throw new RelayUnreachableError(hostOf(url), reason);
    }
    return res;
  }
}
