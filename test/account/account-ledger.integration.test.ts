import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { FIXTURE_POLLS, vote } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { importSnapshots, testAddress } from '../helpers/snapshots.ts';
import { auditVotes } from '../helpers/vote-load.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Withdrawing a verified ballot from a token poll takes it out of the cohort
 * ledger too: cohorts' voters, options' votes and weight sums, and the hourly
 * cohort buckets still equal what the remaining ballots add up to.
 */

const POLL = 'opg-distribution-retail';
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { VOTE_RATE_LIMIT: '0' } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

/** The ledger as stored, and as the ballot rows add it up, keyed `option/cohort` (and `cohort` for voters). */
async function ledger(): Promise<{ stored: Record<string, string>; recomputed: Record<string, string> }> {
  const db = await openDatabase({ url: server.databaseUrl });
  const rows = async (sql: string): Promise<unknown[][]> =>
    (await db.$client.execute({ sql, args: [POLL] })).rows.map((r) => Array.from({ length: r.length }, (_, i) => r[i]));
  try {
    const stored: Record<string, string> = {};
    const recomputed: Record<string, string> = {};
    for (const [cohort, voters] of await rows('SELECT cohort, voters FROM poll_cohorts WHERE poll_id = ?'))
      if (Number(voters) !== 0) stored[`${cohort}`] = String(voters);
    for (const [cohort, n] of await rows('SELECT cohort, count(*) FROM votes WHERE poll_id = ? GROUP BY cohort'))
      recomputed[`${cohort}`] = String(n);
    for (const [option, cohort, votes, weight, buckets] of await rows(
      `SELECT o.option_id, o.cohort, o.votes, o.weight,
         (SELECT coalesce(sum(b.votes), 0) FROM cohort_buckets b
           WHERE b.poll_id = o.poll_id AND b.option_id = o.option_id AND b.cohort = o.cohort)
       FROM poll_option_cohorts o WHERE o.poll_id = ?`,
    )) {
      if (Number(votes) === 0 && BigInt(String(weight)) === 0n && Number(buckets) === 0) continue;
      stored[`${option}/${cohort}`] = `${votes} ${weight} ${buckets}`;
    }
    const sums = new Map<string, { votes: number; weight: bigint }>();
    for (const [option, cohort, weight] of await rows(
      `SELECT c.option_id, v.cohort, v.weight FROM votes v JOIN vote_choices c ON c.vote_id = v.id
       WHERE v.poll_id = ?`,
    )) {
      const key = `${option}/${cohort}`;
      const sum = sums.get(key) ?? { votes: 0, weight: 0n };
      sums.set(key, { votes: sum.votes + 1, weight: sum.weight + BigInt(String(weight)) });
    }
    for (const [key, { votes, weight }] of sums) recomputed[key] = `${votes} ${weight} ${votes}`;
    return { stored, recomputed };
  } finally {
    db.$client.close();
  }
}

describe('withdrawing a verified ballot from a token poll', () => {
  it('takes it out of the cohort ledger and the counts, and the wallet may vote again', async () => {
    const whale = newAccount();
    const fish = newAccount();
    importSnapshots(server.databaseUrl, 'OPG', [
      [
        300,
        '2026-01-01',
        [
          [whale.address.toLowerCase(), '1000'],
          [fish.address.toLowerCase(), '10'],
          [testAddress(0xf111e), '998990'],
        ],
      ],
    ]);
    const whaleSession = await signIn(server.url, whale);
    const fishSession = await signIn(server.url, fish);
    const [option, other] = ['toward-retail', 'toward-whales'];
    const first = await vote(server.url, POLL, [option], { cookie: whaleSession });
    const second = await vote(server.url, POLL, [other], { cookie: fishSession });
    expect([first.status, second.status]).toEqual([201, 201]);
    const before = await ledger();
    expect(before.stored).toEqual(before.recomputed);
    // Weighed at the snapshot: the ledger holds the whale's balance, which the withdrawal must take out.
    expect(before.stored).toMatchObject({ whale: '1', fish: '1' });

    const res = await fetch(`${server.url}/api/account/ballots/${POLL}`, {
      method: 'DELETE',
      headers: { origin: server.url, cookie: whaleSession },
    });
    expect(res.status).toBe(200);
    const after = await ledger();
    expect(after.stored).toEqual(after.recomputed);
    expect(after.stored).not.toEqual(before.stored);

    const audit = await auditVotes(server.databaseUrl, POLL, new Map());
    for (const [id, { counter, choices, buckets }] of Object.entries(audit.perOption)) {
      expect([id, counter, buckets]).toEqual([id, choices, choices]);
    }
    expect((await vote(server.url, POLL, [other], { cookie: whaleSession })).status).toBe(201);
    const again = await ledger();
    expect(again.stored).toEqual(again.recomputed);
  });
});

describe('withdrawals and the vote rate limit', () => {
  it('count in the same allowance per client as votes: 429 with Retry-After once it is used', async () => {
    const limited = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '2' } });
    try {
      const cookie = await signIn(limited.url, newAccount());
      expect((await vote(limited.url, 'open-change', ['a'], { cookie })).status).toBe(201);
      const withdraw = (): Promise<Response> =>
        fetch(`${limited.url}/api/account/ballots/open-change`, {
          method: 'DELETE',
          headers: { origin: limited.url, cookie },
        });
      expect((await withdraw()).status).toBe(200);
      expect((await vote(limited.url, 'open-change', ['b'], { cookie })).status).toBe(429);
      const refused = await withdraw();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
    } finally {
      await limited.stop();
      limited.cleanup();
    }
  });
});
