import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { WITHOUT_NETWORK_LIMITS } from '../helpers/comments.ts';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { importSnapshots, testAddress } from '../helpers/snapshots.ts';
import { auditVotes, startVoteLoad, waitUntil } from '../helpers/vote-load.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * The Account page and its JSON download on a real server: the owner's own
 * data only, never cacheable; sessions ended elsewhere; a ballot withdrawn
 * only while its poll is open and allows changes, leaving every counter
 * equal to the ballot rows (the crash tests' audit), even with votes landing
 * on the writer thread at the same time.
 */

const SLUG = 'opg-liquidity-ghost';
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0', ...WITHOUT_NETWORK_LIMITS } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

const send = (path: string, method: string, cookie: string | null, body?: BodyInit): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { origin: server.url, ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body }),
  });

async function comment(cookie: string, body: string, parentId?: number): Promise<number> {
  const res = await fetch(`${server.url}/api/posts/${SLUG}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, cookie },
    body: JSON.stringify(parentId === undefined ? { body } : { body, parentId }),
  });
  expect(res.status).toBe(201);
  type Listed = { id: number; body: string | null; replies: Listed[] };
  const listed = ((await res.json()) as { comments: Listed[] }).comments.flatMap((c) => [c, ...c.replies]);
  return listed.find((c) => c.body === body)?.id ?? 0;
}

interface Exported {
  address: string;
  holdings: { token: string; cohort: string }[];
  sessions: { id: string; current: boolean }[];
  comments: { id: number; body: string; deletedAt: number | null }[];
  ballots: { pollId: string; choices: { optionId: string }[]; verified: boolean; final: string | null }[];
}

async function exported(cookie: string | null): Promise<{ res: Response; data: Exported }> {
  const res = await send('/api/account/export', 'GET', cookie);
  return { res, data: (await res.json()) as Exported };
}

const withdraw = (pollId: string, cookie: string | null): Promise<Response> =>
  send(`/api/account/ballots/${pollId}`, 'DELETE', cookie);

/** Counters of `pollId` against its rows: the crash tests' audit, plus the poll's totals. */
async function expectCountersEqualRows(pollId: string): Promise<void> {
  const audit = await auditVotes(server.databaseUrl, pollId, new Map());
  expect(audit.integrity).toBe('ok');
  for (const [option, { counter, choices, buckets }] of Object.entries(audit.perOption)) {
    expect([option, counter, buckets]).toEqual([option, choices, choices]);
  }
  expect(audit.anonymous.stored).toEqual(audit.anonymous.recomputed);
  const db = await openDatabase({ url: server.databaseUrl });
  try {
    const [row] = (
      await db.$client.execute({
        sql: `SELECT total_votes - imported_total, verified_votes,
                (SELECT count(*) FROM votes WHERE poll_id = p.id),
                (SELECT count(*) FROM votes WHERE poll_id = p.id AND address IS NOT NULL)
              FROM polls p WHERE id = ?`,
        args: [pollId],
      })
    ).rows;
    expect(row && [Number(row[0]), Number(row[1])]).toEqual(row && [Number(row[2]), Number(row[3])]);
  } finally {
    db.$client.close();
  }
}

describe('the Account page, signed in', () => {
  let owner: PrivateKeyAccount;
  let here: string;
  let elsewhere: string;
  let stranger: string;

  beforeAll(async () => {
    owner = newAccount();
    here = await signIn(server.url, owner);
    elsewhere = await signIn(server.url, owner);
    stranger = await signIn(server.url, newAccount());
    importSnapshots(server.databaseUrl, 'OPG', [
      [
        300,
        '2026-01-01',
        [
          [owner.address.toLowerCase(), '1000'],
          [testAddress(0xf111e), '999000'],
        ],
      ],
    ]);
    expect((await vote(server.url, 'open-change', ['b'], { cookie: here })).status).toBe(201);
    expect((await vote(server.url, 'open-single', ['a'], { cookie: here })).status).toBe(201);
    expect((await vote(server.url, 'open-change', ['c'], { cookie: stranger })).status).toBe(201);
    const first = await comment(here, 'My first thought on liquidity');
    await comment(stranger, 'A reply that stays', first);
    await comment(here, 'A second comment');
    expect((await send(`/api/posts/${SLUG}/comments/${first}`, 'DELETE', here)).status).toBe(200);
  });

  it('shows the full address, cohort, sessions, comments and ballots, privately, in both languages', async () => {
    for (const path of ['/account/', '/zh/account/']) {
      const res = await send(path, 'GET', here);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const html = await res.text();
      expect(html).toMatch(new RegExp(`<code data-full-address[^>]*>${owner.address}</code>`));
      expect(html.match(/data-session="current"/g)).toHaveLength(1);
      expect(html.match(/data-session="other"/g)).toHaveLength(1);
      expect(html.match(/data-comment="\d+"/g)).toHaveLength(2);
      expect(html).toMatch(/data-ballot="open-change"[\s\S]*data-withdraw="open-change"/);
      expect(html).toMatch(/data-ballot="open-single"[\s\S]*data-final="no_change"/);
      expect(html).toMatch(/data-holding="OPG" data-cohort="whale"/);
      expect(html).not.toContain('Sign in with an Ethereum wallet to comment');
    }
    const zh = await (await send('/zh/account/', 'GET', here)).text();
    expect(zh).toContain('已确定：这个投票每位投票者只有一张选票');
    expect(zh).toContain('大户');
  });

  it('keeps the sign-in intro for a signed-out reader, still uncacheable', async () => {
    const res = await send('/account/', 'GET', null);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain('Sign in with an Ethereum wallet to comment');
    expect(html).not.toContain('data-full-address');
  });

  it('exports the owner’s data only, as a private JSON download', async () => {
    const { res, data } = await exported(here);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.json"$/);
    expect(data.address).toBe(owner.address);
    expect(data.holdings).toEqual([expect.objectContaining({ token: 'OPG', cohort: 'whale' })]);
    expect(data.sessions.filter((s) => s.current)).toHaveLength(1);
    expect(data.sessions).toHaveLength(2);
    // A deleted comment keeps its place (its replies stay under it), not its text.
    expect(data.comments.map((c) => [c.body, c.deletedAt !== null]).sort()).toEqual([
      ['', true],
      ['A second comment', false],
    ]);
    expect(data.ballots.map((b) => [b.pollId, b.choices.map((c) => c.optionId), b.verified]).sort()).toEqual([
      ['open-change', ['b'], true],
      ['open-single', ['a'], true],
    ]);

    const theirs = await exported(stranger);
    expect(theirs.data.address).not.toBe(owner.address);
    expect(theirs.data.comments.map((c) => c.body)).toEqual(['A reply that stays']);
    expect(theirs.data.ballots.map((b) => b.pollId)).toEqual(['open-change']);
    expect(JSON.stringify(theirs.data)).not.toContain(owner.address);

    const anonymous = await exported(null);
    expect(anonymous.res.status).toBe(401);
    expect(anonymous.res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('withdraws a ballot only while its poll is open and allows changes, and the reader may vote again', async () => {
    const final = await withdraw('open-single', here);
    expect(final.status).toBe(409);
    expect(await final.json()).toMatchObject({ error: 'ballot_final', message: expect.stringMatching(/final\.$/) });
    expect((await withdraw('closed', here)).status).toBe(409);
    expect((await withdraw('open-change', null)).status).toBe(401);
    // Another site's page cannot withdraw a reader's ballot, nor post the page's forms.
    const forged = { origin: 'https://elsewhere.example', cookie: here };
    const crossSite = await fetch(`${server.url}/api/account/ballots/open-change`, {
      method: 'DELETE',
      headers: forged,
    });
    expect(crossSite.status).toBe(403);
    const crossSiteForm = await fetch(`${server.url}/account/?_action=account.endOtherSessions`, {
      method: 'POST',
      headers: { ...forged, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(crossSiteForm.status).toBe(403);
    expect((await withdraw('no-such-poll', here)).status).toBe(404);

    const before = (await getResults(server.url, 'open-change', here)) as { totalVotes: number };
    const res = await withdraw('open-change', here);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const after = (await getResults(server.url, 'open-change', here)) as { totalVotes: number; myVote: unknown };
    expect(after.totalVotes).toBe(before.totalVotes - 1);
    expect(after.myVote ?? null).toBeNull();
    await expectCountersEqualRows('open-change');
    expect((await withdraw('open-change', here)).status).toBe(404);

    expect((await vote(server.url, 'open-change', ['a'], { cookie: here })).status).toBe(201);
    await expectCountersEqualRows('open-change');
  });

  it('withdraws without JavaScript: the form posts, then the page says so', async () => {
    const form = new URLSearchParams({ pollId: 'open-change' });
    const res = await fetch(`${server.url}/account/?_action=account.withdraw`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: server.url, cookie: here, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(res.status).toBe(303);
    const page = await (await send(res.headers.get('location') ?? '', 'GET', here)).text();
    expect(page).toContain('Ballot withdrawn. You may vote in that poll again.');
    expect(page).not.toContain('data-ballot="open-change"');
    await expectCountersEqualRows('open-change');

    const refused = await fetch(`${server.url}/zh/account/?_action=account.withdraw`, {
      method: 'POST',
      headers: { origin: server.url, cookie: here, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ pollId: 'open-single' }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('所以你的选票已确定');
  });

  it('signs out the other session, and only the owner’s', async () => {
    const theirs = await exported(stranger);
    const strangerSession = theirs.data.sessions[0]?.id ?? '';
    const form = (fields: Record<string, string>): URLSearchParams => new URLSearchParams(fields);
    const post = (action: string, body: URLSearchParams): Promise<Response> =>
      fetch(`${server.url}/account/?_action=${action}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: server.url, cookie: here, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    // Another wallet's session id ends nothing.
    expect((await post('account.endSession', form({ sessionId: strangerSession }))).status).toBe(303);
    expect((await exported(stranger)).res.status).toBe(200);

    expect((await exported(elsewhere)).res.status).toBe(200);
    expect((await post('account.endOtherSessions', form({}))).status).toBe(303);
    expect((await exported(elsewhere)).res.status).toBe(401);
    const { data } = await exported(here);
    expect(data.sessions).toEqual([expect.objectContaining({ current: true })]);
  });
});

describe('withdrawals interleaved with votes on the writer thread', () => {
  it('keeps every counter equal to the ballot rows', async () => {
    const wallets = await Promise.all(Array.from({ length: 4 }, async () => signIn(server.url, newAccount())));
    const load = startVoteLoad({ url: server.url, pollId: 'open-change', optionIds: ['a', 'b', 'c'], voters: 6 });
    try {
      await waitUntil(() => load.report.acknowledged.size >= 50, 30_000, '50 acknowledged votes');
      // Each wallet votes and withdraws over and over while anonymous ballots pour in.
      await Promise.all(
        wallets.map(async (cookie, n) => {
          for (let round = 0; round < 6; round++) {
            expect((await vote(server.url, 'open-change', [['a', 'b', 'c'][(n + round) % 3]], { cookie })).status).toBe(
              201,
            );
            expect((await withdraw('open-change', cookie)).status).toBe(200);
          }
        }),
      );
    } finally {
      await load.stop();
    }
    expect(load.report.serverErrors).toEqual([]);
    // Every wallet ballot is withdrawn, so what remains is the load's and the earlier tests' ballots.
    const audit = await auditVotes(server.databaseUrl, 'open-change', load.report.acknowledged);
    expect(audit.missing).toEqual([]);
    await expectCountersEqualRows('open-change');
    const db = await openDatabase({ url: server.databaseUrl });
    try {
      const walletRows = await db.$client.execute(
        "SELECT count(*) FROM votes WHERE poll_id = 'open-change' AND address IS NOT NULL",
      );
      // The stranger's ballot from the first describe, and the owner's re-cast one was withdrawn by the form.
      expect(Number(walletRows.rows[0]?.[0])).toBe(1);
    } finally {
      db.$client.close();
    }
  });
});
