import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  castBallots,
  MIXED_ANONYMOUS,
  MIXED_PLAN,
  startTokenPollServer,
  UNIT,
  votersFromPlan,
  type Holder,
  type TokenPollServer,
} from '../helpers/cohorts.ts';
import { getResults, vote } from '../helpers/polls.ts';
import type { TestServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Results by holder cohort on a real server and database: wallets from a CSV
 * snapshot sign in with SIWE and vote over HTTP, and every cohort and tally
 * the API and CSV show is checked against a computation made here, from the
 * balances and choices of the fixture (MIXED_PLAN).
 */

type Option = 'a' | 'b' | 'c';

interface Voter extends Holder {
  /** What the test expects the site to make of the wallet. */
  cohort: 'whale' | 'dolphin' | 'fish' | 'shrimp' | 'insiders' | 'none';
  choice: Option;
}

const voters: Voter[] = votersFromPlan(MIXED_PLAN);
const ANONYMOUS: Option[] = MIXED_ANONYMOUS;

let setup: TokenPollServer;
let server: TestServer;

beforeAll(async () => {
  setup = await startTokenPollServer(voters, {
    'tst-single':
      `id: tst-single\nquestion: Which way?\ntoken: TST\nopensAt: 2026-01-01T00:00:00Z\noptions:\n` +
      `  - { id: a, label: Alpha }\n  - { id: b, label: Beta }\n  - { id: c, label: Gamma }\n`,
  });
  server = setup.server;
  await castBallots(server, 'tst-single', [
    ...voters.map((v) => ({ account: v.account, optionIds: [v.choice] })),
    ...ANONYMOUS.map((choice) => ({ account: null, optionIds: [choice] })),
  ]);
}, 120_000);

afterAll(async () => {
  await setup?.stop();
});

/** Largest remainder to 100, ties to the earlier option: written again here, not imported. */
function shares(values: readonly bigint[]): number[] {
  const total = values.reduce((s, v) => s + v, 0n);
  if (total === 0n) return values.map(() => 0);
  const floors = values.map((v) => Number((v * 100n) / total));
  const rest = values.map((v, i) => v * 100n - BigInt(floors[i] ?? 0) * total);
  let left = 100 - floors.reduce((s, f) => s + f, 0);
  const order = values.map((_, i) => i).sort((x, y) => Number((rest[y] ?? 0n) - (rest[x] ?? 0n)) || x - y);
  for (const i of order) if (left-- > 0) floors[i] = (floors[i] ?? 0) + 1;
  return floors;
}

const OPTIONS: Option[] = ['a', 'b', 'c'];
const count = (list: readonly Voter[], o: Option): bigint => BigInt(list.filter((v) => v.choice === o).length);

interface Results {
  totalVotes: number;
  verifiedVotes: number;
  weighting: { mode: string; block: number; date: string; source: string };
  cohorts: {
    id: string;
    hidden: boolean;
    voters: number | null;
    options: { id: string; votes: number | null; percent: number | null }[];
  }[];
  tallies: Record<
    string,
    { options: { id: string; votes?: number; weight?: unknown; percent: number }[]; leader: string[]; summary: string }
  >;
  disagreement: string | null;
  decisiveWallets: { count: number | null; share: number | null; note: string };
}

describe('results by holder cohort', () => {
  it('weights every wallet by the CSV snapshot before the poll opened, and says which', async () => {
    const results = (await getResults(server.url, 'tst-single')) as unknown as Results;
    expect(results.totalVotes).toBe(voters.length + ANONYMOUS.length);
    expect(results.verifiedVotes).toBe(voters.length);
    expect(results.weighting).toMatchObject({ mode: 'open', block: 777, date: '2025-12-01T00:00:00.000Z' });
    expect(results.weighting.source).toContain('holders.csv');
  });

  it('shows each cohort of 5 or more as counted here, and hides the smaller ones', async () => {
    const results = (await getResults(server.url, 'tst-single')) as unknown as Results;
    for (const cohort of ['whale', 'dolphin', 'fish', 'shrimp'] as const) {
      const members = voters.filter((v) => v.cohort === cohort);
      const counts = OPTIONS.map((o) => count(members, o));
      const pct = shares(counts);
      expect(results.cohorts.find((c) => c.id === cohort)).toEqual({
        id: cohort,
        label: expect.any(String),
        hidden: false,
        voters: members.length,
        options: OPTIONS.map((o, i) => ({ id: o, votes: Number(counts[i]), percent: pct[i] })),
      });
    }
    // Insiders (2) and holds-none (4) are under the floor, and together 6 mixed ballots: both hidden, nothing else.
    for (const cohort of ['insiders', 'none']) {
      expect(results.cohorts.find((c) => c.id === cohort)).toMatchObject({
        hidden: true,
        voters: null,
        options: OPTIONS.map((o) => ({ id: o, votes: null, percent: null })),
      });
    }
    const anonymous = OPTIONS.map((o) => BigInt(ANONYMOUS.filter((c) => c === o).length));
    expect(results.cohorts.find((c) => c.id === 'unverified')).toMatchObject({
      hidden: false,
      voters: ANONYMOUS.length,
      options: OPTIONS.map((o, i) => ({ id: o, votes: Number(anonymous[i]) })),
    });
  });

  it('gives the four tallies as computed here: ballots, wallets, exact tokens, square roots', async () => {
    const results = (await getResults(server.url, 'tst-single')) as unknown as Results;
    const ballots = OPTIONS.map((o) => count(voters, o) + BigInt(ANONYMOUS.filter((c) => c === o).length));
    const wallets = OPTIONS.map((o) => count(voters, o));
    const weightOf = (v: Voter): bigint => (v.label === 'exchange' ? 0n : v.tokens * UNIT);
    const tokens = OPTIONS.map((o) => voters.filter((v) => v.choice === o).reduce((s, v) => s + weightOf(v), 0n));
    const roots = OPTIONS.map((o) =>
      voters.filter((v) => v.choice === o).reduce((s, v) => s + Math.sqrt(Number(weightOf(v) / UNIT)), 0),
    );
    expect(results.tallies.ballots?.options).toEqual(
      OPTIONS.map((o, i) => ({ id: o, votes: Number(ballots[i]), percent: shares(ballots)[i] })),
    );
    expect(results.tallies.wallets?.options).toEqual(
      OPTIONS.map((o, i) => ({ id: o, votes: Number(wallets[i]), percent: shares(wallets)[i] })),
    );
    // Whole percentages only: without public ballots no exact weight is published.
    expect(results.tallies.tokens?.options).toEqual(OPTIONS.map((o, i) => ({ id: o, percent: shares(tokens)[i] })));
    const rootUnits = roots.map((r) => BigInt(Math.round(r * 1e9)));
    expect(results.tallies.squareRoot?.options.map((o) => o.percent)).toEqual(shares(rootUnits));
    const lead = (values: readonly bigint[]): Option[] => {
      const top = values.reduce((m, v) => (v > m ? v : m), 0n);
      return OPTIONS.filter((_, i) => values[i] === top);
    };
    expect(results.tallies.wallets?.leader).toEqual(lead(wallets));
    expect(results.tallies.tokens?.leader).toEqual(lead(tokens));
    // Wallets lean Alpha, tokens lean Beta (the whales): the page says so in words.
    expect(lead(wallets)).toEqual(['a']);
    expect(lead(tokens)).toEqual(['b']);
    expect(results.disagreement).toBe('Wallets lean Alpha; tokens lean Beta');
  });

  it('counts the wallets that decide the weighted result, heaviest first', async () => {
    const results = (await getResults(server.url, 'tst-single')) as unknown as Results;
    const weightOf = (v: Voter): bigint => (v.label === 'exchange' ? 0n : v.tokens * UNIT);
    const total = (o: Option): bigint => voters.filter((v) => v.choice === o).reduce((s, v) => s + weightOf(v), 0n);
    // Removing leader (b) ballots, heaviest first, until a (the runner-up) is strictly ahead.
    const forB = voters
      .filter((v) => v.choice === 'b')
      .map(weightOf)
      .sort((x, y) => (x < y ? 1 : x > y ? -1 : 0));
    let removed = 0n;
    let k = 0;
    while (total('b') - removed >= total('a')) removed += forB[k++] ?? 0n;
    expect(k).toBeLessThan(5);
    expect(results.decisiveWallets).toMatchObject({ count: null, share: null, note: 'fewer than 5 wallets decide it' });
  });

  it('writes the same figures, floor included, to cohorts.csv, and never an address', async () => {
    const response = await fetch(`${server.url}/api/polls/tst-single/cohorts.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const csv = await response.text();
    const rows = csv
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    expect(rows[0]?.slice(0, 9)).toEqual([
      'poll',
      'kind',
      'group',
      'hidden',
      'voters',
      'option',
      'votes',
      'weight',
      'percent',
    ]);
    const whaleB = rows.find((r) => r[2] === 'whale' && r[5] === 'b');
    expect(whaleB?.slice(3, 7)).toEqual(['false', '5', 'b', '4']);
    const insiders = rows.filter((r) => r[2] === 'insiders');
    expect(insiders.every((r) => r[3] === 'true' && r[4] === '' && r[6] === '' && r[8] === '')).toBe(true);
    for (const v of voters) expect(csv.toLowerCase()).not.toContain(v.account.address.toLowerCase());
    const json = JSON.stringify(await getResults(server.url, 'tst-single')).toLowerCase();
    for (const v of voters) expect(json).not.toContain(v.account.address.toLowerCase());
  });

  it('refuses ballots.csv for a poll that does not publish its ballots', async () => {
    const response = await fetch(`${server.url}/api/polls/tst-single/ballots.csv`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'ballots_private' });
  });

  it('moves an anonymous ballot into its wallet’s cohort when it is claimed', async () => {
    const before = (await getResults(server.url, 'tst-single')) as unknown as Results;
    const whale = newAccount();
    const anonymous = await vote(server.url, 'tst-single', ['c']);
    const session = await signIn(server.url, whale);
    const claimed = await fetch(`${server.url}/api/polls/tst-single/ballot/wallet`, {
      method: 'POST',
      headers: { cookie: `${session}; ${anonymous.cookie ?? ''}` },
    });
    expect(claimed.status).toBe(200);
    // Not in the snapshot: the wallet holds none, and "not verified" is back where it was.
    const after = (await getResults(server.url, 'tst-single')) as unknown as Results;
    const unverified = (r: Results): number | null => r.cohorts.find((c) => c.id === 'unverified')?.voters ?? null;
    expect(unverified(after)).toBe(unverified(before));
    expect(after.verifiedVotes).toBe(before.verifiedVotes + 1);
    expect(after.tallies.wallets?.options.find((o) => o.id === 'c')?.votes).toBe(
      (before.tallies.wallets?.options.find((o) => o.id === 'c')?.votes ?? 0) + 1,
    );
  });
});
