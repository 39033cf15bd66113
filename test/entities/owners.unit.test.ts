import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelKind } from '../../db/vocabulary.ts';
import { distributionMetrics } from '../../src/lib/chain/metrics.ts';
import {
  EdgeCollector,
  entityEdges,
  groupEntities,
  type EntityEdge,
  type GroupingTransfer,
} from '../../src/lib/entities/grouping.ts';
import { entityRows, ownerBalances, ownerFigures } from '../../src/lib/entities/owners.ts';

const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const COHORTS = { whale: 10, dolphin: 1, fish: 0.1 };
const funded = (from: number, to: number): EntityEdge => ({
  rule: 'funded',
  from: addr(from),
  to: addr(to),
  evidence: [{ block: to, logIndex: 0, txHash: '0x' }],
});

describe('holders counted by owner', () => {
  // Owner 1 holds three wallets (1, 2, 3); the team wallet 10 funded wallet 11; 20 is an exchange; 30.. are alone.
  const grouping = groupEntities([funded(1, 2), funded(2, 3), funded(10, 11)]);
  const labels = new Map<string, LabelKind>([
    [addr(10), 'team'],
    [addr(20), 'exchange'],
  ]);
  const holders = [
    [1, 100n],
    [2, 50n],
    [3, 50n],
    [10, 300n],
    [11, 40n],
    [20, 400n],
    [30, 30n],
    [31, 20n],
    [32, 10n],
  ].map(([n, balance]) => ({ address: addr(n as number), balance: balance as bigint }));
  const input = { holders, grouping, labels, cohorts: COHORTS };

  it('adds up an owner’s wallets into one holder, and leaves custodians and insiders out where the scope does', () => {
    const value = (scope: 'all' | 'excludingLabelled' | 'circulating') =>
      Object.fromEntries([...ownerBalances(input, scope)].map(([o, v]) => [o, v.value]));
    expect(value('all')).toEqual({
      [addr(1)]: 200,
      [addr(10)]: 340,
      [addr(20)]: 400,
      [addr(30)]: 30,
      [addr(31)]: 20,
      [addr(32)]: 10,
    });
    expect(value('excludingLabelled')).not.toHaveProperty(addr(20));
    // The team's fresh wallet leaves the circulating scope with the team.
    expect(value('circulating')).toEqual({ [addr(1)]: 200, [addr(30)]: 30, [addr(31)]: 20, [addr(32)]: 10 });
  });

  it('measures every figure over owners as the address figures are measured over wallets', () => {
    const figures = ownerFigures(input);
    expect(figures.metrics.circulating).toEqual(distributionMetrics([200, 30, 20, 10], COHORTS));
    expect(figures.metrics.all.holderCount).toBe(6);
    expect(figures.top10.circulating).toEqual({ wallets: 6, multiWalletOwners: 1 });
    expect(figures.top10.all).toEqual({ wallets: 9, multiWalletOwners: 2 });
    expect(figures.insiderWallets).toBe(1);
    expect(figures.entities).toBe(2);
    expect(figures.groupedWallets).toBe(5);
  });

  it('lists each entity with its combined balance, insider flag and first transfer', () => {
    const first = new Map([
      [addr(2), { from: addr(1), block: 7, logIndex: 2, txHash: '' }],
      [addr(3), { from: addr(2), block: 7, logIndex: 1, txHash: '' }],
    ]);
    const rows = entityRows(grouping, new Map(holders.map((h) => [h.address, h.balance])), labels, first);
    expect(rows.map((r) => [r.owner, r.balance, r.insider, r.wallets.length])).toEqual([
      [addr(1), 200n, false, 3],
      [addr(10), 340n, true, 2],
    ]);
    expect(rows[0]?.firstSeen).toEqual({ block: 7, logIndex: 1 });
  });
});

describe('the collector read one sender at a time', () => {
  it('draws the same edges whatever the order within a sender and wherever the pages break', () => {
    const transfer = fc.record({
      block: fc.integer({ min: 1, max: 6 }),
      logIndex: fc.integer({ min: 0, max: 3 }),
      from: fc.integer({ min: 0, max: 7 }).map(addr),
      to: fc.integer({ min: 1, max: 7 }).map(addr),
      amount: fc.bigInt({ min: 1n, max: 20n }),
    });
    fc.assert(
      fc.property(fc.array(transfer, { maxLength: 40 }), fc.integer({ min: 0, max: 1000 }), (list, seed) => {
        // Unique (block, log index), as the chain gives them.
        const seen = new Set<string>();
        const transfers: GroupingTransfer[] = list.filter((t) => {
          const key = `${t.block}:${t.logIndex}`;
          return !seen.has(key) && (seen.add(key), true);
        });
        const rules = { maxFanout: 2, sweepShare: 0.9, maxEntitySize: 200 };
        const expected = entityEdges(transfers, new Map(), rules);
        // Grouped by sender, shuffled within each sender by the seed.
        const bySender = [...Map.groupBy(transfers, (t) => t.from).values()].map((group) =>
          group
            .map((t, i) => ({ t, key: (i * 7919 + seed) % 97 }))
            .sort((a, b) => a.key - b.key)
            .map(({ t }) => t),
        );
        const collector = new EdgeCollector(new Map(), rules);
        for (const group of bySender.reverse()) for (const t of group) collector.add(t);
        const sorted = (edges: EntityEdge[]) => edges.map((e) => JSON.stringify(e)).sort();
        expect(sorted(collector.edges())).toEqual(sorted(expected));
      }),
      { numRuns: 300 },
    );
  });
});
