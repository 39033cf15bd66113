import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/** Ballots cast or claimed by a signed-in wallet: one per wallet, whatever the browser, counted as verified. */

const env = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });

const both = (...cookies: (string | null)[]): string => cookies.filter(Boolean).join('; ');

async function claim(
  pollId: string,
  cookie: string | null,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${env.server.url}/api/polls/${pollId}/ballot/wallet`, {
    method: 'POST',
    headers: cookie ? { cookie } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A browser's voter cookie, made by an anonymous ballot. */
async function anonymousBallot(pollId: string, optionId: string): Promise<string> {
  const res = await vote(env.server.url, pollId, [optionId]);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ myVoteVerified: false });
  if (!res.cookie) throw new Error('no voter cookie');
  return res.cookie;
}

describe('verified ballots', () => {
  it('records a signed-in reader’s ballot with the wallet and the browser: neither signing out nor a second browser votes again', async () => {
    const before = (await getResults(env.server.url, 'open-single')).verifiedVotes as number;
    const account = newAccount();
    const session = await signIn(env.server.url, account);
    const first = await vote(env.server.url, 'open-single', ['a'], { cookie: session });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ myVote: ['a'], myVoteVerified: true, verifiedVotes: before + 1 });
    expect(first.cookie).toMatch(/^voter=/);

    // Signed out, the same browser is still the same voter.
    const signedOut = await vote(env.server.url, 'open-single', ['b'], { cookie: first.cookie });
    expect(signedOut.status).toBe(409);
    expect(signedOut.body).toMatchObject({ error: 'already_voted', results: { myVote: ['a'] } });

    // Another browser, signed in as the same wallet, is the same voter too.
    const elsewhere = await signIn(env.server.url, account);
    const second = await vote(env.server.url, 'open-single', ['c'], {
      cookie: both(elsewhere, 'voter=BBBBBBBBBBBBBBBBBBBBBB'),
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: 'already_voted', results: { myVote: ['a'], myVoteVerified: true } });

    const results = await getResults(env.server.url, 'open-single', elsewhere);
    expect(results).toMatchObject({ verifiedVotes: before + 1, myVote: ['a'], myVoteVerified: true });
  });

  it('lets a changeable ballot change from any browser of its wallet, still one ballot', async () => {
    const account = newAccount();
    const session = await signIn(env.server.url, account);
    const start = (await getResults(env.server.url, 'open-change')) as { totalVotes: number; verifiedVotes: number };
    expect((await vote(env.server.url, 'open-change', ['a'], { cookie: session })).status).toBe(201);
    const other = await signIn(env.server.url, account);
    const changed = await vote(env.server.url, 'open-change', ['b'], {
      cookie: both(other, 'voter=CCCCCCCCCCCCCCCCCCCCCC'),
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      myVote: ['b'],
      totalVotes: start.totalVotes + 1,
      verifiedVotes: start.verifiedVotes + 1,
    });
  });

  it('counts an anonymous ballot as verified once its reader signs in and asks, exactly once', async () => {
    const voter = await anonymousBallot('open-single', 'b');
    const start = (await getResults(env.server.url, 'open-single', voter)) as {
      verifiedVotes: number;
      totalVotes: number;
    };
    const session = await signIn(env.server.url, newAccount());

    // Signing in changes nothing by itself.
    expect(await getResults(env.server.url, 'open-single', both(session, voter))).toMatchObject({
      myVote: ['b'],
      myVoteVerified: false,
      verifiedVotes: start.verifiedVotes,
    });
    const claimed = await claim('open-single', both(session, voter));
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({
      myVote: ['b'],
      myVoteVerified: true,
      verifiedVotes: start.verifiedVotes + 1,
      totalVotes: start.totalVotes,
    });
    const again = await claim('open-single', both(session, voter));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ verifiedVotes: start.verifiedVotes + 1 });
    // The claimed ballot is now the wallet's, in any browser.
    const elsewhere = await signIn(env.server.url, newAccount());
    expect(await getResults(env.server.url, 'open-single', both(elsewhere, voter))).toMatchObject({ myVote: null });
  });

  it('refuses to claim for a wallet that already voted: 409 wallet_already_voted, nothing changed', async () => {
    const account = newAccount();
    const first = await vote(env.server.url, 'open-single', ['a'], { cookie: await signIn(env.server.url, account) });
    expect(first.status).toBe(201);
    const voter = await anonymousBallot('open-single', 'c');
    const start = await getResults(env.server.url, 'open-single');
    const session = await signIn(env.server.url, account);
    const refused = await claim('open-single', both(session, voter));
    expect(refused).toMatchObject({ status: 409, body: { error: 'wallet_already_voted' } });
    expect(refused.body.message).toMatch(/already voted/);
    expect(await getResults(env.server.url, 'open-single')).toEqual(start);
    // The browser's anonymous ballot stays the reader's own; the wallet's stands apart.
    expect(await getResults(env.server.url, 'open-single', voter)).toMatchObject({
      myVote: ['c'],
      myVoteVerified: false,
    });
  });

  it('refuses a claim without a session, without a ballot, or for a poll that does not exist', async () => {
    const voter = await anonymousBallot('open-single', 'a');
    expect(await claim('open-single', voter)).toMatchObject({ status: 401, body: { error: 'sign_in_required' } });
    const session = await signIn(env.server.url, newAccount());
    expect(await claim('open-single', session)).toMatchObject({ status: 404, body: { error: 'no_ballot' } });
    expect(await claim('open-single', both(session, 'voter=DDDDDDDDDDDDDDDDDDDDDD'))).toMatchObject({
      status: 404,
      body: { error: 'no_ballot' },
    });
    expect(await claim('no-such-poll', both(session, voter))).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect(await claim('closed', both(session, voter))).toMatchObject({ status: 409, body: { error: 'poll_closed' } });
  });

  it('refuses a claim from another site', async () => {
    const voter = await anonymousBallot('open-single', 'a');
    const session = await signIn(env.server.url, newAccount());
    const response = await fetch(`${env.server.url}/api/polls/open-single/ballot/wallet`, {
      method: 'POST',
      headers: { cookie: both(session, voter), origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(await getResults(env.server.url, 'open-single', both(session, voter))).toMatchObject({
      myVoteVerified: false,
    });
  });

  it('claims through the no-JavaScript form and says so on the poll page', async () => {
    const voter = await anonymousBallot('open-single', 'b');
    const session = await signIn(env.server.url, newAccount());
    const form = new URLSearchParams({ pollId: 'open-single' });
    const posted = await fetch(`${env.server.url}/polls/open-single/?_action=polls.verifyBallot`, {
      method: 'POST',
      headers: { cookie: both(session, voter), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location') ?? '';
    expect(location).toContain('verified=1');
    const page = await (
      await fetch(new URL(location, env.server.url), { headers: { cookie: both(session, voter) } })
    ).text();
    expect(page).toContain('Your vote now counts as wallet-verified.');
    expect(page).not.toContain('Count my vote as verified');
  });

  it('offers the claim on the poll page only to a signed-in reader whose ballot is anonymous', async () => {
    const voter = await anonymousBallot('open-single', 'a');
    const offer = 'Count my vote as verified';
    const page = async (cookie: string): Promise<string> =>
      (await fetch(`${env.server.url}/polls/open-single/`, { headers: { cookie } })).text();
    expect(await page(voter)).not.toContain(offer);
    const session = await signIn(env.server.url, newAccount());
    expect(await page(both(session, voter))).toContain(offer);
  });

  it('reports verifiedVotes for every poll', async () => {
    const { polls } = (await (await fetch(`${env.server.url}/api/polls`)).json()) as {
      polls: { resultsVisible: boolean; verifiedVotes: number | null }[];
    };
    expect(polls.length).toBeGreaterThan(3);
    for (const poll of polls) {
      if (poll.resultsVisible) expect(typeof poll.verifiedVotes).toBe('number');
      else expect(poll.verifiedVotes).toBeNull();
    }
  });
});
