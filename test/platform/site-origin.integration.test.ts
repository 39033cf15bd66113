import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { rawRequest, type RawResponse } from '../helpers/http.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { startExpectingFailure, startServer, type TestServer } from '../helpers/server.ts';
import { fetchNonce, newAccount, siweMessage } from '../helpers/wallet.ts';

/**
 * The site answers for one origin, whatever Host a request names: SITE_URL,
 * or in local mode the loopback names on the port it listens on. A write
 * sent with another Host is refused (421) before anything else, so a sign-in
 * message a phishing site had signed for its own name cannot be replayed
 * here by naming that site as Host (issue 35, finding 1).
 */

const env = { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' };

/** A request straight to the server at 127.0.0.1, naming `host` as its Host. */
function send(
  server: TestServer,
  path: string,
  host: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return rawRequest(`${server.url}${path}`, { ...init, headers: { host, ...init.headers } });
}

/** POST /api/auth/verify naming `host`, as a browser on that host (Origin) or a phishing site's server (none) would. */
function verify(server: TestServer, host: string, message: string, signature: string, origin?: string) {
  return send(server, '/api/auth/verify', host, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ message, signature }),
  });
}

const sessionCookie = (res: RawResponse): string | null =>
  ([res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('session=')) ?? '').split(';')[0] || null;

/** Sessions the server holds for a wallet, read from its database. */
async function sessionsOf(server: TestServer, address: string): Promise<number> {
  const db = await openDatabase({ url: server.databaseUrl });
  try {
    return (await db.select().from(sessions).where(eq(sessions.address, address))).length;
  } finally {
    db.$client.close();
  }
}

/**
 * The attack as found: the victim's wallet signs an ordinary message for the phishing page's own domain (so
 * the wallet sees no mismatch), over a nonce the phishing site fetched from the real one; the phishing site
 * then posts it to the real site naming its own domain as Host.
 */
async function phish(server: TestServer, victim: PrivateKeyAccount): Promise<RawResponse> {
  const message = await siweMessage(server.url, victim, {
    domain: 'evil.example',
    uri: 'https://evil.example/',
    nonce: await fetchNonce(server.url),
  });
  return verify(server, 'evil.example', message, await victim.signMessage({ message }));
}

/** The phished message sent to the right Host: refused for naming another site (4xx, no session). */
async function phishedMessageToRightHost(server: TestServer, host: string): Promise<RawResponse> {
  const victim = newAccount();
  const message = await siweMessage(server.url, victim, { domain: 'evil.example', uri: 'https://evil.example/' });
  return verify(server, host, message, await victim.signMessage({ message }));
}

/** Signs a new wallet in through `host` (its message for that host), then casts its wallet ballot through it. */
async function signInAndVote(server: TestServer, host: string): Promise<{ signIn: RawResponse; vote: RawResponse }> {
  const account = newAccount();
  const origin = `http://${host}`;
  const message = await siweMessage(server.url, account, { domain: host, uri: `${origin}/` });
  const signIn = await verify(server, host, message, await account.signMessage({ message }), origin);
  const vote = await send(server, '/api/polls/wallet-only/votes', host, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, cookie: sessionCookie(signIn) ?? '' },
    body: JSON.stringify({ optionIds: ['a'] }),
  });
  return { signIn, vote };
}

function canonicalOf(html: string): string | undefined {
  return /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1];
}

function ogUrlOf(html: string): string | undefined {
  return /<meta property="og:url" content="([^"]+)"/.exec(html)?.[1];
}

describe('local mode: no SITE_URL, loopback HOST', () => {
  let server: TestServer;
  let local: string;

  beforeAll(async () => {
    server = await startServer({ env });
    local = `localhost:${server.port}`;
  });

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
  });

  it('says so at start, with the port it actually listens on', () => {
    expect(server.output()).toContain(
      `local mode: no SITE_URL; accepting localhost, 127.0.0.1 and [::1] on port ${server.port}\n`,
    );
  });

  it('refuses the phished sign-in posted with the phishing site as Host: 421, no session', async () => {
    const victim = newAccount();
    const res = await phish(server, victim);
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'wrong_host', message: expect.stringContaining(local) });
    expect(sessionCookie(res)).toBeNull();
    expect(await sessionsOf(server, victim.address)).toBe(0);
  });

  it('refuses the phished message sent to its own Host too: the message names another site', async () => {
    const res = await phishedMessageToRightHost(server, `127.0.0.1:${server.port}`);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'siwe_invalid',
      reason: expect.stringMatching(/evil\.example/),
    });
    expect(sessionCookie(res)).toBeNull();
  });

  it.each(['127.0.0.1', 'localhost'])('signs in and votes through %s on its port', async (name) => {
    const { signIn, vote } = await signInAndVote(server, `${name}:${server.port}`);
    expect(signIn.status).toBe(200);
    expect(sessionCookie(signIn)).toMatch(/^session=/);
    expect(vote.status).toBe(201);
    expect(JSON.parse(vote.body)).toMatchObject({ myVote: ['a'] });
  });

  it('takes writes through [::1] on its port too', async () => {
    // (viem's createSiweMessage refuses an IPv6 domain, so no wallet signs in there; a ballot and a sign-out do.)
    const host = `[::1]:${server.port}`;
    const headers = { 'content-type': 'application/json', origin: `http://${host}` };
    const vote = await send(server, '/api/polls/open-change/votes', host, {
      method: 'POST',
      headers,
      body: JSON.stringify({ optionIds: ['a'] }),
    });
    expect(vote.status).toBe(201);
    expect((await send(server, '/api/auth/logout', host, { method: 'POST', headers })).status).toBe(200);
  });

  it('refuses a loopback name on another port, and a LAN address, as Host for a write', async () => {
    for (const host of [`localhost:${server.port + 1}`, `192.168.1.5:${server.port}`]) {
      const res = await send(server, '/api/auth/logout', host, { method: 'POST' });
      expect(res.status, host).toBe(421);
    }
  });

  it('answers 421 before any other check, on the fast path and through Astro alike', async () => {
    const cases: [string, string, Record<string, string>, string][] = [
      // Fast route (the vote endpoint): a cross-site Origin and a body that is not JSON.
      ['POST', '/api/polls/open-change/votes', { origin: 'https://evil.example' }, 'not json'],
      ['PUT', '/api/polls/open-change/votes', {}, ''],
      // Astro: an endpoint, a form action with a JSON body, a comment, a report.
      ['POST', '/api/auth/verify', { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, '{'],
      ['POST', '/polls/open-change/?_action=polls.vote', { 'content-type': 'application/json' }, '{}'],
      ['POST', '/api/posts/opg-liquidity-ghost/comments', { 'content-type': 'application/json' }, '{}'],
      ['DELETE', '/api/posts/opg-liquidity-ghost/comments/1', {}, ''],
    ];
    for (const [method, path, headers, body] of cases) {
      const res = await send(server, path, 'evil.example', { method, headers, body });
      expect(res.status, `${method} ${path}`).toBe(421);
      expect(JSON.parse(res.body), `${method} ${path}`).toMatchObject({ error: 'wrong_host' });
    }
  });

  it('serves GETs whatever the Host, with its own origin in their absolute URLs', async () => {
    expect((await send(server, '/api/health', 'evil.example')).status).toBe(200);
    expect((await send(server, '/api/polls/open-change', 'evil.example')).status).toBe(200);
    const page = await send(server, '/polls/open-change/', 'evil.example');
    expect(page.status).toBe(200);
    expect(canonicalOf(page.body)).toBe(`http://${local}/polls/open-change/`);
    expect(ogUrlOf(page.body)).toBe(`http://${local}/polls/open-change/`);
    expect(page.body).not.toContain('evil.example');
    // A loopback name it answers for is kept: a page read at 127.0.0.1 links to 127.0.0.1.
    const own = await send(server, '/polls/open-change/', `127.0.0.1:${server.port}`);
    expect(canonicalOf(own.body)).toBe(`${server.url}/polls/open-change/`);
  });
});

describe('with SITE_URL', () => {
  let server: TestServer;
  let site: URL;

  beforeAll(async () => {
    server = await startServer({ env, ownSiteUrl: true });
    site = new URL(server.url);
  });

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
  });

  it('does not run in local mode', () => {
    expect(server.output()).not.toContain('local mode');
  });

  it('refuses the phished sign-in posted with the phishing site as Host: 421, no session', async () => {
    const victim = newAccount();
    const res = await phish(server, victim);
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'wrong_host' });
    expect(sessionCookie(res)).toBeNull();
    expect(await sessionsOf(server, victim.address)).toBe(0);
  });

  it('refuses the phished message sent to its own Host too', async () => {
    const res = await phishedMessageToRightHost(server, site.host);
    expect(res.status).toBe(401);
    expect(sessionCookie(res)).toBeNull();
  });

  it('answers for SITE_URL only: a loopback name it is not configured with is another host', async () => {
    expect((await signInAndVote(server, site.host)).vote.status).toBe(201);
    const { signIn } = await signInAndVote(server, `localhost:${server.port}`);
    expect(signIn.status).toBe(421);
    expect(sessionCookie(signIn)).toBeNull();
  });

  it('serves a GET with a foreign Host, its canonical and og URLs on SITE_URL', async () => {
    for (const path of ['/polls/open-change/', '/tokens/opg/']) {
      const page = await send(server, path, 'evil.example');
      expect(page.status, path).toBe(200);
      expect(canonicalOf(page.body), path).toBe(`${site.origin}${path}`);
      expect(ogUrlOf(page.body), path).toBe(`${site.origin}${path}`);
      expect(page.body, path).not.toContain('evil.example');
    }
    const oembed = await send(
      server,
      `/oembed?url=${encodeURIComponent(`${site.origin}/polls/open-change/`)}`,
      'evil.example',
    );
    expect(oembed.status).toBe(200);
    expect(JSON.parse(oembed.body)).toMatchObject({ provider_url: `${site.origin}/` });
    expect(oembed.body).toContain(`${site.origin}/polls/open-change/embed/`);
  });
});

describe('start-up without SITE_URL', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-origin-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      { HOST: '0.0.0.0', PORT: '4321' },
      'SITE_URL is not set and HOST=0.0.0.0 is not a loopback address: set SITE_URL to the address readers use ' +
        '(a phone on the LAN needs SITE_URL=http://<lan-address>:4321)',
    ],
    [
      { TRUSTED_PROXIES: '127.0.0.1' },
      'SITE_URL is not set but TRUSTED_PROXIES is: behind a proxy, set SITE_URL to the address readers use ' +
        '(e.g. SITE_URL=https://desk.example)',
    ],
    [
      { NODE_ENV: 'production' },
      'SITE_URL is not set and NODE_ENV=production: set SITE_URL to the address readers use ' +
        '(e.g. SITE_URL=https://desk.example)',
    ],
    [
      { NODE_ENV: 'production', SITE_URL: 'https://desk.example' },
      'SITE_URL=https://desk.example, but dist/ was built without it (its static pages name http://localhost): ' +
        'build again with SITE_URL=https://desk.example (npm start builds)',
    ],
  ])('refuses %j with one line', async (overrides, line) => {
    const { code, output } = await startExpectingFailure({ DATABASE_URL: `file:${join(dir, 'x.db')}`, ...overrides });
    expect(code).toBe(1);
    expect(output).toBe(`sentiment-desk: ${line}\n`);
  });
});
