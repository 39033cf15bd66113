import { eq } from 'drizzle-orm';
import type { Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenDefinition } from '../../src/lib/chain/schemas.ts';
import { tokenFlowFigures, tokenFlowState } from '../../db/schema.ts';
import { ingest } from '../../src/lib/chain/ingest.server.ts';
import { readFlowFigure, readPageFigures, refreshFlowFigures } from '../../src/lib/flows/figures.server.ts';
import { periodOf } from '../../src/lib/flows/rewards.ts';
import {
  advanceTime,
  deployToken,
  freshAccounts,
  fund,
  mintMany,
  startChain,
  transferFrom,
  type LocalChain,
} from '../helpers/chain.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * Figures 2–4 on a real local chain: a reward distributor paying two node operators, an operator selling, an
 * insider selling around an unlock directly and through a fresh wallet, a buyer on a pool and off an exchange.
 * Every figure is worked out here by hand from the transactions the test sent, with the block times the chain
 * gave them.
 */

const UNIT = 10n ** 18n;
const DAY = 86_400;
const [distributor, opA, opB, exchange, pool, team, hop, buyer] = freshAccounts(8);
const lower = (a: PrivateKeyAccount): string => a.address.toLowerCase();

let chain: LocalChain;
let contract: Hex;
let temp: Awaited<ReturnType<typeof tempDatabase>>;
/** Block times (ms) of the moments the test needs. */
const at: Record<'reward' | 'sale' | 'late', number> = { reward: 0, sale: 0, late: 0 };
let token: TokenDefinition;
let carried: (typeof tokenFlowFigures.$inferSelect)[] = [];

const blockTime = async (): Promise<number> => Number((await chain.publicClient.getBlock()).timestamp) * 1000;

beforeAll(async () => {
  chain = await startChain();
  contract = await deployToken(chain, 'Figures Token', 'FIG');
  temp = await tempDatabase();
  for (const account of [distributor, opA, exchange, team, hop, buyer]) await fund(chain, account.address);
  // Supply 2,600: the distributor's budget, the team's allocation, the exchange's float and a buyer.
  await mintMany(
    chain,
    contract,
    [distributor.address, team.address, exchange.address, buyer.address],
    [1_000n * UNIT, 500n * UNIT, 1_000n * UNIT, 100n * UNIT],
  );
  token = {
    symbol: 'FIG',
    name: 'Figures',
    chainId: 31337,
    rpcEnv: 'RPC_URL_31337',
    decimals: 18,
    deployBlock: 0,
    demo: false,
    cohorts: { whale: 10, dolphin: 1, fish: 0.1 },
    labels: {
      [lower(distributor)]: { name: 'Rewards', kind: 'rewards' },
      [lower(exchange)]: { name: 'Exchange', kind: 'exchange' },
      [lower(pool)]: { name: 'Pool', kind: 'lp' },
      [lower(team)]: { name: 'Team', kind: 'team' },
    },
    unlocks: [],
    rewardFloor: '50',
  };
  await ingest({ db: temp.db, client: chain.publicClient, token, contract });

  await advanceTime(chain, DAY);
  await transferFrom(chain, contract, distributor, opA.address, 100n * UNIT);
  at.reward = await blockTime();
  await transferFrom(chain, contract, distributor, opB.address, 10n * UNIT);
  await advanceTime(chain, DAY);
  await transferFrom(chain, contract, opA, exchange.address, 60n * UNIT);
  at.sale = await blockTime();
  await transferFrom(chain, contract, buyer, pool.address, 30n * UNIT);
  await transferFrom(chain, contract, exchange, buyer.address, 200n * UNIT);
  await transferFrom(chain, contract, team, hop.address, 200n * UNIT);
  await transferFrom(chain, contract, hop, exchange.address, 150n * UNIT);
  await transferFrom(chain, contract, team, exchange.address, 50n * UNIT);
  // The team's cliff, an hour before the sales: they fall on day 0 of its window.
  token = {
    ...token,
    unlocks: [{ kind: 'cliff', date: new Date(at.sale - 3_600_000), amount: '1000', recipient: 'team cliff' }],
  };
  // A snapshot in between: the figures at the last one carry forward what they had here (token_flow_state).
  await ingest({ db: temp.db, client: chain.publicClient, token, contract });
  expect(await refreshFlowFigures(temp.db, token, Date.now())).toBe(true);
  await advanceTime(chain, 10 * DAY);
  // Eleven days after the reward: past the 7-day window, inside the 30-day one.
  await transferFrom(chain, contract, opA, exchange.address, 30n * UNIT);
  await transferFrom(chain, contract, distributor, opA.address, 50n * UNIT);
  at.late = await blockTime();
  await ingest({ db: temp.db, client: chain.publicClient, token, contract });
  expect(await refreshFlowFigures(temp.db, token, Date.now())).toBe(true);
  carried = await temp.db.select().from(tokenFlowFigures).where(eq(tokenFlowFigures.token, 'FIG'));
}, 120_000);

afterAll(async () => {
  await chain?.stop();
  temp?.dispose();
});

describe('figures 2–4 from a scripted history', () => {
  it('counts rewards per day: paid, recipients, concentration, median, below the floor, and what reached an exchange', async () => {
    const stored = await readFlowFigure(temp.db, 'FIG', 'rewards', 'day');
    expect(stored?.data.payers).toEqual([lower(distributor)]);
    const periods = stored?.data.periods ?? [];
    expect(periods.map((p) => p.key)).toEqual([periodOf(at.reward, 'day').key, periodOf(at.late, 'day').key]);
    const [first, last] = periods;
    expect(first).toMatchObject({ paid: (110n * UNIT).toString(), recipients: 2, top10Share: 1 });
    // Two recipients, 100 and 10: the lower middle is 10; the floor is 50 a week, so 50/7 a day.
    expect(first?.median).toBe((10n * UNIT).toString());
    expect(first?.floor).toBe(((50n * UNIT) / 7n).toString());
    expect(first?.belowFloor).toBe(0);
    // Mean absolute difference ÷ twice the mean: (2 × 90) ÷ (2 × 2² × 55).
    expect(first?.gini).toBeCloseTo(180 / 440, 6);
    // opA sold 60 a day after its reward of 100: inside 7 days. Its sale of 30 eleven days later is past them.
    expect(first?.toExchange.d7).toEqual({
      reached: (60n * UNIT).toString(),
      known: (110n * UNIT).toString(),
      pending: '0',
      // Shares are kept to nine decimals.
      share: expect.closeTo(60 / 110, 8),
    });
    // The reward is younger than 30 days at the snapshot: not yet known, not zero.
    expect(first?.toExchange.d30).toEqual({ reached: '0', known: '0', pending: (110n * UNIT).toString(), share: null });
    expect(last).toMatchObject({ paid: (50n * UNIT).toString(), recipients: 1, incomplete: true });
    expect(last?.toExchange.d7.pending).toBe((50n * UNIT).toString());
  });

  it('counts an unlock’s tokens sent to exchanges, directly and through the wallet the team paid, up to what it was paid', async () => {
    const stored = await readFlowFigure(temp.db, 'FIG', 'unlocks');
    expect(stored?.data.windows).toHaveLength(1);
    const [w] = stored?.data.windows ?? [];
    expect(w).toMatchObject({
      kind: 'cliff',
      released: (1_000n * UNIT).toString(),
      direct: (50n * UNIT).toString(),
      viaHop: (150n * UNIT).toString(),
      share: 0.2,
      hops: 1,
      overlaps: [],
      open: true,
    });
    // Day 0 of the window is its eighth day.
    expect(w?.daily[7]).toBe((200n * UNIT).toString());
    expect(w?.daily.filter((d) => d !== '0')).toHaveLength(1);
  });

  it('splits exchange flows by the other side’s group at the snapshot before, and keeps pools apart', async () => {
    const stored = await readFlowFigure(temp.db, 'FIG', 'exchanges');
    const sum = (side: 'inflow' | 'outflow') => {
      const totals: Record<string, bigint> = {};
      for (const d of stored?.data.days ?? [])
        for (const [g, v] of Object.entries(d[side])) totals[g] = (totals[g] ?? 0n) + BigInt(v);
      return totals;
    };
    // The exchange's float was minted in the first snapshot's block: nothing before it. opA and the hop were
    // not in the first snapshot (new); the buyer held 100 of 2,600 (3.8%: a dolphin); the team is an insider.
    // opA's late sale comes after the snapshot in between, where it held 40 of 2,600 (1.5%: a dolphin).
    expect(sum('inflow')).toEqual({
      'before-first': 1_000n * UNIT,
      new: (60n + 150n) * UNIT,
      dolphin: (30n + 30n) * UNIT,
      insiders: 50n * UNIT,
    });
    expect(sum('outflow')).toEqual({ dolphin: 200n * UNIT });
    const lp = (stored?.data.days ?? []).reduce((s, d) => s + BigInt(d.venues.lp.inflow), 0n);
    expect(lp).toBe(30n * UNIT);
    const sale = stored?.data.days.find((d) => d.day === new Date(at.sale).toISOString().slice(0, 10));
    expect(sale?.net).toBe(((60n + 30n + 150n + 50n - 200n) * UNIT).toString());
  });

  it('stands at the latest snapshot, is not recomputed without a change, and is recomputed when the token file changes', async () => {
    const page = await readPageFigures(temp.db, 'FIG');
    expect(new Set([page.rewards?.toBlock, page.unlocks?.toBlock, page.exchanges?.toBlock]).size).toBe(1);
    expect(page.rewards?.toBlock).toBe(Number(await chain.publicClient.getBlockNumber()));
    expect(await refreshFlowFigures(temp.db, token, Date.now())).toBe(false);
    const floor = { ...token, rewardFloor: '1000' };
    expect(await refreshFlowFigures(temp.db, floor, Date.now())).toBe(true);
    const stored = await readFlowFigure(temp.db, 'FIG', 'rewards', 'day');
    expect(stored?.data.periods[0]?.belowFloor).toBe(2);
  });

  it('carried forward from the snapshot before, gives what a pass over every transfer gives', async () => {
    expect(await refreshFlowFigures(temp.db, token, Date.now())).toBe(true);
    const state = await temp.db.select().from(tokenFlowState).where(eq(tokenFlowState.token, 'FIG')).get();
    expect(state?.block).toBe(Number(await chain.publicClient.getBlockNumber()));
    // Without the state, the next refresh reads every kept transfer again.
    await temp.db.delete(tokenFlowState);
    await temp.db.delete(tokenFlowFigures);
    expect(await refreshFlowFigures(temp.db, token, Date.now())).toBe(true);
    const fresh = await temp.db.select().from(tokenFlowFigures).where(eq(tokenFlowFigures.token, 'FIG'));
    const data = (rows: typeof fresh) =>
      Object.fromEntries(rows.map((r) => [`${r.figure}/${r.variant}`, [r.fromBlock, r.toBlock, r.data]]));
    expect(data(carried)).toEqual(data(fresh));
    expect(carried).toHaveLength(5);
  });
});
