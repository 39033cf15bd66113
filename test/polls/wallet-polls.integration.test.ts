import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

describe('wallet-only polls', () => {
  it('refuses anonymous votes with 401 sign_in_required', async () => {
    const res = await vote(server.url, 'wallet-only', ['a']);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('sign_in_required');
  });

  it('keys the ballot by the signed-in wallet, whatever the browser, and counts verified wallets', async () => {
    const account = newAccount();
    const session = await signIn(server.url, account);
    const first = await vote(server.url, 'wallet-only', ['b'], { cookie: session });
    expect(first.status).toBe(201);
    expect(first.cookie).toBeNull();
    expect(first.body).toMatchObject({ myVote: ['b'], verifiedVotes: 1 });

    // The same wallet from a second browser (new session, different voter cookie) is the same voter.
    const again = await signIn(server.url, account);
    const second = await vote(server.url, 'wallet-only', ['c'], { cookie: `${again}; voter=AAAAAAAAAAAAAAAAAAAAAA` });
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('already_voted');

    const other = await signIn(server.url, newAccount());
    expect((await vote(server.url, 'wallet-only', ['a'], { cookie: other })).status).toBe(201);
    const results = await getResults(server.url, 'wallet-only', session);
    expect(results).toMatchObject({ totalVotes: 2, verifiedVotes: 2, myVote: ['b'] });
  });
});
