import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { startExpectingFailure, startServer, type TestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';
import { startSqld, type Sqld } from '../helpers/sqld.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

let sqld: Sqld;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  sqld = await startSqld();
  // Both instances start at the same moment against the same server: migrations must not trip over each other.
  const options = { databaseUrl: sqld.url, env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } };
  [a, b] = await Promise.all([startServer(options), startServer(options)]);
});

afterAll(async () => {
  for (const server of [a, b]) {
    await server?.stop();
    server?.cleanup();
  }
  await sqld?.stop();
  sqld?.cleanup();
});

describe('two instances on one libSQL server (sqld)', () => {
  it('both start, migrated once, and answer healthy', async () => {
    for (const server of [a, b]) {
      expect(await (await fetch(`${server.url}/api/health`)).json()).toMatchObject({ ok: true });
      // A libSQL server's client waits off the thread: ballots are committed on the main thread.
      expect(server.output()).toContain('sentiment-desk: ballots are committed on the main thread');
    }
  });

  it('count every one of 300 parallel votes spread across the instances, and no voter twice', async () => {
    const before = (await getResults(a.url, 'open-change')) as { totalVotes: number };
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => vote(i % 2 ? a.url : b.url, 'open-change', [['a', 'b', 'c'][i % 3]])),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(300);
    type Results = { totalVotes: number; options: { votes: number }[] };
    // A reader without a ballot may see counts up to the cache's 250 ms old, so the other
    // instance's last batches can arrive a moment later: wait for them, then check exactly.
    await expect
      .poll(async () => ((await getResults(b.url, 'open-change')) as Results).totalVotes - before.totalVotes, {
        timeout: 5000,
      })
      .toBe(300);
    const after = (await getResults(b.url, 'open-change')) as Results;
    expect(after.totalVotes - before.totalVotes).toBe(300);
    expect(after.options.reduce((s, o) => s + o.votes, 0)).toBe(after.totalVotes);

    const first = await vote(a.url, 'open-single', ['a']);
    const again = await Promise.all([
      vote(a.url, 'open-single', ['b'], { cookie: first.cookie }),
      vote(b.url, 'open-single', ['c'], { cookie: first.cookie }),
    ]);
    expect(again.map((r) => r.status)).toEqual([409, 409]);
  });

  it('count a ballot cast on one instance in its voter’s next read on the other, whatever that one holds in memory', async () => {
    type Results = { totalVotes: number; myVote: string[] | null };
    const cached = (await getResults(b.url, 'open-change')) as Results;
    const cast = await vote(a.url, 'open-change', ['b']);
    expect(cast.status).toBe(201);
    const mine = (await getResults(b.url, 'open-change', cast.cookie)) as Results;
    expect(mine.myVote).toEqual(['b']);
    expect(mine.totalVotes).toBeGreaterThanOrEqual(cached.totalVotes + 1);
    // Readers without a ballot there learn of it within the cache's short window.
    await expect
      .poll(async () => ((await getResults(b.url, 'open-change')) as Results).totalVotes, { timeout: 5000 })
      .toBeGreaterThanOrEqual(cached.totalVotes + 1);
  });

  it('share sessions: signed in on one instance, known on the other; signed out everywhere', async () => {
    const cookie = await signIn(a.url, newAccount());
    expect((await fetch(`${b.url}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    await fetch(`${b.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: b.url } });
    expect((await fetch(`${a.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('use nonces across instances once: issued by one, consumed by the other', async () => {
    const account = newAccount();
    // signIn fetches the nonce from the URL it verifies against; issue from A, verify on B by hand.
    const { siweMessage, postVerify } = await import('../helpers/wallet.ts');
    const message = (await siweMessage(a.url, account))
      .replace(new URL(a.url).host, new URL(b.url).host)
      .replace(a.url, b.url);
    const signature = await account.signMessage({ message });
    expect((await postVerify(b.url, message, signature)).status).toBe(200);
    expect((await postVerify(b.url, message, signature)).status).toBe(401);
  });

  it('shows comments written on one instance on the other', async () => {
    const cookie = await signIn(a.url, newAccount());
    const posted = await fetch(`${a.url}/api/posts/opg-liquidity-ghost/comments`, {
      method: 'POST',
      headers: { cookie, origin: a.url, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'written on instance A' }),
    });
    expect(posted.status).toBe(201);
    const seen = (await (await fetch(`${b.url}/api/posts/opg-liquidity-ghost/comments`)).json()) as {
      comments: { body: string }[];
    };
    expect(seen.comments.map((c) => c.body)).toContain('written on instance A');
  });

  it('delivers a tally to a subscriber on one instance within 2 s of a vote on the other', async () => {
    const stream = await openSse(`${a.url}/api/polls/open-multi/events`);
    try {
      const initial = (await stream.next('tally')) as { totalVotes: number };
      const started = Date.now();
      expect((await vote(b.url, 'open-multi', ['a'])).status).toBe(201);
      await stream.next('tally', 2000, (d) => (d as { totalVotes: number }).totalVotes > initial.totalVotes);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      stream.close();
    }
  });
});

describe('when the libSQL server goes down', () => {
  it('answers writes with 503 and Retry-After, keeps serving static pages, and recovers without a restart', async () => {
    const cookie = await signIn(a.url, newAccount());
    await sqld.stop();
    try {
      const refused = await vote(a.url, 'open-change', ['a']);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe('unavailable');
      expect(refused.headers.get('retry-after')).toBe('5');
      const comment = await fetch(`${b.url}/api/posts/opg-liquidity-ghost/comments`, {
        method: 'POST',
        headers: { cookie, origin: b.url, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'while down' }),
      });
      expect(comment.status).toBe(503);
      expect(comment.headers.get('retry-after')).toBe('5');
      expect((await fetch(`${a.url}/api/health`)).status).toBe(503);
      const article = await fetch(`${a.url}/posts/opg-liquidity-ghost/`);
      expect(article.status).toBe(200);
      expect(await article.text()).toContain('The liquidity ghost');
    } finally {
      await sqld.restart();
    }
    expect((await vote(a.url, 'open-change', ['a'])).status).toBe(201);
    expect((await fetch(`${b.url}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${a.url}/api/health`)).status).toBe(200);
  });
});

/** A JWT as Turso issues them (EdDSA), read-write. */
function signJwt(key: KeyObject): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part({ a: 'rw', iat: Math.floor(Date.now() / 1000) })}`;
  return `${unsigned}.${sign(null, Buffer.from(unsigned), key).toString('base64url')}`;
}

describe('a libsql:// URL with DATABASE_AUTH_TOKEN (the Turso form), against sqld that demands a signed token', () => {
  it('works with the right token, and refuses to start with a wrong or missing one, saying why', async () => {
    const keys = generateKeyPairSync('ed25519');
    const secured = await startSqld({
      jwtPublicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    // tls=0: plain HTTP on loopback; Turso's URLs use TLS.
    const url = `${secured.url.replace('http://', 'libsql://')}?tls=0`;
    const env = { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' };
    try {
      const server = await startServer({
        databaseUrl: url,
        env: { ...env, DATABASE_AUTH_TOKEN: signJwt(keys.privateKey) },
      });
      try {
        expect((await vote(server.url, 'open-change', ['a'])).status).toBe(201);
        expect(((await getResults(server.url, 'open-change')) as { totalVotes: number }).totalVotes).toBe(1);
      } finally {
        await server.stop();
        server.cleanup();
      }
      const stranger = generateKeyPairSync('ed25519').privateKey;
      for (const token of [signJwt(stranger), '']) {
        const refused = await startExpectingFailure({ ...env, DATABASE_URL: url, DATABASE_AUTH_TOKEN: token });
        expect(refused.code).toBe(1);
        expect(refused.output).toMatch(/start-up failed: cannot open the database at libsql:.*HTTP status 401/);
      }
    } finally {
      await secured.stop();
      secured.cleanup();
    }
  });
});
