import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisiveWallets, smallestOverturn, type WeightedBallot } from '../../src/lib/cohorts/decisive.ts';

const IDS = ['a', 'b', 'c'];
const FLOORED = { publicBallots: false };
const PUBLIC = { publicBallots: true };

function ballots(...rows: [string[], bigint, number?][]): WeightedBallot[] {
  return rows.flatMap(([optionIds, weight, times = 1]) => Array.from({ length: times }, () => ({ optionIds, weight })));
}

describe('decisiveWallets', () => {
  it.each<[string, WeightedBallot[], { count: number | null; share: number | null; note: string }]>([
    [
      'one whale against many: one wallet decides (public ballots)',
      ballots([['a'], 100n], [['b'], 1n, 50]),
      { count: 1, share: 100 / 150, note: '1 wallet decides the weighted result' },
    ],
    [
      // a 60, b 40: removing 6 ballots of 4 takes a to 36.
      'several wallets',
      ballots([['a'], 4n, 15], [['b'], 4n, 10]),
      { count: 6, share: 24 / 100, note: '6 wallets decide the weighted result' },
    ],
    [
      // a 6, b 3: one removal levels them, which is not enough.
      'removal must leave the challenger strictly ahead, not level',
      ballots([['a'], 3n], [['a'], 3n], [['b'], 3n]),
      { count: 2, share: 6 / 9, note: '2 wallets decide the weighted result' },
    ],
    [
      'the heaviest go first',
      ballots([['a'], 1n, 10], [['a'], 50n], [['b'], 45n]),
      { count: 1, share: 50 / 105, note: '1 wallet decides the weighted result' },
    ],
    [
      'a tie at the top',
      ballots([['a'], 5n], [['b'], 5n], [['c'], 1n]),
      { count: null, share: null, note: 'the weighted result is tied: no single leader to overturn' },
    ],
    ['no weight at all', ballots([['a'], 0n, 3]), { count: null, share: null, note: 'no weighted votes yet' }],
    ['no ballots', [], { count: null, share: null, note: 'no weighted votes yet' }],
    [
      // Every ballot for a also chose b, but for the one that chose a alone: removing it levels them, no more.
      'multiple choice, nothing overturns',
      ballots([['a', 'b'], 10n, 4], [['a'], 1n], [['a', 'c'], 0n]),
      { count: null, share: null, note: 'no removal of wallets changes the weighted leader' },
    ],
    [
      // a 106, b 101: the heavy ballot for both narrows nothing; three of 2 do.
      'multiple choice: a ballot for both does not help',
      ballots([['a', 'b'], 100n], [['a'], 2n, 3], [['b'], 1n]),
      { count: 3, share: 6 / 107, note: '3 wallets decide the weighted result' },
    ],
  ])('%s', (_name, bs, expected) => {
    expect(decisiveWallets(bs, IDS, PUBLIC)).toEqual(expected);
  });

  it('a single-option poll cannot be overturned', () => {
    expect(decisiveWallets(ballots([['a'], 5n]), ['a'], PUBLIC).note).toBe(
      'no removal of wallets changes the weighted leader',
    );
  });

  it('below the floor neither the count nor the share is given', () => {
    expect(decisiveWallets(ballots([['a'], 100n], [['b'], 1n, 50]), IDS, FLOORED)).toEqual({
      count: null,
      share: null,
      note: 'fewer than 5 wallets decide it',
    });
    expect(decisiveWallets(ballots([['a'], 4n, 15], [['b'], 4n, 10]), IDS, FLOORED)).toMatchObject({ count: 6 });
    // 5 exactly is shown: a 50, b 30, removing 5 ballots of 5 takes a to 25.
    expect(decisiveWallets(ballots([['a'], 5n, 10], [['b'], 5n, 6]), IDS, FLOORED)).toMatchObject({ count: 5 });
  });

  it('ignores options the poll does not list and a repeated choice', () => {
    expect(smallestOverturn(ballots([['a', 'a', 'x'], 5n], [['b'], 3n]), ['a', 'b'])).toEqual({
      kind: 'overturn',
      leader: 'a',
      by: 'b',
      count: 1,
      weight: 5n,
      total: 8n,
    });
  });

  it('on equal counts names the earlier challenger', () => {
    expect(smallestOverturn(ballots([['a'], 10n], [['b'], 5n], [['c'], 5n]), IDS)).toMatchObject({ by: 'b', count: 1 });
  });

  it('handles 100,000 ballots, single and multiple choice', () => {
    // a 60,000 × 10, b 40,000 × 10: the gap is 200,000, so 20,001 ballots of 10 must go.
    const single = ballots([['a'], 10n, 60_000], [['b'], 10n, 40_000]);
    expect(decisiveWallets(single, IDS, FLOORED)).toMatchObject({ count: 20_001 });
    // Half of a's ballots also chose b: only the other half narrow a-over-b; c is far behind.
    const multiple = ballots(
      [['a', 'b'], 10n, 30_000],
      [['a'], 10n, 30_000],
      [['b'], 10n, 10_000],
      [['c'], 1n, 30_000],
    );
    expect(decisiveWallets(multiple, IDS, FLOORED)).toMatchObject({ count: 20_001 });
  });
});

type Brute =
  | { kind: 'empty' | 'tied' }
  | { kind: 'unshakeable'; leader: string }
  | { kind: 'overturn'; count: number; weights: Set<bigint>; total: bigint };

/**
 * The fewest ballots whose removal puts some option strictly ahead of the
 * leader, by trying every subset; with the weights of every such smallest set.
 */
function bruteForce(bs: readonly WeightedBallot[], ids: readonly string[]): Brute {
  const removed = (mask: number, i: number): boolean => (mask & (1 << i)) !== 0;
  const totalsWithout = (mask: number): bigint[] =>
    ids.map((id) => bs.reduce((s, b, i) => (removed(mask, i) || !b.optionIds.includes(id) ? s : s + b.weight), 0n));
  const totals = totalsWithout(0);
  const top = totals.reduce((m, t) => (t > m ? t : m), 0n);
  if (top === 0n) return { kind: 'empty' };
  if (totals.filter((t) => t === top).length > 1) return { kind: 'tied' };
  const l = totals.indexOf(top);
  let best: { count: number; weights: Set<bigint> } | null = null;
  for (let mask = 1; mask < 1 << bs.length; mask++) {
    const after = totalsWithout(mask);
    if (!after.some((t, j) => j !== l && t > (after[l] ?? 0n))) continue;
    const count = bs.filter((_, i) => removed(mask, i)).length;
    const weight = bs.reduce((s, b, i) => (removed(mask, i) ? s + b.weight : s), 0n);
    if (best === null || count < best.count) best = { count, weights: new Set([weight]) };
    else if (count === best.count) best.weights.add(weight);
  }
  if (best === null) return { kind: 'unshakeable', leader: ids[l] ?? '' };
  return { kind: 'overturn', ...best, total: bs.reduce((s, b) => s + b.weight, 0n) };
}

describe('smallestOverturn against brute force', () => {
  const weight = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 6n }), fc.bigInt({ min: 0n, max: 1000n }));
  const poll = fc.integer({ min: 1, max: 4 }).chain((n) => {
    const ids = ['a', 'b', 'c', 'd'].slice(0, n);
    return fc.record({
      ids: fc.constant(ids),
      ballots: fc.oneof(
        fc.array(fc.record({ optionIds: fc.constantFrom(...ids).map((id) => [id]), weight }), { maxLength: 10 }),
        fc.array(fc.record({ optionIds: fc.subarray(ids, { minLength: 1 }), weight }), { maxLength: 10 }),
      ),
    });
  });

  it('finds the same smallest count, by a set of ballots that really overturns the leader', () => {
    fc.assert(
      fc.property(poll, ({ ids, ballots: bs }) => {
        const fast = smallestOverturn(bs, ids);
        const slow = bruteForce(bs, ids);
        expect(fast.kind).toBe(slow.kind);
        if (fast.kind === 'overturn' && slow.kind === 'overturn') {
          expect(fast.count).toBe(slow.count);
          expect(fast.total).toBe(slow.total);
          expect(slow.weights.has(fast.weight)).toBe(true);
        }
        if (fast.kind === 'unshakeable' && slow.kind === 'unshakeable') expect(fast.leader).toBe(slow.leader);
      }),
      { numRuns: 500 },
    );
  });
});
