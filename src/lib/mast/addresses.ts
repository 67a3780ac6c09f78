/**
 * Which hosts a URL from a setting or a sample list may name. A page that fetches whatever a shared
 * file or link tells it to can be made to probe the user's own machine and network (a router's
 * admin page, a database on localhost), so loopback and private-network addresses are reserved
 * for pages that are themselves served from loopback (a developer running `npm start`).
 */

/** `localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  const v4 = ipv4(host);
  return v4 !== null && v4[0] === 127;
}

/**
 * Loopback, private (RFC 1918), link-local, carrier-grade NAT, "this network" and IPv6 unique-local /
 * link-local addresses, and `.local` / `.internal` names. A public name that resolves to a private
 * address cannot be seen from a page (DNS is not visible to script); the browser's own Private
 * Network Access checks are the guard there.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isLoopbackHost(host)) return true;
  if (host.endsWith('.local') || host.endsWith('.internal') || host.endsWith('.home.arpa')) return true;
  const v4 = ipv4(host);
  if (v4) {
    const [a, b] = v4;
    return a === 0 || a === 10 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (host.startsWith('[') && host.endsWith(']')) {
    const v6 = host.slice(1, -1);
    if (v6 === '::' || v6 === '::1') return true;
    // IPv4-mapped (::ffff:10.0.0.1 is written ::ffff:a00:1 by the URL parser): judge the IPv4 part.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
    if (mapped) {
      const hi = parseInt(mapped[1], 16);
      const lo = parseInt(mapped[2], 16);
      return isPrivateHost(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    const first = parseInt(v6.split(':')[0] || '0', 16);
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
  }
  return false;
}

/**
 * A MAST base, the proxy prefix or `?mast=` may be `https:`, or plain `http:` to `localhost` or
 * `127.0.0.1` (the stand-in, a relay on this machine). Those two are exactly what the page's
 * Content-Security-Policy lets it connect to over plain http (CSP cannot name `[::1]`).
 */
export function isSecureOrLoopback(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

/** The four numbers of a dotted IPv4 address (as the URL parser writes it), else null. */
function ipv4(host: string): [number, number, number, number] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number) as [number, number, number, number];
  return parts.every((p) => p <= 255) ? parts : null;
}
