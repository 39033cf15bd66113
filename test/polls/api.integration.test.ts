import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let site: TestServer;
let fixtures: TestServer;

beforeAll(async () => {
  [site, fixtures] = await Promise.all([
    startServer(),
    startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } }),
  ]);
});

afterAll(async () => {
  for (const server of [site, fixtures]) {
    await server?.stop();
    server?.cleanup();
  }
});

describe('the seed poll', () => {
  it('shows the imported result of the original post: 3 votes, closed, 34/33/0/33', async () => {
    const poll = await getResults(site.url, 'opg-liquidity-ghost');
    expect(poll).toMatchObject({ status: 'closed', totalVotes: 3, myVote: null, smallSample: true });
    expect((poll.options as { votes: number; percent: number }[]).map((o) => [o.votes, o.percent])).toEqual([
      [1, 34],
      [1, 33],
      [0, 0],
      [1, 33],
    ]);
    expect(poll.imported).toMatchObject({ votes: 3 });
    expect((poll.options as { labels: Record<string, string> }[])[0]?.labels.zh).toBe('大户默默在吸筹吗');
  });

  it('lists open polls before closed ones', async () => {
    const { polls } = (await (await fetch(`${site.url}/api/polls`)).json()) as {
      polls: { id: string; status: string }[];
    };
    expect(polls.map((p) => [p.id, p.status])).toEqual([
      ['opg-distribution-retail', 'open'],
      // The simulated demo's polls (DEMO is on by default).
      ['opgsim-distribution-retail', 'open'],
      ['opgsim-liquidity-ghost', 'open'],
      ['opg-liquidity-ghost', 'closed'],
      ['opgsim-team-cliff', 'closed'],
      ['opgsim-top-ten-november', 'closed'],
    ]);
  });
});

describe('voting', () => {
  it('answers 201 with the results and issues a year-long HttpOnly voter cookie on the first vote', async () => {
    const res = await vote(fixtures.url, 'open-single', ['b']);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'open-single', status: 'open', myVote: ['b'] });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^voter=[0-9a-f]{12}[A-Za-z0-9_-]{22};/);
    expect(setCookie).toMatch(/Max-Age=31536000/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    // Served over plain http here, so not Secure; https requests get Secure.
    expect(setCookie).not.toMatch(/Secure/);

    const again = await vote(fixtures.url, 'open-single', ['a'], { cookie: res.cookie });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_voted');
    expect(again.body.results).toMatchObject({ myVote: ['b'] });
    const after = await getResults(fixtures.url, 'open-single', res.cookie);
    expect(after.myVote).toEqual(['b']);
  });

  it('commits ballots on the vote writer thread, as the start-up line says', async () => {
    await vote(fixtures.url, 'open-multi', ['a']);
    expect(fixtures.output()).toContain('sentiment-desk: ballots are committed on a vote writer thread');
  });

  it('replaces the earlier vote when the poll allows changes', async () => {
    const first = await vote(fixtures.url, 'open-change', ['a']);
    const before = (await getResults(fixtures.url, 'open-change')) as { totalVotes: number };
    const second = await vote(fixtures.url, 'open-change', ['c'], { cookie: first.cookie });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ myVote: ['c'], totalVotes: before.totalVotes });
  });

  it('takes several choices in a multiple-choice poll, up to its maximum', async () => {
    expect((await vote(fixtures.url, 'open-multi', ['a', 'c'])).body.myVote).toEqual(['a', 'c']);
  });

  it('hides counts from readers who may not see them yet, in JSON and in HTML', async () => {
    const hidden = await getResults(fixtures.url, 'after-vote');
    expect(hidden).toMatchObject({ resultsVisible: false, totalVotes: null });
    expect(JSON.stringify(hidden)).not.toMatch(/"(votes|percent)":\d/);
    const page = await (await fetch(`${fixtures.url}/polls/after-vote/`)).text();
    expect(page).not.toMatch(/data-percent>\d/);
    expect(page).toContain('Results appear after you vote.');

    const voted = await vote(fixtures.url, 'after-vote', ['a']);
    expect(voted.body).toMatchObject({ resultsVisible: true, totalVotes: 1 });
    expect(await getResults(fixtures.url, 'after-close')).toMatchObject({ resultsVisible: false });
  });
});

describe('refused votes change nothing', () => {
  const cases: [string, string, unknown, Record<string, string> | undefined, string | undefined, number, string][] = [
    ['unknown poll', 'no-such-poll', ['a'], undefined, undefined, 404, 'not_found'],
    ['closed poll', 'closed', ['a'], undefined, undefined, 409, 'poll_closed'],
    ['poll not open yet', 'scheduled', ['a'], undefined, undefined, 409, 'poll_closed'],
    ['unknown option', 'open-single', ['zzz'], undefined, undefined, 400, 'invalid_vote'],
    ['empty list', 'open-single', [], undefined, undefined, 400, 'invalid_vote'],
    ['too many choices', 'open-single', ['a', 'b'], undefined, undefined, 400, 'invalid_vote'],
    ['too many for a multiple poll', 'open-multi', ['a', 'b', 'c'], undefined, undefined, 400, 'invalid_vote'],
    ['duplicated option', 'open-multi', ['a', 'a'], undefined, undefined, 400, 'invalid_vote'],
    ['malformed JSON', 'open-single', null, undefined, '{"optionIds": [', 400, 'bad_request'],
    ['wrong shape', 'open-single', null, undefined, '{"optionIds": "a"}', 400, 'bad_request'],
    // Browsers send Origin on every POST; without it Astro's CSRF check answers first.
    [
      'wrong content type',
      'open-single',
      ['a'],
      { 'content-type': 'text/plain', origin: 'SELF' },
      undefined,
      400,
      'bad_request',
    ],
    [
      'body over 16 KB',
      'open-single',
      null,
      undefined,
      JSON.stringify({ optionIds: ['a'], pad: 'x'.repeat(17_000) }),
      413,
      'too_large',
    ],
    ['wallet-only poll without a session', 'wallet-only', ['a'], undefined, undefined, 401, 'sign_in_required'],
  ];

  it.each(cases)('%s', async (_name, pollId, optionIds, headers, body, status, error) => {
    const before = await getResults(fixtures.url, pollId);
    const sameOrigin = headers?.origin === 'SELF' ? { ...headers, origin: fixtures.url } : headers;
    const res = await vote(fixtures.url, pollId, optionIds, {
      ...(sameOrigin ? { headers: sameOrigin } : {}),
      ...(body ? { body } : {}),
    });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(typeof res.body.message).toBe('string');
    expect(res.cookie).toBeNull();
    expect(await getResults(fixtures.url, pollId)).toEqual(before);
  });

  it('says why a ballot is invalid, so a page can say it in its language: an empty one is reason "empty"', async () => {
    const empty = await vote(fixtures.url, 'open-single', []);
    expect(empty.body).toMatchObject({
      error: 'invalid_vote',
      reason: 'empty',
      message: 'Choose at least one option.',
    });
    const tooMany = await vote(fixtures.url, 'open-single', ['a', 'b']);
    expect(tooMany.body).toMatchObject({ error: 'invalid_vote', reason: 'too_many' });
  });
});

describe('under concurrency', () => {
  it('counts exactly 500 of 500 parallel votes from 500 voters', async () => {
    const before = (await getResults(fixtures.url, 'open-change')) as { totalVotes: number };
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => vote(fixtures.url, 'open-change', [['a', 'b', 'c'][i % 3]])),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(500);
    const after = (await getResults(fixtures.url, 'open-change')) as {
      totalVotes: number;
      options: { votes: number }[];
    };
    expect(after.totalVotes - before.totalVotes).toBe(500);
    expect(after.options.reduce((s, o) => s + o.votes, 0)).toBe(after.totalVotes);
  });

  it('counts exactly 1 of 50 parallel votes from one voter', async () => {
    const first = await vote(fixtures.url, 'open-multi', ['b']);
    const before = (await getResults(fixtures.url, 'open-multi')) as { totalVotes: number };
    const second = await startRace(first.cookie);
    expect(second.filter((s) => s === 409)).toHaveLength(50);
    const fresh = await Promise.all(
      Array.from({ length: 50 }, () =>
        vote(fixtures.url, 'open-single', ['c'], { cookie: 'voter=AAAAAAAAAAAAAAAAAAAAAA' }),
      ),
    );
    expect(fresh.filter((r) => r.status === 201)).toHaveLength(1);
    expect(fresh.filter((r) => r.status === 409)).toHaveLength(49);
    expect(((await getResults(fixtures.url, 'open-multi')) as { totalVotes: number }).totalVotes).toBe(
      before.totalVotes,
    );
  });

  async function startRace(cookie: string | null): Promise<number[]> {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => vote(fixtures.url, 'open-multi', ['a'], { cookie })),
    );
    return responses.map((r) => r.status);
  }
});
