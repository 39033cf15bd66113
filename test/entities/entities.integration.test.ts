import type { Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/chain/ingest.server.ts';
import { latestLiveSnapshot, listSnapshots } from '../../src/lib/chain/repo.server.ts';
import {
  entityGroupings,
  ownerCount,
  ownersOf,
  readOwners,
  refreshEntities,
} from '../../src/lib/entities/entities.server.ts';
import { resolutionSnapshots } from '../../src/lib/resolution/repo.server.ts';
import { resolutionState } from '../../src/lib/resolution/status.ts';
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
 * Owners on a real local chain: a scripted history with one owner of each kind (a whale seeding fresh wallets, a
 * wallet sweeping into another, an insider paying a fresh wallet, two addresses the token file names together, and a
 * distributor that seeds too many wallets to be one owner), scanned into snapshots. The test works out the owners
 * and the top 10's share by owner from the transactions it sent, not from the code under test.
 */

const unit = (n: number): bigint => BigInt(n) * 10n ** 18n;
const [whale, fresh1, fresh2, fresh3, whale2, sweeper, exchange, team, teamFresh, deskA, deskB, distributor] =
  freshAccounts(12);
/** Seeded by the distributor: one more than the default fan-out, so none of them joins it. */
const airdropped = freshAccounts(26);
const lower = (a: { address: string }): string => a.address.toLowerCase();
const TOKEN = {
  symbol: 'ENT',
  chainId: 31337,
  decimals: 18,
  deployBlock: 0,
  cohorts: { whale: 10, dolphin: 1, fish: 0.1 },
  labels: {
    [lower(exchange)]: { name: 'Exchange', kind: 'exchange' as const },
    [lower(team)]: { name: 'Team', kind: 'team' as const },
    [lower(deskA)]: { name: 'Desk treasury', kind: 'treasury' as const, entity: 'Desk' },
    [lower(deskB)]: { name: 'Desk contract', kind: 'contract' as const, entity: 'Desk' },
  },
  entities: undefined,
};

let chain: LocalChain;
let contract: Hex;
let temp: Awaited<ReturnType<typeof tempDatabase>>;
/** Every balance as the test's own ledger has it. */
const ledger = new Map<string, bigint>();
const hashes = { whaleToFresh1: '', sweeps: [] as string[] };

async function send(from: PrivateKeyAccount, to: PrivateKeyAccount, amount: bigint): Promise<string> {
  const receipt = await transferFrom(chain, contract, from, to.address, amount);
  ledger.set(lower(from), (ledger.get(lower(from)) ?? 0n) - amount);
  ledger.set(lower(to), (ledger.get(lower(to)) ?? 0n) + amount);
  return receipt.transactionHash;
}

beforeAll(async () => {
  chain = await startChain();
  contract = await deployToken(chain, 'Entity Token', 'ENT');
  temp = await tempDatabase();
  const minted: [PrivateKeyAccount, number][] = [
    [whale, 3_000],
    [whale2, 1_000],
    [exchange, 4_000],
    [team, 1_500],
    [deskA, 500],
    [deskB, 300],
    [distributor, 260],
  ];
  await mintMany(
    chain,
    contract,
    minted.map(([a]) => a.address),
    minted.map(([, n]) => unit(n)),
  );
  for (const [a, n] of minted) ledger.set(lower(a), unit(n));
  for (const a of [whale, sweeper, exchange, team, distributor]) await fund(chain, a.address);
  await ingest({ db: temp.db, client: chain.publicClient, token: TOKEN, contract });

  // The whale seeds three fresh wallets; the sweeper buys at the exchange, then sends all it sends to whale 2 in two
  // transfers; the team pays a fresh wallet; the distributor seeds 26 wallets.
  hashes.whaleToFresh1 = await send(whale, fresh1, unit(400));
  await send(whale, fresh2, unit(300));
  await send(whale, fresh3, unit(200));
  await send(exchange, sweeper, unit(900));
  hashes.sweeps.push(await send(sweeper, whale2, unit(500)));
  hashes.sweeps.push(await send(sweeper, whale2, unit(350)));
  await send(team, teamFresh, unit(700));
  for (const wallet of airdropped) await send(distributor, wallet, unit(10));
  await ingest({ db: temp.db, client: chain.publicClient, token: TOKEN, contract });
}, 180_000);

afterAll(async () => {
  temp?.dispose();
  await chain?.stop();
});

/** The owners the test expects, as sets of wallets. */
const EXPECTED = () => [
  [whale, fresh1, fresh2, fresh3].map(lower).sort(),
  [whale2, sweeper].map(lower).sort(),
  [team, teamFresh].map(lower).sort(),
  [deskA, deskB].map(lower).sort(),
];

describe('owners from a real chain', () => {
  it('groups each snapshot once, and the latest owners’ wallets are exactly those the history joined', async () => {
    expect(await refreshEntities(temp.db, TOKEN, Date.now())).toBe(2);
    expect(await refreshEntities(temp.db, TOKEN, Date.now())).toBe(0);
    const latest = await latestLiveSnapshot(temp.db, 'ENT');
    if (!latest) throw new Error('no snapshot');
    const owners = await readOwners(temp.db, 'ENT', latest.id, 100);
    if (!owners) throw new Error('no owners');
    expect(owners.entities.map((e) => [...e.wallets].sort()).sort()).toEqual(EXPECTED().sort());
    expect(await ownerCount(temp.db, 'ENT', latest.id)).toBe(4);
    // Each wallet's owner is its entity's lowest address; an airdropped wallet is its own.
    const lookup = await ownersOf(temp.db, 'ENT', [lower(fresh2), lower(airdropped[0])]);
    expect(lookup.get(lower(fresh2))).toBe(EXPECTED()[0]?.[0]);
    expect(lookup.get(lower(airdropped[0]))).toBe(lower(airdropped[0]));
  });

  it('keeps the transfer behind every edge, and each owner’s combined balance as the ledger has it', async () => {
    const latest = await latestLiveSnapshot(temp.db, 'ENT');
    const owners = latest && (await readOwners(temp.db, 'ENT', latest.id, 100));
    if (!owners) throw new Error('no owners');
    const byWallet = (a: PrivateKeyAccount) => owners.entities.find((e) => e.wallets.includes(lower(a)));
    const whaleEntity = byWallet(whale);
    expect(whaleEntity?.edges).toContainEqual(
      expect.objectContaining({
        rule: 'funded',
        from: lower(whale),
        to: lower(fresh1),
        evidence: [expect.objectContaining({ txHash: hashes.whaleToFresh1 })],
      }),
    );
    expect(byWallet(sweeper)?.edges).toEqual([
      expect.objectContaining({ rule: 'swept', from: lower(sweeper), to: lower(whale2) }),
    ]);
    const sweep = byWallet(sweeper)?.edges[0];
    expect(sweep?.rule === 'swept' && sweep.evidence.map((e) => e.txHash)).toEqual(hashes.sweeps);
    expect(byWallet(deskA)?.edges).toEqual([expect.objectContaining({ rule: 'named', name: 'Desk' })]);
    for (const entity of owners.entities)
      expect(entity.balance).toBe(entity.wallets.reduce((sum, w) => sum + (ledger.get(w) ?? 0n), 0n));
    expect(byWallet(team)?.insider).toBe(true);
    expect(byWallet(deskA)?.insider).toBe(true);
    expect(byWallet(whale)?.insider).toBe(false);
  });

  it('measures the top 10 by owner as the test sums it, per scope, and lists the insiders’ other wallets', async () => {
    const latest = await latestLiveSnapshot(temp.db, 'ENT');
    const owners = latest && (await readOwners(temp.db, 'ENT', latest.id));
    if (!owners) throw new Error('no owners');
    const groups = EXPECTED();
    const ownerOf = (w: string) => groups.find((g) => g.includes(w))?.[0] ?? w;
    const insiders = new Set([ownerOf(lower(team)), ownerOf(lower(deskA))]);
    const custodians = new Set([lower(exchange), lower(deskB)]);
    const top10 = (keep: (wallet: string) => boolean): number => {
      const sums = new Map<string, bigint>();
      for (const [w, b] of ledger) if (b > 0n && keep(w)) sums.set(ownerOf(w), (sums.get(ownerOf(w)) ?? 0n) + b);
      const sorted = [...sums.values()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
      const total = sorted.reduce((s, b) => s + b, 0n);
      return Number(sorted.slice(0, 10).reduce((s, b) => s + b, 0n)) / Number(total);
    };
    const { metrics } = owners.summary;
    expect(metrics.all.top10Share).toBeCloseTo(
      top10(() => true),
      12,
    );
    expect(metrics.excludingLabelled.top10Share).toBeCloseTo(
      top10((w) => !custodians.has(w)),
      12,
    );
    expect(metrics.circulating.top10Share).toBeCloseTo(
      top10((w) => !custodians.has(w) && !insiders.has(ownerOf(w))),
      12,
    );
    // The team's fresh wallet is the one unlabelled wallet an insider owner takes out of circulation.
    expect(owners.summary.insiderWallets).toBe(1);
    expect(owners.summary.edges).toEqual({ funded: 4, swept: 1, named: 1 });
    expect(owners.summary.kind).toBe('transfers');
    // Both snapshots are grouped, the first before any of the history: only the named owner then.
    const history = await entityGroupings(temp.db, 'ENT');
    expect(history.map((h) => h.summary.entities)).toEqual([1, 4]);
    expect((await listSnapshots(temp.db, 'ENT')).map((s) => s.id)).toEqual(history.map((h) => h.snapshotId));
  });

  it('settles a poll on a metric counted by owner, from the snapshots the resolutions read', async () => {
    const snapshots = await resolutionSnapshots(temp.db, 'ENT');
    const groupings = await entityGroupings(temp.db, 'ENT');
    expect(snapshots.map((s) => s.ownerMetrics)).toEqual(groupings.map((g) => g.summary.metrics));
    const [first, second] = [...snapshots].sort((a, b) => a.block - b.block);
    if (!first || !second) throw new Error('two snapshots');
    const definition = {
      metric: 'top10Share' as const,
      scope: 'all' as const,
      from: 'opens',
      at: new Date(second.takenAt).toISOString().slice(0, 10),
      outcomes: { down: { below: 0 }, same: { between: [0, 0] as [number, number] }, up: { above: 0 } },
      by: 'entity' as const,
    };
    const state = resolutionState(
      definition,
      { closesAt: first.takenAt, weightingBlock: first.block },
      snapshots,
      second.takenAt + 1,
    );
    expect(state.status).toBe('resolved');
    if (state.status !== 'resolved') return;
    expect(state.from.value).toBe(first.ownerMetrics?.all.top10Share);
    expect(state.to.value).toBe(second.ownerMetrics?.all.top10Share);
    expect(state.description).toContain('counted by owner');
  });

  it('regroups every snapshot when the token file’s rules change', async () => {
    // A fan-out of 2: the whale seeded 3, so its wallets no longer join it.
    const stricter = { ...TOKEN, entities: { maxFanout: 2 } };
    expect(await refreshEntities(temp.db, stricter, Date.now())).toBe(2);
    const latest = await latestLiveSnapshot(temp.db, 'ENT');
    const owners = latest && (await readOwners(temp.db, 'ENT', latest.id, 100));
    expect(owners?.entities.some((e) => e.wallets.includes(lower(fresh1)))).toBe(false);
    expect(owners?.summary.rules.maxFanout).toBe(2);
  });
});
