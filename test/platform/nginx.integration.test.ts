import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http.ts';
import { startNginx, type Nginx } from '../helpers/nginx.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { freePort } from '../helpers/ports.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';
import { startSqld, type Sqld } from '../helpers/sqld.ts';

const CLIENT_DIR = fileURLToPath(new URL('../../dist/client/', import.meta.url));
const VOTE_LIMIT = 3;

let sqld: Sqld;
let a: TestServer;
let b: TestServer;
let nginx: Nginx;
/** The site as readers reach it: nginx's address, behind TLS that ends before nginx (SITE_URL). */
let site: URL;

beforeAll(async () => {
  sqld = await startSqld();
  // Behind a proxy the instances must be told the origin readers use, before they start.
  const port = await freePort();
  site = new URL(`https://127.0.0.1:${port}`);
  const env = {
    POLLS_DIR: FIXTURE_POLLS,
    VOTE_RATE_LIMIT: String(VOTE_LIMIT),
    TRUSTED_PROXIES: '127.0.0.1',
    SITE_URL: site.origin,
  };
  [a, b] = await Promise.all([
    startServer({ databaseUrl: sqld.url, env }),
    startServer({ databaseUrl: sqld.url, env }),
  ]);
  nginx = await startNginx([a.port, b.port], port);
});

afterAll(async () => {
  await nginx?.stop();
  nginx?.cleanup();
  for (const server of [a, b]) {
    await server?.stop();
    server?.cleanup();
  }
  await sqld?.stop();
  sqld?.cleanup();
});

/**
 * A ballot for a new voter, sent from a chosen loopback address. It names the site's Host, as nginx forwards
 * it, also when sent straight to an instance: an instance takes writes for the site's host only.
 */
function voteFrom(baseUrl: string, localAddress: string, headers: Record<string, string> = {}) {
  return rawRequest(`${baseUrl}/api/polls/open-change/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', host: site.host, ...headers },
    body: JSON.stringify({ optionIds: ['a'] }),
    localAddress,
  });
}

describe('nginx in front of two instances on sqld (deploy/nginx.conf)', () => {
  it('serves prerendered pages and fingerprinted assets from dist/client, compressed and cacheable', async () => {
    const home = await fetch(`${nginx.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(home.headers.get('etag')).toBeTruthy();
    expect(await home.text()).toBe(readFileSync(`${CLIENT_DIR}index.html`, 'utf8'));

    const asset = readdirSync(`${CLIENT_DIR}_astro`).find((f) => f.endsWith('.js'));
    const script = await rawRequest(`${nginx.url}/_astro/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    if (readFileSync(`${CLIENT_DIR}_astro/${asset}`).length > 512)
      expect(script.headers['content-encoding']).toBe('gzip');

    // An article path without its trailing slash is the same file.
    expect((await fetch(`${nginx.url}/posts/opg-liquidity-ghost`)).status).toBe(200);
    expect((await fetch(`${nginx.url}/_astro/missing.js`)).status).toBe(404);
  });

  it('hands everything else to the instances: API, server-rendered pages, unknown paths', async () => {
    const poll = await fetch(`${nginx.url}/api/polls/open-change`);
    expect(poll.status).toBe(200);
    expect(((await poll.json()) as { id: string }).id).toBe('open-change');
    const token = await fetch(`${nginx.url}/tokens/opg/`);
    expect(token.status).toBe(200);
    expect(await token.text()).toContain('OPG');
    const missing = await fetch(`${nginx.url}/no/such/page/`);
    expect(missing.status).toBe(404);
    // A POST to a path that is a file on disk is not nginx's 405: the instances answer it, with their own JSON
    // 405 naming the methods a prerendered page takes (the front door's route table, issue 35).
    const post = await fetch(`${nginx.url}/about/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await post.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('streams live results unbuffered: a vote through nginx reaches a subscriber through nginx within 2 s', async () => {
    const stream = await openSse(`${nginx.url}/api/polls/open-change/events`);
    try {
      const first = (await stream.next('tally')) as { totalVotes: number };
      // Whichever instance takes the vote, the stream's instance notices within 2 s and nginx passes it on at once.
      const cast = await voteFrom(nginx.url, '127.0.0.8');
      expect(cast.status).toBe(201);
      await stream.next('tally', 2000, (data) => (data as { totalVotes: number }).totalVotes > first.totalVotes);
    } finally {
      stream.close();
    }
  });

  it('gives each real client its own rate-limit bucket, and a forged X-Forwarded-For changes none', async () => {
    // Through nginx from 127.0.0.2, each ballot claiming a different origin: one bucket all the same.
    for (let i = 0; i < VOTE_LIMIT; i++) {
      expect((await voteFrom(nginx.url, '127.0.0.2', { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(201);
    }
    const limited = await voteFrom(nginx.url, '127.0.0.2', { 'x-forwarded-for': '198.51.100.77' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    // Another client behind the same proxy is counted apart: the instances see its address, not nginx's.
    expect((await voteFrom(nginx.url, '127.0.0.3')).status).toBe(201);

    // Straight to an instance from an address that is not a trusted proxy, the header is ignored outright.
    for (let i = 0; i < VOTE_LIMIT; i++) {
      expect((await voteFrom(a.url, '127.0.0.4', { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(201);
    }
    expect((await voteFrom(b.url, '127.0.0.4', { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);

    // The same on Astro's side of the server (sign-in nonces, 60 a minute per client).
    const nonce = (from: string, forged: string) =>
      rawRequest(`${nginx.url}/api/auth/nonce`, { localAddress: from, headers: { 'x-forwarded-for': forged } });
    for (let i = 0; i < 60; i++) expect((await nonce('127.0.0.5', `10.0.${i}.1`)).status).toBe(200);
    expect((await nonce('127.0.0.5', '10.9.9.9')).status).toBe(429);
    expect((await nonce('127.0.0.6', '10.0.0.1')).status).toBe(200);
  });

  it('counts IPv6 clients a /64 at a time: walking through one network does not escape the limit', async () => {
    // From 127.0.0.1, the trusted proxy's own address, as nginx would forward IPv6 readers.
    const from = (address: string) => voteFrom(a.url, '127.0.0.1', { 'x-forwarded-for': address });
    for (let i = 1; i <= VOTE_LIMIT; i++) expect((await from(`2001:db8:5:6::${i}`)).status).toBe(201);
    expect((await from('2001:db8:5:6:ffff::99')).status).toBe(429);
    expect((await from('2001:db8:5:7::1')).status).toBe(201);
  });

  it('takes https from a trusted proxy only: Secure cookies, and an https Origin is same-site', async () => {
    // The site's https Origin and Host, as a browser on it sends them through a TLS-terminating proxy.
    const reader = { 'x-forwarded-proto': 'https', origin: site.origin, host: site.host };
    // nginx's own address, as when it terminates TLS: the fast path and Astro's pages alike.
    const viaProxy = await voteFrom(a.url, '127.0.0.1', reader);
    expect(viaProxy.status).toBe(201);
    expect(String(viaProxy.headers['set-cookie'])).toMatch(/; Secure/);
    const logout = await rawRequest(`${a.url}/api/auth/logout`, {
      method: 'POST',
      headers: reader,
      localAddress: '127.0.0.1',
    });
    expect(logout.status).toBe(200);

    // An https Origin that is not the site's (the instance's own address) is another site, whoever claims https:
    // the site's origin is SITE_URL, never the address a request was sent to.
    const tls = { 'x-forwarded-proto': 'https', origin: `https://${new URL(a.url).host}`, host: site.host };
    expect((await voteFrom(a.url, '127.0.0.7', tls)).status).toBe(403);
    const astro = await rawRequest(`${a.url}/api/auth/logout`, {
      method: 'POST',
      headers: tls,
      localAddress: '127.0.0.7',
    });
    expect(astro.status).toBe(403);
    const plain = await voteFrom(a.url, '127.0.0.7', { 'x-forwarded-proto': 'https' });
    expect(plain.status).toBe(201);
    expect(String(plain.headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('sends the same security headers for a prerendered page from disk as an instance does, with its own hashes', async () => {
    for (const path of ['/', '/about/', '/zh/posts/opg-liquidity-ghost/', '/zh/search/']) {
      const [fromDisk, fromInstance] = await Promise.all([fetch(`${nginx.url}${path}`), fetch(`${a.url}${path}`)]);
      for (const name of [
        'content-security-policy',
        'x-content-type-options',
        'referrer-policy',
        'permissions-policy',
        'cross-origin-opener-policy',
      ]) {
        expect(fromDisk.headers.get(name), `${path} ${name}`).toBe(fromInstance.headers.get(name));
      }
      const policy = fromDisk.headers.get('content-security-policy') ?? '';
      expect(policy).toMatch(/script-src 'self'( 'wasm-unsafe-eval')? 'sha256-/);
      expect(policy).toContain("frame-ancestors 'self'");
      expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(policy.includes("'wasm-unsafe-eval'")).toBe(path.includes('/search/'));
      // Plain HTTP: no HSTS, from either.
      expect(fromDisk.headers.get('strict-transport-security')).toBeNull();
      expect(fromInstance.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sends HSTS only for requests that came over TLS, as a trusted proxy says', async () => {
    const viaProxy = await rawRequest(`${a.url}/about/`, {
      headers: { 'x-forwarded-proto': 'https' },
      localAddress: '127.0.0.1',
    });
    expect(viaProxy.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const claimed = await rawRequest(`${a.url}/about/`, {
      headers: { 'x-forwarded-proto': 'https' },
      localAddress: '127.0.0.7',
    });
    expect(claimed.headers['strict-transport-security']).toBeUndefined();
  });

  it('keeps serving prerendered pages from disk with every instance down; the API answers 502', async () => {
    await Promise.all([a.stop(), b.stop()]);
    expect((await fetch(`${nginx.url}/`)).status).toBe(200);
    expect((await fetch(`${nginx.url}/posts/opg-liquidity-ghost/`)).status).toBe(200);
    expect((await fetch(`${nginx.url}/about/`)).status).toBe(200);
    expect((await fetch(`${nginx.url}/api/polls/open-change`)).status).toBe(502);
  });
});
