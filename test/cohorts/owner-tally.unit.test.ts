import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownerBuckets, ownerCounts, ownerTally } from '../../src/lib/cohorts/owner-tally.ts';

const OPTIONS = ['a', 'b', 'c'];
const tally = (ballots: { owner: string; optionIds: string[] }[], options = OPTIONS) =>
  ownerTally(options, ownerBuckets(ownerCounts(ballots).values()));
const ballots = (owner: string, ...choices: string[][]) => choices.map((optionIds) => ({ owner, optionIds }));

describe('one owner, one vote', () => {
  it('splits an owner’s vote equally among its wallets’ ballots', () => {
    const result = tally(ballots('x', ['a'], ['a'], ['b']));
    expect(result.options.map((o) => o.votes)).toEqual([0.67, 0.33, 0]);
    expect(result.options.map((o) => o.percent)).toEqual([67, 33, 0]);
    expect(result).toMatchObject({ owners: 1, ballots: 3, largest: 3, fromMultiWalletOwners: 3, leader: ['a'] });
  });

  it('gives each option a multiple-choice ballot chose that ballot’s share', () => {
    const result = tally([...ballots('x', ['a', 'b'], ['a']), ...ballots('y', ['c'])]);
    // x: a 1/2 + 1/2, b 1/2; y: c 1.
    expect(result.options.map((o) => o.votes)).toEqual([1, 0.5, 1]);
    expect(result.leader).toEqual(['a', 'c']);
    expect(result).toMatchObject({ owners: 2, ballots: 3, largest: 2, fromMultiWalletOwners: 2 });
  });

  it('keeps a tie a tie where floating point would not: ten tenths against one', () => {
    // Ten owners of ten wallets each give option a one ballot (1/10 each) and c the rest; one wallet votes b.
    const tenths = Array.from({ length: 10 }, (_, o) =>
      ballots(`owner-${o}`, ['a'], ...Array.from({ length: 9 }, () => ['c'])),
    ).flat();
    let float = 0;
    for (let i = 0; i < 10; i++) float += 1 / 10;
    expect(float).not.toBe(1);
    const result = tally([...tenths, ...ballots('solo', ['b'])]);
    expect(result.options.find((o) => o.id === 'a')?.numerator).toBe(result.denominator);
    expect(result.options.find((o) => o.id === 'b')?.numerator).toBe(result.denominator);
    expect(result.leader).toEqual(['c']);
    expect(result.options.map((o) => o.votes)).toEqual([1, 1, 9]);
  });

  it('has nothing to lead with no ballots', () => {
    expect(tally([])).toMatchObject({ owners: 0, ballots: 0, leader: [], denominator: '1' });
  });

  it('agrees with a brute force over exact fractions on random polls', () => {
    const ballot = fc.record({
      owner: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6'),
      optionIds: fc.uniqueArray(fc.constantFrom(...OPTIONS), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(ballot, { maxLength: 30 }), (list) => {
        const result = tally(list);
        // Brute force: each owner's ballots, each ballot 1/n to every option it chose, as fractions [num, den].
        const add = ([a, b]: [bigint, bigint], [c, d]: [bigint, bigint]): [bigint, bigint] => [a * d + c * b, b * d];
        const sums = new Map(OPTIONS.map((id) => [id, [0n, 1n] as [bigint, bigint]]));
        const byOwner = Map.groupBy(list, (b) => b.owner);
        for (const own of byOwner.values())
          for (const b of own)
            for (const id of b.optionIds) sums.set(id, add(sums.get(id) ?? [0n, 1n], [1n, BigInt(own.length)]));
        const den = BigInt(result.denominator);
        for (const o of result.options) {
          const [num, d] = sums.get(o.id) ?? [0n, 1n];
          expect(BigInt(o.numerator) * d).toBe(num * den);
        }
        const best = Math.max(...OPTIONS.map((id) => Number(sums.get(id)?.[0]) / Number(sums.get(id)?.[1])));
        const expectedLeaders =
          list.length === 0
            ? []
            : OPTIONS.filter((id) => {
                const [n, d] = sums.get(id) ?? [0n, 1n];
                return (
                  OPTIONS.every((other) => {
                    const [m, e] = sums.get(other) ?? [0n, 1n];
                    return n * e >= m * d;
                  }) && best > 0
                );
              });
        expect(result.leader).toEqual(expectedLeaders);
        expect(result.owners).toBe(byOwner.size);
        expect(result.ballots).toBe(list.length);
        if (list.length > 0) expect(result.options.reduce((s, o) => s + o.percent, 0)).toBe(100);
      }),
      { numRuns: 400 },
    );
  });
});
