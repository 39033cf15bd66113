import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowSpanFigures, UnlockFigures } from '../../db/json-columns.ts';
import type { LabelKind } from '../../src/lib/chain/schemas.ts';
import { groupFlows, groupOf, scopeSupply } from '../../src/lib/flows/groups.ts';
import { FLOW_METRICS, flowMeasure, spansBetween, type MeasureInput } from '../../src/lib/flows/measures.ts';
import type { StoredSpan } from '../../src/lib/flows/query.ts';
import { isRewardPayment, rewardPayers } from '../../src/lib/flows/rewards.ts';

const ZERO = '0x0000000000000000000000000000000000000000';
const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const THRESHOLDS = { whale: 10, dolphin: 1, fish: 0.1 };
const EXCHANGE = addr(90);
const POOL = addr(91);
const TEAM = addr(92);
const PAYER = addr(93);
const TOKEN_LABELS = {
  [EXCHANGE]: { name: 'Exchange', kind: 'exchange' as const },
  [POOL]: { name: 'Pool', kind: 'lp' as const },
  [TEAM]: { name: 'Team', kind: 'team' as const },
  [PAYER]: { name: 'Node rewards', kind: 'rewards' as const },
  [ZERO]: { name: 'Mints', kind: 'rewards' as const, since: 5 },
};
const LABELS = new Map<string, LabelKind>(Object.entries(TOKEN_LABELS).map(([a, l]) => [a, l.kind]));
const PAYING = rewardPayers(TOKEN_LABELS);

interface Transfer {
  block: number;
  from: string;
  to: string;
  amount: bigint;
}

/**
 * What flows.server.ts stores for the span from `earlier` to the next snapshot, in both scopes a measure reads:
 * built here with the same pure functions, from balances this test keeps itself.
 */
function storeSpans(
  snapshots: { block: number; takenAt: number; balances: Map<string, bigint> }[],
  transfers: readonly Transfer[],
): { all: StoredSpan[]; circulating: StoredSpan[] } {
  const all: StoredSpan[] = [];
  const circulating: StoredSpan[] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const earlier = snapshots[i - 1];
    const later = snapshots[i];
    if (!earlier || !later) continue;
    const inSpan = transfers.filter((t) => t.block > earlier.block && t.block <= later.block);
    const rewards = new Map<string, bigint>();
    for (const t of inSpan)
      if (isRewardPayment(t, PAYING, LABELS)) rewards.set(t.to, (rewards.get(t.to) ?? 0n) + t.amount);
    for (const [scope, into] of [
      ['all', all],
      ['circulating', circulating],
    ] as const) {
      const input = { earlier: earlier.balances, labels: LABELS, thresholds: THRESHOLDS, scope };
      const flows = groupFlows(inSpan, groupOf(input));
      const figures: FlowSpanFigures = {
        kind: 'transfers',
        net: Object.fromEntries([...flows.net].map(([g, v]) => [g, v.toString()])),
        matrix: Object.fromEntries(
          [...flows.matrix].map(([g, row]) => [g, Object.fromEntries([...row].map(([h, v]) => [h, v.toString()]))]),
        ),
        addresses: Object.fromEntries(flows.addresses),
        transfers: flows.transfers,
        scopeSupply: scopeSupply(input).toString(),
        ...(scope === 'all' ? { rewards: Object.fromEntries([...rewards].map(([a, v]) => [a, v.toString()])) } : {}),
      };
      into.push({ fromBlock: earlier.block, toBlock: later.block, toTime: later.takenAt, figures });
    }
  }
  return { all, circulating };
}

/** Balances after each transfer up to a block, starting from nothing. */
function balancesAt(transfers: readonly Transfer[], block: number): Map<string, bigint> {
  const balances = new Map<string, bigint>();
  for (const t of transfers) {
    if (t.block > block) continue;
    if (t.from !== ZERO) balances.set(t.from, (balances.get(t.from) ?? 0n) - t.amount);
    balances.set(t.to, (balances.get(t.to) ?? 0n) + t.amount);
  }
  return balances;
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00Z');
const share = (a: bigint, b: bigint): number => Number((a * 1_000_000_000n) / b) / 1e9;

describe('flow metrics between two snapshots', () => {
  // Blocks 1–4 mint the launch supply (before `since`: not rewards); from block 5 mints are node rewards.
  const history: Transfer[] = [
    { block: 1, from: ZERO, to: addr(1), amount: 5_000n },
    { block: 1, from: ZERO, to: addr(2), amount: 3_000n },
    { block: 1, from: ZERO, to: TEAM, amount: 1_500n },
    { block: 1, from: ZERO, to: EXCHANGE, amount: 500n },
    { block: 6, from: ZERO, to: addr(3), amount: 40n },
    { block: 7, from: EXCHANGE, to: addr(1), amount: 200n },
    { block: 8, from: addr(2), to: POOL, amount: 300n },
    { block: 12, from: PAYER, to: addr(4), amount: 10n },
    { block: 13, from: TEAM, to: EXCHANGE, amount: 100n },
    { block: 14, from: ZERO, to: addr(3), amount: 60n },
    { block: 15, from: addr(1), to: addr(7), amount: 1_000n },
  ];
  history.splice(7, 0, { block: 11, from: ZERO, to: PAYER, amount: 10n });
  const snapshots = [2, 10, 20].map((block, i) => ({
    block,
    takenAt: T0 + i * 7 * DAY,
    balances: balancesAt(history, block),
  }));
  const spans = storeSpans(snapshots, history);
  const input = (unlocks: UnlockFigures | null = null): MeasureInput => ({
    scoped: spans.circulating,
    all: spans.all,
    unlocks,
  });
  const [first, , last] = snapshots;
  if (!first || !last) throw new Error('three snapshots');
  // Circulating supply at block 2 leaves out the team, the exchange and the pool: 5,000 + 3,000.
  const circulating = 8_000n;

  it.each([
    // Both whales at block 2 (62.5% and 37.5% of circulating): addr 1 took 200 from the exchange and sent
    // 1,000 to a fresh wallet, addr 2 sold 300 into the pool.
    ['netFlow.whale', share(200n - 1_000n - 300n, circulating)],
    // Groups are fixed at each span's earlier snapshot: addr 3 is new in the first span (40), a fish in the
    // second (its 60 count there); addr 4 and addr 7 are new in the second.
    ['netFlow.new', share(40n + 10n + 1_000n, circulating)],
    ['exchangeInflow', share(300n + 100n, circulating)],
  ])('%s is the sum over the spans, of the supply at the first snapshot', (metric, expected) => {
    const value = flowMeasure(metric as (typeof FLOW_METRICS)[number], input(), first, last);
    expect(value).toBeCloseTo(expected, 9);
  });

  it('counts as rewards only the payers’ transfers and the mints from `since`', () => {
    // Paid: 40 (block 6) and 60 (block 14) to addr 3, 10 to addr 4; the launch mints and the top-up of the
    // payer (a mint to a reward contract) are not rewards. Two recipients: the top ten take everything.
    expect(flowMeasure('rewardsTop10Share', input(), first, last)).toBe(1);
    const paid = spans.all.flatMap((s) => Object.entries(s.figures.rewards ?? {}));
    expect(paid).toEqual([
      [addr(3), '40'],
      [addr(4), '10'],
      [addr(3), '60'],
    ]);
  });

  it('finds the top ten among many recipients, against a brute force', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 10n ** 24n }), { minLength: 1, maxLength: 40 }), (amounts) => {
        const payments = amounts.map((amount, i) => ({ block: 6 + (i % 4), from: PAYER, to: addr(100 + i), amount }));
        const snaps = [2, 10].map((block, i) => ({ block, takenAt: T0 + i * DAY, balances: new Map() }));
        const stored = storeSpans(snaps, payments);
        const sorted = [...amounts].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
        const total = amounts.reduce((s, a) => s + a, 0n);
        const top = sorted.slice(0, 10).reduce((s, a) => s + a, 0n);
        const [a, b] = snaps;
        if (!a || !b) return;
        expect(flowMeasure('rewardsTop10Share', { scoped: stored.all, all: stored.all, unlocks: null }, a, b)).toBe(
          share(top, total),
        );
      }),
    );
  });

  it('adds up any run of spans to what one span over the same blocks would say', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            block: fc.integer({ min: 3, max: 30 }),
            from: fc.integer({ min: 1, max: 8 }),
            to: fc.integer({ min: 1, max: 9 }),
            amount: fc.bigInt({ min: 1n, max: 500n }),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 4, max: 29 }),
        (moves, middle) => {
          const launch: Transfer[] = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({
            block: 1,
            from: ZERO,
            to: n === 8 ? EXCHANGE : addr(n),
            amount: 10_000n,
          }));
          const moved = moves
            .filter((m) => m.from !== m.to)
            .map((m) => ({
              block: m.block,
              from: m.from === 8 ? EXCHANGE : addr(m.from),
              to: m.to === 9 ? POOL : addr(m.to),
              amount: m.amount,
            }))
            .sort((a, b) => a.block - b.block);
          const all = [...launch, ...moved];
          const at = (block: number, i: number) => ({ block, takenAt: T0 + i * DAY, balances: balancesAt(all, block) });
          const two = storeSpans([at(2, 0), at(middle, 1), at(31, 2)], all);
          const inflow = moved
            .filter((t) => t.to === POOL || t.to === EXCHANGE)
            .filter((t) => t.from !== EXCHANGE)
            .reduce((s, t) => s + t.amount, 0n);
          const measured = flowMeasure(
            'exchangeInflow',
            { scoped: two.all, all: two.all, unlocks: null },
            at(2, 0),
            at(31, 2),
          );
          expect(measured).toBe(share(inflow, 80_000n));
          // The groups' net flows sum to zero over a run of spans as over one.
          const sum = ['whale', 'dolphin', 'fish', 'shrimp', 'new', 'exchange', 'lp'].reduce((s, g) => {
            const v = two.all.reduce((t, span) => t + BigInt(span.figures.net[g] ?? '0'), 0n);
            return s + v;
          }, 0n);
          expect(sum).toBe(0n);
        },
      ),
    );
  });

  it('needs spans that join the two snapshots exactly', () => {
    const [, middle] = snapshots;
    if (!middle) return;
    expect(spansBetween(spans.all, first, last)?.map((s) => s.toBlock)).toEqual([10, 20]);
    expect(spansBetween(spans.all, middle, last)?.map((s) => s.toBlock)).toEqual([20]);
    // A gap (the first span not stored yet) is no answer, not a smaller one.
    expect(spansBetween(spans.all.slice(1), first, last)).toBeNull();
    expect(flowMeasure('netFlow.whale', { ...input(), all: spans.all.slice(1) }, first, last)).toBe('needs-transfers');
    // Balance changes between CSV snapshots move no tokens between groups: no exchange inflow, no rewards.
    const net = spans.all.map((s) => ({ ...s, figures: { ...s.figures, kind: 'net' as const, matrix: {} } }));
    expect(flowMeasure('exchangeInflow', { ...input(), all: net }, first, last)).toBe('needs-transfers');
    expect(flowMeasure('rewardsTop10Share', { ...input(), all: net }, first, last)).toBe('needs-transfers');
    // ... but a group's net change is still what figure 1 shows for them.
    expect(flowMeasure('netFlow.whale', { ...input(), all: net }, first, last)).toBeCloseTo(
      share(-1_100n, circulating),
      9,
    );
  });

  it('measures the unlocks from the first snapshot (inclusive) to the last (exclusive)', () => {
    const window = (at: number, released: string, direct: string, viaHop: string) => ({
      at,
      kind: 'cliff' as const,
      recipient: 'team',
      released,
      from: at - 7 * DAY,
      to: at + 30 * DAY,
      direct,
      viaHop,
      share: null,
      daily: [],
      hops: 0,
      overlaps: [],
      open: false,
    });
    const unlocks: UnlockFigures = {
      kind: 'unlocks',
      windows: [
        window(first.takenAt - DAY, '1000', '1000', '0'),
        window(first.takenAt, '15000', '250', '3000'),
        window(first.takenAt + 3 * DAY, '5000', '0', '0'),
        window(last.takenAt, '9000', '9000', '0'),
      ],
    };
    expect(flowMeasure('unlockedToExchanges', input(unlocks), first, last)).toBe(share(3_250n, 20_000n));
    const none: UnlockFigures = { kind: 'unlocks', windows: [window(last.takenAt + DAY, '10', '0', '0')] };
    expect(flowMeasure('unlockedToExchanges', input(none), first, last)).toBe('nothing-to-measure');
    expect(flowMeasure('unlockedToExchanges', input(null), first, last)).toBe('needs-transfers');
  });

  it('names every moving group and every span metric', () => {
    expect(FLOW_METRICS).toContain('netFlow.whale');
    expect(FLOW_METRICS).toContain('netFlow.new');
    expect(FLOW_METRICS).toContain('unlockedToExchanges');
  });
});
