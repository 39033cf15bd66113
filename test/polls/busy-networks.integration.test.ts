import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { busyTotals } from '../../src/lib/polls/networks.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Stuffing made visible: ballots cast without a wallet are counted per client
 * network (named here through a trusted proxy, with documentation addresses)
 * in the vote's own commit, and a poll says how many came from networks that
 * cast more than five, never which.
 */

const env = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS, TRUSTED_PROXIES: '127.0.0.1' }, ownSiteUrl: true });

const A = '192.0.2.10';
const B = '192.0.2.11';
/** One IPv6 client: every address of its /64 is the same network. */
const C = (n: number): string => `2001:db8:7:7::${n.toString(16)}`;

const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

/** `count` new anonymous ballots from `address`, each a new browser; their voter cookies. */
async function ballots(pollId: string, address: string | ((n: number) => string), count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let n = 1; n <= count; n++) {
    const res = await vote(env.server.url, pollId, [['a', 'b', 'c'][n % 3]], {
      headers: from(typeof address === 'string' ? address : address(n)),
    });
    expect(res.status).toBe(201);
    cookies.push(res.cookie ?? '');
  }
  return cookies;
}

const busy = async (pollId: string): Promise<unknown> =>
  (await getResults(env.server.url, pollId)).anonymousFromBusyNetworks;

async function page(path: string): Promise<string> {
  const res = await fetch(`${env.server.url}${path}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The busy-networks notice of a poll page, as text, or null when the page has none. */
function notice(html: string): string | null {
  const match = /<p class="notice" data-busy-networks[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return match ? (match[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ') : null;
}

describe('anonymous ballots from busy networks', () => {
  it('counts them per network in the vote commit and shows only the sum over five, in the API and on the page', async () => {
    const poll = 'open-change';
    expect(await busy(poll)).toEqual({ ballots: 0, networks: 0 });
    expect(notice(await page(`/polls/${poll}/`))).toBeNull();

    const fromA = await ballots(poll, A, 8);
    await ballots(poll, B, 5);
    await ballots(poll, C, 7);
    // Two wallets vote from A too: verified ballots are not anonymous, whatever their network.
    for (const account of [newAccount(), newAccount()]) {
      const session = await signIn(env.server.url, account);
      expect((await vote(env.server.url, poll, ['a'], { cookie: session, headers: from(A) })).status).toBe(201);
    }
    // Changed ballots are the same ballots, from their own network or another.
    expect((await vote(env.server.url, poll, ['c'], { cookie: fromA[0] ?? null, headers: from(A) })).status).toBe(200);
    expect((await vote(env.server.url, poll, ['b'], { cookie: fromA[1] ?? null, headers: from(B) })).status).toBe(200);
    expect(await busy(poll)).toEqual({ ballots: 15, networks: 2 });

    // B's sixth ballot takes it over the line: all six count at once, in the vote's own answer too.
    const sixth = await vote(env.server.url, poll, ['a'], { headers: from(B) });
    expect(sixth.status).toBe(201);
    expect(sixth.body).toMatchObject({
      totalVotes: 23,
      verifiedVotes: 2,
      anonymousFromBusyNetworks: { ballots: 21, networks: 3 },
    });
    // The no-JavaScript form counts the same way.
    const form = await fetch(`${env.server.url}/polls/${poll}/?_action=polls.vote`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: env.server.url, ...from(B) },
      body: `pollId=${poll}&optionIds=b`,
    });
    expect(form.status).toBe(303);
    const results = await getResults(env.server.url, poll);
    expect(results).toMatchObject({ totalVotes: 24, verifiedVotes: 2 });
    expect(results.anonymousFromBusyNetworks).toEqual({ ballots: 22, networks: 3 });

    expect(notice(await page(`/polls/${poll}/`))).toBe(
      'Many ballots per network. 22 anonymous ballots came from 3 networks that each cast more than 5 in this poll. ' +
        'Anyone can vote without a wallet, and a household, an office or one person clearing cookies can cast many; ' +
        '2 ballots here are wallet-verified, one per wallet. ' +
        'A network is one IPv4 address or IPv6 /64 block; none is named, and none is stored as an address.',
    );
    expect(notice(await page(`/zh/polls/${poll}/`))).toMatch(
      /^同一网络投出的大量选票。有 22 张匿名选票来自 3 个网络，每个网络在这个投票中都投出了超过 5 张。.*这里有 2 票经钱包验证/,
    );
  });

  it('keeps counting a ballot where it was cast when a wallet claims it later', async () => {
    const poll = 'open-single';
    const cookies = await ballots(poll, '192.0.2.20', 6);
    expect(await busy(poll)).toEqual({ ballots: 6, networks: 1 });
    expect(notice(await page(`/polls/${poll}/`))).toMatch(
      /^Many ballots per network\. 6 anonymous ballots came from one network that cast more than 5 in this poll\. .*; no ballot here is wallet-verified yet\./,
    );
    const session = await signIn(env.server.url, newAccount());
    const claimed = await fetch(`${env.server.url}/api/polls/${poll}/ballot/wallet`, {
      method: 'POST',
      headers: { cookie: `${cookies[0]}; ${session}` },
    });
    expect(claimed.status).toBe(200);
    expect(await claimed.json()).toMatchObject({
      verifiedVotes: 1,
      anonymousFromBusyNetworks: { ballots: 6, networks: 1 },
    });
    expect(notice(await page(`/polls/${poll}/`))).toContain('; 1 ballot here is wallet-verified. ');
  });

  it('hides the figures while the poll hides its results', async () => {
    await ballots('after-vote', '192.0.2.30', 6);
    expect(await busy('after-vote')).toBeNull();
    expect(notice(await page('/polls/after-vote/'))).toBeNull();
  });

  it('stores each network only as a keyed hash of it, with counts that match the ballots and the poll’s sums', async () => {
    const db = await openDatabase({ url: env.server.databaseUrl });
    try {
      const client = db.$client;
      const rows = (
        await client.execute({
          sql: 'SELECT network, ballots FROM poll_network_ballots WHERE poll_id = ?',
          args: ['open-change'],
        })
      ).rows.map((r) => [String(r.network), Number(r.ballots)] as const);
      const counts = new Map(rows);
      const [salt] = (await client.execute("SELECT value FROM site_secrets WHERE name = 'network_salt'")).rows;
      const key = Buffer.from(String(salt?.value), 'hex');
      expect(key.length).toBe(32);
      const hash = (network: string): string =>
        createHmac('sha256', key).update(network).digest('base64url').slice(0, 22);
      // A's eight, B's five then two more, and the one /64 of C, under their keyed hashes.
      expect(counts).toEqual(
        new Map([
          [hash(A), 8],
          [hash(B), 7],
          [hash('2001:db8:7:7::/64'), 7],
        ]),
      );

      // The counts add up to the poll's ballots cast without a wallet, and the poll's sums to the counts.
      const [anonymous] = (
        await client.execute("SELECT count(*) AS n FROM votes WHERE poll_id = 'open-change' AND address IS NULL")
      ).rows;
      expect(Number(anonymous?.n)).toBe(22);
      const [sums] = (
        await client.execute("SELECT busy_network_ballots, busy_networks FROM polls WHERE id = 'open-change'")
      ).rows;
      expect({ ballots: Number(sums?.busy_network_ballots), networks: Number(sums?.busy_networks) }).toEqual(
        busyTotals(counts.values()),
      );

      // No table holds a client's address but the rate limiter's, which counts raw buckets for a minute.
      const tables = (
        await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      ).rows.map((r) => String(r.name));
      expect(tables).toContain('poll_network_ballots');
      const found: string[] = [];
      for (const table of tables) {
        for (const row of (await client.execute(`SELECT * FROM "${table}"`)).rows) {
          for (const value of Object.values(row)) {
            if (typeof value === 'string' && /192\.0\.2\.|2001:db8/i.test(value)) found.push(`${table}: ${value}`);
          }
        }
      }
      expect(found.filter((f) => !f.startsWith('rate_limits: '))).toEqual([]);
      expect(found).toContain(`rate_limits: vote:${A}`);
    } finally {
      db.$client.close();
    }
  });
});
