import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { fetchNonce, newAccount, postVerify, signIn, siweMessage } from '../helpers/wallet.ts';

let server: TestServer;

beforeAll(async () => {
  // More sign-ins from this one client than VERIFY_RATE_LIMIT allows a minute (rate-limits.test.ts tests it).
  server = await startServer({ env: { VERIFY_RATE_LIMIT: '0' } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

const me = (cookie?: string | null): Promise<Response> =>
  fetch(`${server.url}/api/auth/me`, { headers: cookie ? { cookie } : {} });

describe('Sign-In with Ethereum', () => {
  it('hands out single-use nonces of at least 96 bits', async () => {
    const nonces = await Promise.all([fetchNonce(server.url), fetchNonce(server.url)]);
    expect(nonces[0]).not.toBe(nonces[1]);
    for (const nonce of nonces) expect(nonce.length * 5).toBeGreaterThanOrEqual(96);
  });

  it('signs in with a real signature: 200, checksummed address, session cookie, /me answers', async () => {
    const account = newAccount();
    const message = await siweMessage(server.url, account);
    const res = await postVerify(server.url, message, await account.signMessage({ message }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ address: account.address });
    expect(res.cookie).toMatch(/^session=[a-z2-7]{32}\.[a-z2-7]{32}$/);
    const whoami = await me(res.cookie);
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toEqual({ address: account.address });
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ with an explicit expiry ~30 days out', async () => {
    const account = newAccount();
    const message = await siweMessage(server.url, account);
    const res = await fetch(`${server.url}/api/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '');
    expect(Math.abs(expires - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
  });

  it('gives every sign-in a new session', async () => {
    const account = newAccount();
    const [a, b] = [await signIn(server.url, account), await signIn(server.url, account)];
    expect(a).not.toBe(b);
    expect((await me(a)).status).toBe(200);
    expect((await me(b)).status).toBe(200);
  });

  it('refuses a replayed message: the nonce is used up by the first sign-in', async () => {
    const account = newAccount();
    const message = await siweMessage(server.url, account);
    const signature = await account.signMessage({ message });
    expect((await postVerify(server.url, message, signature)).status).toBe(200);
    const replay = await postVerify(server.url, message, signature);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'siwe_invalid' });
    expect(replay.body.message).toMatch(/nonce/);
    expect(replay.cookie).toBeNull();
  });

  const other = newAccount();
  const cases: [string, (account: ReturnType<typeof newAccount>) => Promise<[string, string]>, RegExp][] = [
    [
      'unknown nonce',
      async (a) => {
        const m = await siweMessage(server.url, a, { nonce: 'neverissued1234' });
        return [m, await a.signMessage({ message: m })];
      },
      /nonce/,
    ],
    [
      'expired message',
      async (a) => {
        const m = await siweMessage(server.url, a, {
          issuedAt: new Date(Date.now() - 20 * 60_000),
          expirationTime: new Date(Date.now() - 10 * 60_000),
        });
        return [m, await a.signMessage({ message: m })];
      },
      /expired/,
    ],
    [
      'notBefore in the future',
      async (a) => {
        const m = await siweMessage(server.url, a, { notBefore: new Date(Date.now() + 5 * 60_000) });
        return [m, await a.signMessage({ message: m })];
      },
      /notBefore/,
    ],
    [
      'issued in the future',
      async (a) => {
        const m = await siweMessage(server.url, a, { issuedAt: new Date(Date.now() + 10 * 60_000) });
        return [m, await a.signMessage({ message: m })];
      },
      /future/,
    ],
    [
      'wrong domain',
      async (a) => {
        const m = await siweMessage(server.url, a, { domain: 'evil.example' });
        return [m, await a.signMessage({ message: m })];
      },
      /domain/,
    ],
    [
      'wrong uri',
      async (a) => {
        const m = await siweMessage(server.url, a, { uri: 'https://evil.example/login' });
        return [m, await a.signMessage({ message: m })];
      },
      /uri/,
    ],
    [
      'chain not allowed',
      async (a) => {
        const m = await siweMessage(server.url, a, { chainId: 137 });
        return [m, await a.signMessage({ message: m })];
      },
      /chain 137/,
    ],
    [
      'signature by another account',
      async (a) => {
        const m = await siweMessage(server.url, a);
        return [m, await other.signMessage({ message: m })];
      },
      /not made by/,
    ],
    [
      'message tampered with after signing',
      async (a) => {
        const m = await siweMessage(server.url, a);
        const signature = await a.signMessage({ message: m });
        return [m.replace('Sign in to sentiment-desk', 'Sign in to sentiment-desk and transfer'), signature];
      },
      /not made by/,
    ],
    ['malformed signature', async (a) => [await siweMessage(server.url, a), '0xnot-a-signature'], /malformed/],
    [
      'truncated signature',
      async (a) => {
        const m = await siweMessage(server.url, a);
        return [m, (await a.signMessage({ message: m })).slice(0, 60)];
      },
      /malformed|not made by/,
    ],
  ];

  it.each(cases)('refuses: %s (401 siwe_invalid naming the check, no cookie)', async (_name, build, reason) => {
    const account = newAccount();
    const [message, signature] = await build(account);
    const res = await postVerify(server.url, message, signature);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('siwe_invalid');
    expect(res.body.message).toMatch(reason);
    // The check on its own too, for pages that frame it in their language.
    expect(res.body.message).toBe(`Sign-in refused: ${res.body.reason}.`);
    expect(res.cookie).toBeNull();
  });

  it('answers a malformed body with 400 and an oversized message with 413', async () => {
    const bad = await fetch(`${server.url}/api/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: '{"message": 1}',
    });
    expect(bad.status).toBe(400);
    const account = newAccount();
    const message = await siweMessage(server.url, account, { statement: 'x'.repeat(5000) });
    const big = await postVerify(server.url, message, await account.signMessage({ message }));
    expect(big.status).toBe(413);
  });
});

describe('sessions', () => {
  it('treats forged, stale and malformed cookies as signed out', async () => {
    const cookie = await signIn(server.url, newAccount());
    const [id] = cookie.replace('session=', '').split('.');
    for (const forged of [
      `session=${id}.${'a'.repeat(32)}`,
      `session=${'b'.repeat(32)}.${'c'.repeat(32)}`,
      'session=garbage',
      `${cookie}x`,
    ]) {
      const res = await me(forged);
      expect(res.status).toBe(401);
      // A cookie that names no valid session is cleared.
      expect(res.headers.getSetCookie().some((c) => /^session=;/.test(c))).toBe(true);
    }
    expect((await me(cookie)).status).toBe(200);
  });

  it('expires a session after 30 idle days, deleting it', async () => {
    const cookie = await signIn(server.url, newAccount());
    const id = cookie.replace('session=', '').split('.')[0] ?? '';
    const db = await openDatabase({ url: server.databaseUrl });
    try {
      await db.$client.execute({
        sql: 'UPDATE sessions SET last_active_at = ? WHERE id = ?',
        args: [Date.now() - 31 * 86_400_000, id],
      });
      expect((await me(cookie)).status).toBe(401);
      const left = await db.$client.execute({ sql: 'SELECT count(*) AS n FROM sessions WHERE id = ?', args: [id] });
      expect(Number(left.rows[0]?.n)).toBe(0);
    } finally {
      db.$client.close();
    }
  });

  it('ends the session on the server at logout: the old cookie stops working', async () => {
    const cookie = await signIn(server.url, newAccount());
    const out = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
    });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => /^session=;.*Max-Age=0/.test(c))).toBe(true);
    expect((await me(cookie)).status).toBe(401);
  });

  it('refuses state-changing requests from another site with 403, JSON endpoints included', async () => {
    const cookie = await signIn(server.url, newAccount());
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
      const logout = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie, ...headers } });
      expect(logout.status).toBe(403);
      expect(await logout.json()).toMatchObject({ error: 'cross_site' });
      const vote = await fetch(`${server.url}/api/polls/opg-distribution-retail/votes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ optionIds: ['unchanged'] }),
      });
      expect(vote.status).toBe(403);
    }
    expect((await me(cookie)).status).toBe(200);
  });
});
