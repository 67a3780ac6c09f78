import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isPrivateHost, isSecureOrLoopback } from '../../src/lib/mast/addresses.ts';
import { namespacedCache } from '../../src/lib/jobs/lc-cache-namespace.ts';
import type { LightCurveCache } from '../../src/lib/jobs/lc-cache.ts';
import { cacheNamespace, DEFAULT_MAST_CONFIG, listedFileUrl, mastConfigFromSearch, normalizeMastConfig, withMastBase } from '../../src/lib/mast/index.ts';
import { contentSecurityPolicy } from '../../src/server/csp.ts';

describe('addresses', () => {
  it.each(['localhost', 'LOCALHOST.', 'app.localhost', '127.0.0.1', '127.8.9.10', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(isPrivateHost(host)).toBe(true);
  });

  it.each(['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '[fc00::1]', '[fe80::1]', '[::ffff:a00:1]', 'nas.local', 'db.internal', 'router.home.arpa'])(
    '%s is private',
    (host) => {
      expect(isPrivateHost(host)).toBe(true);
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it.each(['mast.stsci.edu', '8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '[2001:db8::1]', 'localhost.example.org', '[::ffff:808:808]'])('%s is public', (host) => {
    expect(isPrivateHost(host)).toBe(false);
  });

  it('allows plain http only to localhost and 127.0.0.1 (what the CSP allows), https anywhere', () => {
    expect(['https://mast.stsci.edu/', 'https://10.0.0.1/', 'http://127.0.0.1:8765/', 'http://localhost:1/'].map((u) => isSecureOrLoopback(new URL(u)))).toEqual([true, true, true, true]);
    expect(['http://mast.stsci.edu/', 'http://192.168.1.5:8765/', 'http://[::1]:8765/', 'ftp://localhost/'].map((u) => isSecureOrLoopback(new URL(u)))).toEqual([false, false, false, false]);
  });
});

describe('MAST URLs a user can set', () => {
  it('takes an https proxy prefix, or one on this machine', () => {
    for (const proxyPrefix of ['https://relay.example/?url=', 'http://127.0.0.1:8080/']) {
      expect(normalizeMastConfig({ ...DEFAULT_MAST_CONFIG, proxyPrefix }).proxyPrefix).toBe(proxyPrefix);
    }
  });

  it.each(['http://relay.example/?url=', 'http://192.168.1.2/', 'relay.example', 'javascript:alert(1)//'])('refuses the proxy prefix %j, naming the rule', (proxyPrefix) => {
    expect(() => normalizeMastConfig({ ...DEFAULT_MAST_CONFIG, proxyPrefix })).toThrowError(
      `Proxy prefix: "${proxyPrefix}" is not an https URL (or http to localhost / 127.0.0.1), e.g. https://relay.example/?url=`,
    );
  });

  it('refuses plain-http bases and ?mast= values other than localhost / 127.0.0.1', () => {
    expect(() => normalizeMastConfig({ ...DEFAULT_MAST_CONFIG, apiBase: 'http://mast.stsci.edu' })).toThrowError(
      'MAST API base URL: "http://mast.stsci.edu" is not an https URL (or http to localhost / 127.0.0.1), e.g. https://mast.stsci.edu',
    );
    expect(() => mastConfigFromSearch('?mast=http://192.168.1.5:8765')).toThrowError(/is not an https URL \(or http to localhost \/ 127\.0\.0\.1\)/);
    expect(mastConfigFromSearch('?mast=http://localhost:8765').apiBase).toBe('http://localhost:8765');
  });

  it("sends a list's own light-curve URLs through the proxy prefix, except files on the page's origin", () => {
    const config = { ...DEFAULT_MAST_CONFIG, proxyPrefix: 'https://relay.example/?url=' };
    const page = 'https://app.example/tf/';
    expect(listedFileUrl('https://data.example/a.fits', page, config)).toBe('https://relay.example/?url=https%3A%2F%2Fdata.example%2Fa.fits');
    expect(listedFileUrl('https://app.example/tf/demo/a.fits', page, config)).toBe('https://app.example/tf/demo/a.fits');
    expect(listedFileUrl('https://data.example/a.fits', page, DEFAULT_MAST_CONFIG)).toBe('https://data.example/a.fits');
  });
});

describe('the Content-Security-Policy', () => {
  it('allows scripts from the app only (plus WASM compilation), no plugins, no base, no forms, and framing only by header', () => {
    const header = contentSecurityPolicy('header');
    expect(header).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' https: http://localhost:* http://127.0.0.1:*; " +
        "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(contentSecurityPolicy('meta')).toBe(header.replace("; frame-ancestors 'none'", ''));
  });
});

describe('the light-curve cache belongs to the hosts that filled it', () => {
  it("has no namespace for MAST's own hosts (with or without the archive and cloud fallbacks), and one for any other", () => {
    expect(cacheNamespace(DEFAULT_MAST_CONFIG)).toBe('');
    expect(cacheNamespace({ ...DEFAULT_MAST_CONFIG, archiveBase: '', cloudBase: '', proxyPrefix: 'https://p/?u=' })).toBe('');
    const local = withMastBase(DEFAULT_MAST_CONFIG, 'http://127.0.0.1:8765');
    expect(cacheNamespace(local)).toBe('hosts=http://127.0.0.1:8765 http://127.0.0.1:8765 http://127.0.0.1:8765 http://127.0.0.1:8765|');
    expect(cacheNamespace({ ...DEFAULT_MAST_CONFIG, cloudBase: 'https://mirror.example' })).toMatch(/^hosts=.*https:\/\/mirror\.example\|$/);
  });

  it('keeps every key of a namespaced cache apart, cleaned arrays included', async () => {
    const store = new Map<string, unknown>();
    const inner: LightCurveCache = {
      getFile: async (key) => store.get(`file:${key}`) as never,
      putFile: async (key, file) => void store.set(`file:${key}`, file),
      getList: async (key) => store.get(`list:${key}`) as never,
      putList: async (key, products) => void store.set(`list:${key}`, products),
      getCleaned: async (key, mask) => store.get(`cleaned:${key}#${mask}`) as never,
      putCleaned: async (key, part) => void store.set(`cleaned:${key}#m`, part),
    };
    const other = namespacedCache(inner, 'hosts=x|');
    await other.putFile('mast:TESS/product/a.fits', { name: 'a.fits', bytes: new ArrayBuffer(8) });
    await other.putList('TESS:1|SPOC|0', []);
    await other.putCleaned!('mast:TESS/product/a.fits', { lc: {} } as never);
    expect([...store.keys()]).toEqual(['file:hosts=x|mast:TESS/product/a.fits', 'list:hosts=x|TESS:1|SPOC|0', 'cleaned:hosts=x|mast:TESS/product/a.fits#m']);
    expect(await inner.getFile('mast:TESS/product/a.fits')).toBeUndefined();
    expect(await other.getFile('mast:TESS/product/a.fits')).toMatchObject({ name: 'a.fits' });
    expect(await other.getCleaned!('mast:TESS/product/a.fits', 'm')).toEqual({ lc: {} });
    expect(namespacedCache(inner, '')).toBe(inner);
  });
});
