import { count, eq } from 'drizzle-orm';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { CONFORMANT, NON_CONFORMANT, type SiweCaseContext } from '../fixtures/siwe-cases.ts';
import { serverForTests } from '../helpers/server.ts';
import type { CreateSiweMessageParameters } from 'viem/siwe';
import { postVerify, siweMessage } from '../helpers/wallet.ts';

// Hardhat's second development key: fixed, public, never used off a test chain.
const ACCOUNT = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');

// The default SIWE_CHAIN_IDS (1,8453) is what the chain 8453 cases rely on. Over a hundred
// nonces outrun the per-client nonce limit (60 a minute), so each request names its own
// client (documentation addresses, only ever written in a header) through a trusted proxy, which needs SITE_URL.
// The sign-ins themselves come from one client, far more than VERIFY_RATE_LIMIT allows (rate-limits.test.ts tests it).
const state = serverForTests({ env: { TRUSTED_PROXIES: '127.0.0.1', VERIFY_RATE_LIMIT: '0' }, ownSiteUrl: true });
let signedIn = 0;
let clients = 0;

async function fetchNonce(): Promise<string> {
  clients += 1;
  const res = await fetch(`${state.server.url}/api/auth/nonce`, {
    headers: { 'x-forwarded-for': `192.0.2.${clients % 250}` },
  });
  if (res.status !== 200) throw new Error(`nonce answered ${res.status}`);
  return ((await res.json()) as { nonce: string }).nonce;
}

async function context(): Promise<SiweCaseContext> {
  const url = new URL(state.server.url);
  return {
    host: url.host,
    origin: url.origin,
    address: ACCOUNT.address,
    nonce: await fetchNonce(),
    now: new Date(),
  };
}

async function post(message: string): Promise<Awaited<ReturnType<typeof postVerify>>> {
  return postVerify(state.server.url, message, await ACCOUNT.signMessage({ message }));
}

describe('POST /api/auth/verify checks the message against the EIP-4361 ABNF', () => {
  it.each(CONFORMANT.map((c) => [c.name, c] as const))('signs in a conformant message: %s', async (_name, c) => {
    const res = await post(c.build(await context()));
    expect(res.body).toEqual({ address: ACCOUNT.address });
    expect(res.status).toBe(200);
    expect(res.cookie).toMatch(/^session=/);
    signedIn += 1;
  });

  it.each(NON_CONFORMANT.map((c) => [c.name, c] as const))(
    'refuses a non-conformant message with 401 siwe_invalid, consuming nothing: %s',
    async (_name, c) => {
      const ctx = await context();
      const res = await post(c.build(ctx));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('siwe_invalid');
      expect(res.body.message).toMatch(/^Sign-in refused: /);
      expect(res.body.message).toMatch(c.problem);
      expect(res.cookie).toBeNull();
      // The refusal left the nonce alone: a conformant message with it signs in.
      const retry = await post(CONFORMANT[1]?.build(ctx) ?? '');
      expect(retry.status).toBe(200);
      signedIn += 1;
    },
  );

  it('names the line in the refusal, e.g. an Expiration Time hidden before Issued At', async () => {
    const ctx = await context();
    const hidden = NON_CONFORMANT.find((c) => c.name.startsWith('an expired Expiration Time moved before'));
    const res = await post(hidden?.build(ctx) ?? '');
    expect(res.body.message).toBe('Sign-in refused: line 10 should be `Issued At: ...`, not `Expiration Time: ...`.');
  });

  it('made a session for each sign-in and none for any refusal', async () => {
    const db = await openDatabase({ url: state.server.databaseUrl });
    try {
      const [row] = await db.select({ n: count() }).from(sessions).where(eq(sessions.address, ACCOUNT.address));
      expect(row?.n).toBe(signedIn);
      expect(signedIn).toBe(CONFORMANT.length + NON_CONFORMANT.length);
    } finally {
      db.$client.close();
    }
  });
});

describe('messages as a wallet library (viem) writes them keep signing in', () => {
  const now = (): Date => new Date();
  const cases: [string, Partial<CreateSiweMessageParameters>][] = [
    ['the site’s own shape (statement, expiration)', {}],
    ['no statement', { statement: undefined }],
    ['no expiration time', { expirationTime: undefined }],
    ['Not Before', { notBefore: new Date(Date.now() - 60_000) }],
    ['a Request ID', { requestId: 'req-1' }],
    [
      'Resources',
      {
        resources: ['https://example.com/a?b=c', 'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/'],
      },
    ],
    ['every optional field', { notBefore: now(), requestId: 'r', resources: ['urn:x:y'] }],
    ['chain 8453', { chainId: 8453 }],
    ['the scheme before the domain', { scheme: 'http' }],
  ];
  it.each(cases)('%s', async (_name, overrides) => {
    const message = await siweMessage(state.server.url, ACCOUNT, { nonce: await fetchNonce(), ...overrides });
    const res = await post(message);
    expect(res.status).toBe(200);
  });

  it('with a URI with a path and a query', async () => {
    const message = await siweMessage(state.server.url, ACCOUNT, {
      nonce: await fetchNonce(),
      uri: `${state.server.url}/polls?sort=new`,
    });
    expect((await post(message)).status).toBe(200);
  });
});
