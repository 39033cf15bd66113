import { eq } from 'drizzle-orm';
import type { Hex } from 'viem';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFlowSpans } from '../../db/schema.ts';
import { ingest, rewindTo } from '../../src/lib/chain/ingest.server.ts';
import { listSnapshots } from '../../src/lib/chain/repo.server.ts';
import type { FlowMetric } from '../../db/json-columns.ts';
import { readFlowSpans, readSpansBetween, refreshFlowSpans } from '../../src/lib/flows/flows.server.ts';
import { flowMeasure } from '../../src/lib/flows/measures.ts';
import { flowsView } from '../../src/lib/flows/query.ts';
import {
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
 * Figure 1 on a real local chain: a scripted month of a token's life, scanned into two snapshots, and the
 * net flow per group the test works out by hand from the transfers it sent (the groups fixed at the first
 * snapshot, as the figure promises), in two scopes. A rewind drops the spans it made wrong.
 */

const THRESHOLDS = { whale: 10, dolphin: 1, fish: 0.1 };
const DEAD = '0x000000000000000000000000000000000000dEaD';
const ZERO = '0x0000000000000000000000000000000000000000';
const milli = (n: number): bigint => BigInt(n) * 10n ** 15n;

let chain: LocalChain;
let contract: Hex;
let temp: Awaited<ReturnType<typeof tempDatabase>>;
const [whale, dolphin, shrimp, exchange, team, fresh1, fresh2, hop] = freshAccounts(8);
const TOKEN = {
  symbol: 'FLW',
  chainId: 31337,
  decimals: 18,
  deployBlock: 0,
  cohorts: THRESHOLDS,
  labels: {
    [exchange.address.toLowerCase()]: { name: 'Exchange', kind: 'exchange' as const },
    [team.address.toLowerCase()]: { name: 'Team', kind: 'team' as const },
  },
};
let first: number;
let second: number;

beforeAll(async () => {
  chain = await startChain();
  contract = await deployToken(chain, 'Flow Token', 'FLW');
  temp = await tempDatabase();
  for (const account of [whale, dolphin, shrimp, exchange, team, hop]) await fund(chain, account.address);
  // Supply 1,750.001: the whale 1,000 (57%), the exchange 500, the team 200, the dolphin 50 (2.9%), the
  // shrimp 0.001.
  await mintMany(
    chain,
    contract,
    [whale.address, exchange.address, team.address, dolphin.address, shrimp.address],
    [milli(1_000_000), milli(500_000), milli(200_000), milli(50_000), 10n ** 15n],
  );
  first = Number(await chain.publicClient.getBlockNumber());
  await ingest({ db: temp.db, client: chain.publicClient, token: TOKEN, contract });
  // The month: the exchange pays out to two fresh wallets, the shrimp sells everything, the team sends to an
  // unlabelled wallet that deposits it at the exchange, the dolphin pays the whale, the whale burns, a mint.
  await transferFrom(chain, contract, exchange, fresh1.address, milli(100_000));
  await transferFrom(chain, contract, exchange, fresh2.address, milli(50_000));
  await transferFrom(chain, contract, shrimp, exchange.address, 10n ** 15n);
  await transferFrom(chain, contract, team, hop.address, milli(20_000));
  await transferFrom(chain, contract, hop, exchange.address, milli(20_000));
  await transferFrom(chain, contract, dolphin, whale.address, milli(200));
  await transferFrom(chain, contract, whale, DEAD, milli(1_000));
  await mintMany(chain, contract, [dolphin.address], [milli(5_000)]);
  second = Number(await chain.publicClient.getBlockNumber());
  await ingest({ db: temp.db, client: chain.publicClient, token: TOKEN, contract });
}, 120_000);

afterAll(async () => {
  temp?.dispose();
  await chain?.stop();
});

describe('who accumulates, from the transfers', () => {
  it('gives each group’s net change with groups fixed at the earlier snapshot; the rows sum to zero', async () => {
    expect(await refreshFlowSpans(temp.db, TOKEN, Date.now())).toBe(1);
    const all = flowsView(await readFlowSpans(temp.db, 'FLW', 'all', 0, Date.now() + 86_400_000));
    expect(all.kind).toBe('transfers');
    expect(all.blocks).toEqual({ from: first, to: second });
    expect(Object.fromEntries(all.groups.map((g) => [g.group, BigInt(g.net)]))).toEqual({
      whale: milli(200) - milli(1_000),
      dolphin: milli(5_000) - milli(200),
      shrimp: -(10n ** 15n),
      insiders: -milli(20_000),
      exchange: -milli(100_000) - milli(50_000) + 10n ** 15n + milli(20_000),
      new: milli(150_000),
      minted: -milli(5_000),
      burned: milli(1_000),
    });
    expect(all.groups.reduce((sum, g) => sum + BigInt(g.net), 0n)).toBe(0n);
    // Three fresh wallets (two paid out, one the team's hop), whatever they did after.
    expect(all.groups.find((g) => g.group === 'new')?.addresses).toBe(3);
    expect(all.matrix.insiders).toEqual({ new: milli(20_000).toString() });
    expect(all.matrix.new?.exchange).toBe(milli(20_000).toString());
    // Shares are of the supply at the earlier snapshot: 1,750.001 tokens.
    expect(all.groups.find((g) => g.group === 'new')?.share).toBeCloseTo(150 / 1750.001, 8);

    // Without the exchange and the team, they are "outside", and the whale's share base is smaller.
    const circulating = flowsView(await readFlowSpans(temp.db, 'FLW', 'circulating', 0, Date.now() + 86_400_000));
    const net = Object.fromEntries(circulating.groups.map((g) => [g.group, BigInt(g.net)]));
    expect(net.outside).toBe(-milli(100_000) - milli(50_000) + 10n ** 15n + milli(20_000) - milli(20_000));
    expect(net.exchange).toBeUndefined();
    expect(circulating.groups.reduce((sum, g) => sum + BigInt(g.net), 0n)).toBe(0n);
  });

  it('computes a span once; a rewind below the later snapshot drops it, and the next scan makes it again', async () => {
    expect(await refreshFlowSpans(temp.db, TOKEN, Date.now())).toBe(0);
    const before = await temp.db.select().from(tokenFlowSpans).where(eq(tokenFlowSpans.token, 'FLW'));
    expect(before).toHaveLength(3);
    await rewindTo(temp.db, { token: 'FLW', chainId: 31337, contract: contract.toLowerCase() }, second - 2);
    await refreshFlowSpans(temp.db, TOKEN, Date.now());
    expect(await temp.db.select().from(tokenFlowSpans)).toHaveLength(0);
    await ingest({ db: temp.db, client: chain.publicClient, token: TOKEN, contract });
    expect(await refreshFlowSpans(temp.db, TOKEN, Date.now())).toBe(1);
    const again = flowsView(await readFlowSpans(temp.db, 'FLW', 'all', 0, Date.now() + 86_400_000));
    expect(again.blocks).toEqual({ from: first, to: second });
    // The scan after the rewind ends at the same block: its snapshot takes the marked one's place.
    expect((await listSnapshots(temp.db, 'FLW')).map((s) => [s.block, s.reorganised])).toEqual([
      [first, false],
      [second, false],
    ]);
  });

  it('recomputes the spans when the token file changes what they depend on, and measures flows from them', async () => {
    const both = { block: first, takenAt: 0 };
    const end = { block: second, takenAt: 0 };
    const measure = async (metric: FlowMetric) => {
      const spans = await readSpansBetween(temp.db, 'FLW', ['all'], first, second);
      return flowMeasure(metric, { scoped: spans, all: spans, unlocks: null }, both, end);
    };
    // Sent to the exchange by others: the shrimp's 0.001 and the hop's 20; of 1,750.001 at the first snapshot.
    const supply = milli(1_750_001);
    const share = (a: bigint) => Number((a * 1_000_000_000n) / supply) / 1e9;
    expect(await measure('exchangeInflow')).toBe(share(10n ** 15n + milli(20_000)));
    expect(await measure('netFlow.new')).toBe(share(milli(150_000)));
    // No reward payer is labelled: the spans keep an empty reward map, and there is nothing to measure.
    expect(await measure('rewardsTop10Share')).toBe('nothing-to-measure');

    // Label the dolphin's minter (the zero address) a reward payer from the first block on: the same spans, a
    // new definition, so they are computed again, and the mint of 5 to the dolphin is a node reward.
    const paying = {
      ...TOKEN,
      labels: { ...TOKEN.labels, [ZERO]: { name: 'Emission', kind: 'rewards' as const, since: first + 1 } },
    };
    expect(await refreshFlowSpans(temp.db, paying, Date.now())).toBe(1);
    const [span] = await readSpansBetween(temp.db, 'FLW', ['all'], first, second);
    expect(span?.figures.rewards).toEqual({ [dolphin.address.toLowerCase()]: milli(5_000).toString() });
    expect(await measure('rewardsTop10Share')).toBe(1);
    // Unchanged again: nothing to do.
    expect(await refreshFlowSpans(temp.db, paying, Date.now())).toBe(0);
    expect(await refreshFlowSpans(temp.db, TOKEN, Date.now())).toBe(1);
  });
});
