import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';
import { fetchNonce, newAccount, postVerify, siweMessage } from '../helpers/wallet.ts';

/**
 * The limits on costly endpoints, per client network: sign-in attempts
 * (counted before the body is read, and a message with a dead nonce refused
 * before its signature is checked) and CSV downloads. Each client is named
 * through a trusted proxy, with documentation addresses only ever written in
 * a header.
 */

const CSV_LIMIT = 4;
const env = serverForTests({
  env: { POLLS_DIR: FIXTURE_POLLS, TRUSTED_PROXIES: '127.0.0.1', CSV_RATE_LIMIT: String(CSV_LIMIT) },
  ownSiteUrl: true,
});

const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

/** A POST /api/auth/verify with any body, as a client at `address`. */
async function verifyRaw(address: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${env.server.url}/api/auth/verify`, {
    method: 'POST',
    headers: { 'content-type': contentType, origin: env.server.url, ...from(address) },
    body,
  });
}

async function expectLimited(response: Response, what: RegExp): Promise<void> {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe('rate_limited');
  expect(body.message).toMatch(what);
}

describe('POST /api/auth/verify, 20 a minute per client network', () => {
  it('answers the 21st attempt in a minute with 429 before reading its body, whatever the body', async () => {
    const client = '198.51.100.21';
    for (let n = 0; n < 20; n++) {
      const refused = await verifyRaw(client, 'not json at all', 'text/plain');
      expect(refused.status).toBe(400);
    }
    await expectLimited(await verifyRaw(client, 'not json at all', 'text/plain'), /sign-in attempts/);
    // Garbage or a well-formed body: the limit answers first.
    await expectLimited(await verifyRaw(client, JSON.stringify({ message: 'x', signature: '0x00' })), /sign-in/);
    // Another network is not affected.
    expect((await verifyRaw('198.51.100.22', 'not json at all', 'text/plain')).status).toBe(400);
  });

  it('counts an IPv6 client by its /64, so walking through its addresses buys nothing', async () => {
    for (let n = 1; n <= 20; n++) {
      expect((await verifyRaw(`2001:db8:35:1::${n.toString(16)}`, '{}')).status).toBe(400);
    }
    await expectLimited(await verifyRaw('2001:db8:35:1:ffff::1', '{}'), /sign-in attempts/);
    expect((await verifyRaw('2001:db8:35:2::1', '{}')).status).toBe(400);
  });

  it('refuses a message whose nonce is not live with the nonce error, before looking at its signature', async () => {
    const account = newAccount();
    const stranger = newAccount();
    // Well formed and for this site, but its nonce was never handed out; signed by someone else.
    const unknown = await siweMessage(env.server.url, account, { nonce: 'neverissued1234' });
    const res = await postVerify(env.server.url, unknown, await stranger.signMessage({ message: unknown }), {
      ...from('198.51.100.30'),
    });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('the nonce is unknown, expired or already used');
    expect(res.cookie).toBeNull();

    // A used-up nonce is as dead: once it signed someone in, a message with a bad signature is refused for it.
    const nonce = await fetchNonce(env.server.url);
    const message = await siweMessage(env.server.url, account, { nonce });
    const signedIn = await postVerify(env.server.url, message, await account.signMessage({ message }), {
      ...from('198.51.100.30'),
    });
    expect(signedIn.status).toBe(200);
    const replay = await postVerify(env.server.url, message, await stranger.signMessage({ message }), {
      ...from('198.51.100.30'),
    });
    expect(replay.status).toBe(401);
    expect(replay.body.reason).toBe('the nonce is unknown, expired or already used');
  });

  it('leaves the nonce of a refused message unused: the right signature then signs in with it', async () => {
    const account = newAccount();
    const stranger = newAccount();
    const nonce = await fetchNonce(env.server.url);
    const message = await siweMessage(env.server.url, account, { nonce });
    const client = from('198.51.100.40');

    const wrong = await postVerify(env.server.url, message, await stranger.signMessage({ message }), client);
    expect(wrong.status).toBe(401);
    expect(wrong.body.reason).toMatch(/^the signature was not made by /);
    const malformed = await postVerify(env.server.url, message, '0x1234', client);
    expect(malformed.status).toBe(401);
    expect(malformed.body.reason).toBe('the signature is malformed');

    const right = await postVerify(env.server.url, message, await account.signMessage({ message }), client);
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ address: account.address });
    expect(right.cookie).toMatch(/^session=/);
  });
});

describe('CSV downloads, CSV_RATE_LIMIT a minute per client network', () => {
  const csvPaths = [
    '/api/track-record?format=csv',
    '/api/tokens/opg/snapshots?format=csv',
    '/api/polls/open-single/cohorts.csv',
    '/api/polls/open-single/ballots.csv',
  ];
  const get = (path: string, address: string): Promise<Response> =>
    fetch(`${env.server.url}${path}`, { headers: from(address) });

  it('counts every CSV export against one allowance, then answers 429 with Retry-After', async () => {
    const client = '198.51.100.50';
    // One of each: within the limit, each answers as it would have (a CSV, or why it has none).
    const first = await Promise.all(csvPaths.map((path) => get(path, client)));
    expect(first.map((r) => r.status)).toEqual([200, 200, 404, 403]);
    expect(first[0]?.headers.get('content-type')).toMatch(/^text\/csv/);
    for (const path of csvPaths) await expectLimited(await get(path, client), /CSV downloads/);

    // The same figures as JSON are not a CSV download, and another network has its own allowance.
    expect((await get('/api/track-record', client)).status).toBe(200);
    expect((await get('/api/tokens/opg/snapshots', client)).status).toBe(200);
    expect((await get(csvPaths[0] ?? '', '198.51.100.51')).status).toBe(200);
  });

  it('leaves share cards to their own cache: no per-client limit that would refuse link-preview crawlers', async () => {
    const client = '198.51.100.60';
    for (let n = 0; n < CSV_LIMIT; n++) await get(csvPaths[0] ?? '', client);
    await expectLimited(await get(csvPaths[0] ?? '', client), /CSV downloads/);
    for (let n = 0; n < CSV_LIMIT + 2; n++) {
      const card = await get('/polls/open-single/card.png', client);
      expect(card.status).toBe(200);
      expect(card.headers.get('content-type')).toBe('image/png');
      await card.arrayBuffer();
    }
  });
});
