import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelKind } from '../../src/lib/chain/schemas.ts';
import {
  FLOW_GROUPS,
  groupFlows,
  groupNetChanges,
  groupOf,
  type FlowGroup,
  type FlowTransfer,
  type GroupingInput,
} from '../../src/lib/flows/groups.ts';

const THRESHOLDS = { whale: 10, dolphin: 1, fish: 0.1 };
const ZERO = '0x0000000000000000000000000000000000000000';
const DEAD = '0x000000000000000000000000000000000000dead';
const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;

const WHALE = addr(1);
const DOLPHIN = addr(2);
const SHRIMP = addr(3);
const TEAM = addr(4);
const EXCHANGE = addr(5);
const FRESH = addr(6);

const LABELS = new Map<string, LabelKind>([
  [TEAM, 'team'],
  [EXCHANGE, 'exchange'],
]);
// Supply 10,000: the whale holds 20%, the dolphin 5%, the shrimp 0.05%.
const EARLIER = new Map<string, bigint>([
  [WHALE, 2000n],
  [DOLPHIN, 500n],
  [SHRIMP, 5n],
  [TEAM, 3000n],
  [EXCHANGE, 4495n],
]);
const input = (scope: GroupingInput['scope']): GroupingInput => ({
  earlier: EARLIER,
  labels: LABELS,
  thresholds: THRESHOLDS,
  scope,
});

describe('groups fixed at the earlier snapshot', () => {
  it.each([
    ['all', WHALE, 'whale'],
    ['all', DOLPHIN, 'dolphin'],
    ['all', SHRIMP, 'shrimp'],
    ['all', TEAM, 'insiders'],
    ['all', EXCHANGE, 'exchange'],
    ['all', FRESH, 'new'],
    ['all', ZERO, 'minted'],
    ['all', DEAD, 'burned'],
    ['excludingLabelled', EXCHANGE, 'outside'],
    ['excludingLabelled', TEAM, 'insiders'],
    ['circulating', TEAM, 'outside'],
    // Without the exchange and the team, the whale holds 2,000 of 2,505: still a whale; the shrimp's 5 is 0.2%: a fish.
    ['circulating', SHRIMP, 'fish'],
  ] as const)('in scope %s, %s is %s', (scope, address, expected) => {
    expect(groupOf(input(scope))(address)).toBe(expected);
  });
});

describe('group flows', () => {
  it('account a span: a whale buying from the exchange through a fresh wallet stays a whale’s and a new address’s', () => {
    const transfers: FlowTransfer[] = [
      { from: EXCHANGE, to: FRESH, amount: 700n },
      { from: SHRIMP, to: EXCHANGE, amount: 5n },
      { from: ZERO, to: DOLPHIN, amount: 100n },
      { from: DOLPHIN, to: DEAD, amount: 10n },
      { from: WHALE, to: WHALE, amount: 50n },
      // The dolphin grows past the whale threshold in the span: still counted as a dolphin.
      { from: EXCHANGE, to: DOLPHIN, amount: 3000n },
    ];
    const flows = groupFlows(transfers, groupOf(input('all')));
    expect(Object.fromEntries(flows.net)).toEqual({
      exchange: -3695n,
      new: 700n,
      shrimp: -5n,
      minted: -100n,
      dolphin: 3090n,
      burned: 10n,
      whale: 0n,
    });
    expect(flows.matrix.get('exchange')?.get('dolphin')).toBe(3000n);
    expect(flows.matrix.get('whale')?.get('whale')).toBe(50n);
    expect(flows.addresses.get('new')).toBe(1);
    expect(flows.transfers).toBe(6);
  });

  it('sum to zero, each group’s row and column give its net change, whatever the transfers (property)', () => {
    const addresses = [WHALE, DOLPHIN, SHRIMP, TEAM, EXCHANGE, FRESH, ZERO, DEAD, addr(7), addr(8)];
    const transfer = fc.record({
      from: fc.constantFrom(...addresses),
      to: fc.constantFrom(...addresses),
      amount: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    });
    fc.assert(
      fc.property(
        fc.array(transfer, { maxLength: 60 }),
        fc.constantFrom('all', 'excludingLabelled', 'circulating'),
        (ts, scope) => {
          const flows = groupFlows(ts, groupOf(input(scope as GroupingInput['scope'])));
          expect([...flows.net.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
          for (const g of FLOW_GROUPS) {
            const out = [...(flows.matrix.get(g)?.values() ?? [])].reduce((a, b) => a + b, 0n);
            const into = [...flows.matrix.values()].reduce((sum, row) => sum + (row.get(g) ?? 0n), 0n);
            expect(into - out).toBe(flows.net.get(g) ?? 0n);
          }
          // Against a brute force: each group's net is what its members received less what they sent.
          const group = groupOf(input(scope as GroupingInput['scope']));
          const brute = new Map<FlowGroup, bigint>();
          for (const t of ts) {
            if (t.amount === 0n) continue;
            brute.set(group(t.from), (brute.get(group(t.from)) ?? 0n) - t.amount);
            brute.set(group(t.to), (brute.get(group(t.to)) ?? 0n) + t.amount);
          }
          expect(flows.net).toEqual(brute);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('net changes without transfers (CSV snapshots)', () => {
  it('give each group’s change between snapshots, and what the holders cannot account for', () => {
    const later = new Map<string, bigint>([
      [WHALE, 2500n],
      [DOLPHIN, 400n],
      [TEAM, 3000n],
      [EXCHANGE, 4000n],
      [FRESH, 200n],
    ]);
    const { net, addresses } = groupNetChanges(later, input('all'));
    expect(Object.fromEntries(net)).toEqual({
      whale: 500n,
      dolphin: -100n,
      shrimp: -5n,
      exchange: -495n,
      new: 200n,
      unaccounted: -100n,
    });
    expect([...net.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
    expect(addresses.get('new')).toBe(1);
  });
});
