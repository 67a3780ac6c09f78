import { readRelayConfig, RELAY_PATH, type RelayConfig } from '../mast/relay.ts';
import { RelayingFetch } from '../mast/relay-client.ts';
import type { SettingsState } from './settings.svelte.ts';

/** How long the page waits for its server to say whether it relays MAST. */
const DETECT_TIMEOUT_MS = 3000;

/**
 * How this page reaches MAST: directly, and through the relay of `npm start` for a host the browser
 * blocks (when the page is served by it). `fetch` is what the network source uses.
 */
export class MastAccess {
  /** The relay of the server that serves this page; null for a static deployment. */
  relay = $state.raw<RelayConfig | null>(null);
  /** Hosts switched to the relay, in the order it happened: said once each in the status line. */
  relayedHosts = $state.raw<string[]>([]);

  private client = new RelayingFetch((input, init) => fetch(input, init), null);

  readonly fetch: typeof fetch = (input, init) => this.client.fetch(input, init);

  /**
   * Asks the page's own server whether it relays MAST (`/mast-relay/config`); a static host answers
   * 404 or its index page, and nothing changes. A server started with `--mast BASE` also points this
   * visit's MAST hosts there, unless the page address says otherwise (`?mast=`).
   */
  async detect(settings: SettingsState): Promise<void> {
    const origin = globalThis.location?.origin;
    if (!origin || !/^https?:/.test(origin)) return;
    let config: RelayConfig | null = null;
    try {
      const response = await fetch(new URL(`${RELAY_PATH}config`, origin), { signal: AbortSignal.timeout(DETECT_TIMEOUT_MS), cache: 'no-store' });
      if (response.ok && (response.headers.get('Content-Type') ?? '').includes('application/json')) config = readRelayConfig(await response.json());
    } catch {
      config = null;
    }
    if (!config) return;
    this.relay = config;
    this.client = new RelayingFetch((input, init) => fetch(input, init), { config, origin }, (host) => {
      this.relayedHosts = [...this.relayedHosts, host];
    });
    if (config.mast) settings.useServerMast(config.mast);
  }
}
