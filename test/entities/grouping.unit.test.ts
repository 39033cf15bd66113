import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenDefinitionSchema } from '../../src/lib/chain/schemas.ts';
import { describeEdge } from '../../src/lib/entities/presentation.ts';
import { translator } from '../../src/lib/i18n/i18n.ts';
import {
  DEFAULT_ENTITY_RULES,
  EVIDENCE_KEPT,
  entityEdges,
  entityRules,
  groupEntities,
  type EntityEdge,
  type EntityLabel,
  type GroupingTransfer,
} from '../../src/lib/entities/grouping.ts';

const ZERO = '0x0000000000000000000000000000000000000000';
const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const NO_LABELS = new Map<string, EntityLabel>();

/** Transfers in the order given, one a block unless told, each with its own transaction. */
function history(
  moves: [from: string, to: string, amount: bigint, block?: number, log?: number][],
): GroupingTransfer[] {
  return moves.map(([from, to, amount, block, log], i) => ({
    block: block ?? i + 1,
    logIndex: log ?? 0,
    txHash: `0x${(i + 1).toString(16).padStart(64, '0')}`,
    from,
    to,
    amount,
  }));
}

const pairs = (edges: readonly EntityEdge[], rule: EntityEdge['rule']) =>
  edges.filter((e) => e.rule === rule).map((e) => [e.from, e.to]);

describe('funded by', () => {
  const A = addr(1);
  it.each([
    [25, true],
    [26, false],
  ])('joins a wallet to the first sender of %i addresses: %s', (fanout, joined) => {
    const funded = Array.from({ length: fanout }, (_, i) => [A, addr(100 + i), 5n] as [string, string, bigint]);
    const edges = entityEdges(history([[ZERO, A, 1_000n], ...funded]), NO_LABELS);
    expect(pairs(edges, 'funded')).toHaveLength(joined ? fanout : 0);
  });

  it('takes the first incoming transfer by block, then log index: two senders in one block are ordered', () => {
    const edges = entityEdges(
      history([
        [ZERO, addr(1), 10n, 1],
        [ZERO, addr(2), 10n, 1, 1],
        // Block 5: log 3 comes before log 7, whatever order the rows arrive in.
        [addr(2), addr(9), 1n, 5, 7],
        [addr(1), addr(9), 1n, 5, 3],
      ]),
      NO_LABELS,
    );
    expect(pairs(edges, 'funded')).toEqual([[addr(1), addr(9)]]);
    expect(edges[0]).toMatchObject({ evidence: [{ block: 5 }] });
  });

  it('gives a mint no funder, and never joins through an exchange, a pool or the zero address', () => {
    const EXCHANGE = addr(50);
    const labels = new Map<string, EntityLabel>([[EXCHANGE, { kind: 'exchange' }]]);
    const edges = entityEdges(
      history([
        [ZERO, addr(1), 10n],
        [ZERO, EXCHANGE, 100n],
        [EXCHANGE, addr(2), 5n],
        [EXCHANGE, addr(3), 5n],
      ]),
      labels,
    );
    expect(edges).toEqual([]);
  });

  it('lets team, vesting and treasury wallets fund fresh ones: that is what it is for', () => {
    const TEAM = addr(60);
    const labels = new Map<string, EntityLabel>([[TEAM, { kind: 'team' }]]);
    const edges = entityEdges(
      history([
        [ZERO, TEAM, 100n],
        [TEAM, addr(2), 5n],
      ]),
      labels,
    );
    expect(pairs(edges, 'funded')).toEqual([[TEAM, addr(2)]]);
  });
});

describe('swept to', () => {
  const A = addr(1);
  const B = addr(2);
  const OTHER = addr(3);
  // Funding by the mint only, so the sweep is the only edge.
  const funded = [
    [ZERO, A, 1_000n],
    [ZERO, B, 1n],
    [ZERO, OTHER, 1n],
  ] as [string, string, bigint][];

  it.each([
    ['exactly 0.9, in two transfers', [450n, 450n], 100n, true],
    ['just under 0.9', [450n, 449n], 101n, false],
    ['all of it, in one transfer', [900n], 0n, false],
  ] as const)('%s', (_, toB, toOther, joined) => {
    const moves: [string, string, bigint][] = [...funded, ...toB.map((a) => [A, B, a] as [string, string, bigint])];
    if (toOther > 0n) moves.push([A, OTHER, toOther]);
    const edges = entityEdges(history(moves), NO_LABELS);
    expect(pairs(edges, 'swept')).toEqual(joined ? [[A, B]] : []);
  });

  it.each([
    [25, true],
    [26, false],
  ])('joins when %i addresses sweep into one: %s', (fanin, joined) => {
    const sweepers = Array.from({ length: fanin }, (_, i) => addr(100 + i));
    const moves: [string, string, bigint][] = [
      [ZERO, B, 1n],
      ...sweepers.map((s) => [ZERO, s, 10n] as [string, string, bigint]),
      ...sweepers.flatMap((s) => [[s, B, 5n] as [string, string, bigint], [s, B, 5n] as [string, string, bigint]]),
    ];
    expect(pairs(entityEdges(history(moves), NO_LABELS), 'swept')).toHaveLength(joined ? fanin : 0);
  });

  it('keeps the first transfers of a long sweep as evidence, and counts them all', () => {
    const moves: [string, string, bigint][] = [
      ...funded,
      ...Array.from({ length: 30 }, () => [A, B, 10n] as [string, string, bigint]),
    ];
    const [sweep] = entityEdges(history(moves), NO_LABELS);
    expect(sweep).toMatchObject({ rule: 'swept', transfers: 30 });
    expect(sweep?.rule === 'swept' && sweep.evidence.map((e) => e.block)).toEqual(
      Array.from({ length: EVIDENCE_KEPT }, (_, i) => i + 4),
    );
    expect(describeEdge(sweep as EntityEdge, translator('en'))).toMatch(/in 30 transfers \(blocks the first 4, 5, /);
  });
});

describe('owners', () => {
  it('joins named labels whatever their kind, and only them', () => {
    const labels = new Map<string, EntityLabel>([
      [addr(1), { kind: 'exchange', entity: 'Desk' }],
      [addr(2), { kind: 'treasury', entity: 'Desk' }],
      [addr(3), { kind: 'team', entity: 'Other' }],
    ]);
    const grouping = groupEntities(entityEdges([], labels));
    expect(grouping.entities.map((e) => e.wallets)).toEqual([[addr(1), addr(2)]]);
    expect(grouping.entities[0]?.edges).toEqual([{ rule: 'named', from: addr(1), to: addr(2), name: 'Desk' }]);
  });

  it('does not merge a component over the size cap: each of its wallets is its own owner', () => {
    const chain: EntityEdge[] = Array.from({ length: 4 }, (_, i) => ({
      rule: 'funded',
      from: addr(i),
      to: addr(i + 1),
      evidence: [],
    }));
    const small = groupEntities(chain, { ...DEFAULT_ENTITY_RULES, maxEntitySize: 5 });
    expect(small.entities.map((e) => e.wallets.length)).toEqual([5]);
    expect(small.ownerOf.get(addr(4))).toBe(addr(0));
    const capped = groupEntities(chain, { ...DEFAULT_ENTITY_RULES, maxEntitySize: 4 });
    expect(capped.entities).toEqual([]);
    expect(capped.largeClusters.map((e) => e.wallets.length)).toEqual([5]);
    expect(capped.ownerOf.size).toBe(0);
  });

  it('finds the same components as a brute-force search, whatever the edges’ order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 14 })), { maxLength: 30 }),
        (links) => {
          const edges: EntityEdge[] = links.map(([a, b]) => ({
            rule: 'funded',
            from: addr(a),
            to: addr(b),
            evidence: [],
          }));
          // Brute force: grow each address's set until nothing joins it.
          const nodes = [...new Set(links.flat())].map(addr);
          const component = (start: string): string[] => {
            const seen = new Set([start]);
            let grew = true;
            while (grew) {
              grew = false;
              for (const e of edges) {
                if (seen.has(e.from) !== seen.has(e.to)) {
                  seen.add(e.from);
                  seen.add(e.to);
                  grew = true;
                }
              }
            }
            return [...seen].sort();
          };
          const expected = [...new Set(nodes.map((n) => component(n).join(',')))].sort();
          for (const order of [edges, [...edges].reverse()]) {
            const grouping = groupEntities(order, { ...DEFAULT_ENTITY_RULES, maxEntitySize: 100 });
            expect(grouping.entities.map((e) => e.wallets.join(',')).sort()).toEqual(expected);
            for (const n of nodes) expect(grouping.ownerOf.get(n)).toBe(component(n)[0]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the token file', () => {
  const token = (extra: Record<string, unknown>) =>
    tokenDefinitionSchema.safeParse({ symbol: 'ENT', name: 'Entities', chainId: 1, rpcEnv: 'RPC_URL_1', ...extra });

  it('names wallets that belong together, and overrides the rules’ limits', () => {
    const parsed = token({
      labels: { [addr(1)]: { name: 'Desk', kind: 'treasury', entity: 'Foundation' } },
      entities: { maxFanout: 10 },
    });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.labels[addr(1)]?.entity).toBe('Foundation');
    expect(entityRules(parsed.data?.entities)).toEqual({ ...DEFAULT_ENTITY_RULES, maxFanout: 10 });
    expect(entityRules(undefined)).toEqual(DEFAULT_ENTITY_RULES);
  });

  it.each([
    [{ entities: { sweepShare: 0.4 } }, 'sweepShare must be above 0.5 (more than half sent to one address)'],
    [{ entities: { maxEntitySize: 1 } }, 'Too small'],
    [{ entities: { fanout: 3 } }, 'Unrecognized key'],
  ])('refuses %j, naming the field', (extra, message) => {
    const issue = token(extra).error?.issues[0];
    expect(issue?.path[0]).toBe('entities');
    expect(issue?.message).toContain(message);
  });
});
