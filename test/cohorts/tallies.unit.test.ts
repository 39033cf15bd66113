import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERIFIED_COHORTS, type CohortId } from '../../src/lib/cohorts/cohorts.ts';
import type { CohortCounters } from '../../src/lib/cohorts/counters.ts';
import {
  describeDisagreement,
  describeLeader,
  describeTie,
  listWords,
  tallyCohorts,
  WEIGHTED_MIN_VERIFIED,
} from '../../src/lib/cohorts/tallies.ts';
import { ballotsArb, countersOf, OPTION_IDS, type TestBallot } from './cohorts-fixtures.ts';

const OPTIONS = [
  { id: 'a', label: 'Yes' },
  { id: 'b', label: 'No' },
  { id: 'c', label: 'Later' },
];
const IDS = OPTIONS.map((o) => o.id);

/** `n` ballots of one cohort for one option, each weighing `weight`. */
function many(n: number, cohort: CohortId, option: string, weight: bigint): TestBallot[] {
  return Array.from({ length: n }, () => ({
    cohort,
    optionIds: [option],
    weight,
    sqrtWeight: Math.sqrt(Number(weight)),
  }));
}

describe('tallyCohorts: the four tallies', () => {
  // 12 wallets for a (small holders), 8 whales for b, 30 cookie ballots for c.
  const ballots = [...many(12, 'shrimp', 'a', 4n), ...many(8, 'whale', 'b', 100n), ...many(30, 'unverified', 'c', 0n)];
  const t = tallyCohorts(OPTIONS, countersOf(IDS, ballots));

  it('one ballot one vote counts every cohort, cookie ballots included', () => {
    expect(t.ballots).toEqual({
      voters: 50,
      options: [
        { id: 'a', votes: 12, percent: 24 },
        { id: 'b', votes: 8, percent: 16 },
        { id: 'c', votes: 30, percent: 60 },
      ],
      leader: ['c'],
    });
  });

  it('one wallet one vote counts verified cohorts only', () => {
    expect(t.verifiedBallots).toBe(20);
    expect(t.wallets.options.map((o) => [o.votes, o.percent])).toEqual([
      [12, 60],
      [8, 40],
      [0, 0],
    ]);
    expect(t.wallets.leader).toEqual(['a']);
  });

  it('token weight is exact and a decimal string; square root is a float', () => {
    expect(t.tokens).toEqual({
      total: '848',
      options: [
        { id: 'a', weight: '48', percent: 6 },
        { id: 'b', weight: '800', percent: 94 },
        { id: 'c', weight: '0', percent: 0 },
      ],
      leader: ['b'],
    });
    expect(t.squareRoot?.options.map((o) => [o.weight, o.percent])).toEqual([
      [24, 23],
      [80, 77],
      [0, 0],
    ]);
    expect(t.squareRoot?.total).toBe(104);
    expect(t.weightedNote).toBeNull();
  });

  it('says when wallets and tokens disagree', () => {
    expect(t.disagreement).toBe('Wallets lean Yes; tokens lean No');
  });

  it(`withholds the weighted tallies below ${WEIGHTED_MIN_VERIFIED} verified ballots, whatever the cookie ballots`, () => {
    const fewer = tallyCohorts(OPTIONS, countersOf(IDS, ballots.slice(1)));
    expect(fewer.verifiedBallots).toBe(19);
    expect(fewer.tokens).toBeNull();
    expect(fewer.squareRoot).toBeNull();
    expect(fewer.disagreement).toBeNull();
    expect(fewer.weightedNote).toBe(
      'Token-weighted and square-root results appear once 20 verified ballots are in (19 so far).',
    );
    expect(fewer.ballots.voters).toBe(49);
  });

  it('multiple choice: each chosen option gets the full vote and weight', () => {
    const both: TestBallot[] = Array.from({ length: 20 }, (_, i) => ({
      cohort: 'fish',
      optionIds: i < 5 ? ['a'] : ['a', 'b'],
      weight: 10n,
      sqrtWeight: 1,
    }));
    const m = tallyCohorts(OPTIONS, countersOf(IDS, both));
    expect(m.wallets.voters).toBe(20);
    expect(m.wallets.options.map((o) => o.votes)).toEqual([20, 15, 0]);
    expect(m.wallets.options.map((o) => o.percent)).toEqual([57, 43, 0]);
    expect(m.tokens?.options.map((o) => o.weight)).toEqual(['200', '150', '0']);
    expect(m.tokens?.total).toBe('350');
  });

  it('nothing counted: no leader, all zero', () => {
    const empty = tallyCohorts(OPTIONS, []);
    expect(empty.ballots).toEqual({
      voters: 0,
      options: IDS.map((id) => ({ id, votes: 0, percent: 0 })),
      leader: [],
    });
    expect(empty.tokens).toBeNull();
  });

  it('twenty custodial wallets: weighted tallies shown, nothing weighed, no leader, no disagreement', () => {
    const custodial = tallyCohorts(OPTIONS, countersOf(IDS, many(20, 'none', 'a', 0n)));
    expect(custodial.wallets.leader).toEqual(['a']);
    expect(custodial.tokens).toMatchObject({ total: '0', leader: [] });
    expect(custodial.tokens?.options.every((o) => o.percent === 0)).toBe(true);
    expect(custodial.squareRoot).toMatchObject({ total: 0, leader: [] });
    expect(custodial.disagreement).toBeNull();
  });

  it('repeated rows add up; counters for options the poll no longer lists are left out; poll order kept', () => {
    const rows: CohortCounters[] = [
      { cohort: 'fish', voters: 1, options: [{ id: 'b', votes: 1, weight: 5n, sqrtWeight: 1 }] },
      { cohort: 'fish', voters: 2, options: [{ id: 'a', votes: 2, weight: 7n, sqrtWeight: 2 }] },
      { cohort: 'fish', voters: 1, options: [{ id: 'gone', votes: 1, weight: 9n, sqrtWeight: 3 }] },
    ];
    const r = tallyCohorts(OPTIONS, rows);
    expect(r.wallets.voters).toBe(4);
    expect(r.wallets.options.map((o) => [o.id, o.votes])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 0],
    ]);
  });

  it('square-root counters that drifted below zero count as zero', () => {
    const rows: CohortCounters[] = [
      {
        cohort: 'fish',
        voters: 20,
        options: [
          { id: 'a', votes: 20, weight: 20n, sqrtWeight: 20 },
          { id: 'b', votes: 0, weight: 0n, sqrtWeight: -1e-15 },
        ],
      },
    ];
    expect(tallyCohorts(OPTIONS, rows).squareRoot?.options.map((o) => o.weight)).toEqual([20, 0, 0]);
  });
});

describe('ties and leaders in words', () => {
  it.each([
    [['A'], 'A'],
    [['A', 'B'], 'A and B'],
    [['A', 'B', 'C'], 'A, B and C'],
    [['A', 'B', 'C', 'D'], 'A, B, C and D'],
    [[], ''],
  ])('listWords(%j) = %j', (labels, words) => expect(listWords(labels)).toBe(words));

  it.each([
    [['A', 'B'], 'A and B tie'],
    [['A', 'B', 'C'], 'A, B and C tie'],
  ])('describeTie(%j) = %j', (labels, words) => expect(describeTie(labels)).toBe(words));

  it('a tie needs two', () => {
    expect(() => describeTie(['A'])).toThrow(RangeError);
    expect(() => describeTie([])).toThrow(RangeError);
  });

  it.each([
    [[], 'No option leads yet'],
    [['a'], 'Yes leads'],
    [['a', 'c'], 'Yes and Later tie'],
    [['a', 'b', 'c'], 'Yes, No and Later tie'],
    [['x'], 'x leads'],
  ])('describeLeader(%j) = %j', (leader, words) => expect(describeLeader({ leader }, OPTIONS)).toBe(words));

  it.each([
    [['a'], ['b'], 'Wallets lean Yes; tokens lean No'],
    [['a'], ['b', 'c'], 'Wallets lean Yes; tokens split between No and Later'],
    [['a', 'b'], ['c'], 'Wallets split between Yes and No; tokens lean Later'],
    [['a', 'b'], ['a'], 'Wallets split between Yes and No; tokens lean Yes'],
    [['a'], ['a'], null],
    [['a', 'b'], ['a', 'b'], null],
    [[], ['a'], null],
    [['a'], [], null],
  ])('describeDisagreement(%j, %j) = %j', (wallets, tokens, words) => {
    expect(describeDisagreement({ leader: wallets }, { leader: tokens }, OPTIONS)).toBe(words);
  });

  it('an even split of wallets against one token leader', () => {
    const ballots = [...many(10, 'shrimp', 'a', 1n), ...many(10, 'dolphin', 'b', 1n), ...many(1, 'whale', 'c', 99n)];
    const t = tallyCohorts(OPTIONS, countersOf(IDS, ballots));
    expect(t.wallets.leader).toEqual(['a', 'b']);
    expect(t.tokens?.leader).toEqual(['c']);
    expect(t.disagreement).toBe('Wallets split between Yes and No; tokens lean Later');
  });
});

describe('tallyCohorts, properties over random ballots', () => {
  const polls = fc
    .boolean()
    .chain((multiple) => ballotsArb(OPTION_IDS, { multiple }).map((ballots) => ({ multiple, ballots })));

  it('wallets is the sum of the verified cohorts, ballots the sum of all; weights are exact sums', () => {
    fc.assert(
      fc.property(polls, ({ ballots }) => {
        const t = tallyCohorts(OPTIONS, countersOf(IDS, ballots));
        const verified = ballots.filter((b) => (VERIFIED_COHORTS as readonly CohortId[]).includes(b.cohort));
        expect(t.ballots.voters).toBe(ballots.length);
        expect(t.wallets.voters).toBe(verified.length);
        IDS.forEach((id, i) => {
          expect(t.ballots.options[i]?.votes).toBe(ballots.filter((b) => b.optionIds.includes(id)).length);
          expect(t.wallets.options[i]?.votes).toBe(verified.filter((b) => b.optionIds.includes(id)).length);
          if (t.tokens !== null) {
            const weight = verified.filter((b) => b.optionIds.includes(id)).reduce((s, b) => s + b.weight, 0n);
            expect(t.tokens.options[i]?.weight).toBe(String(weight));
          }
        });
        expect(t.tokens === null).toBe(verified.length < WEIGHTED_MIN_VERIFIED);
        expect(t.squareRoot === null).toBe(t.tokens === null);
        expect(t.weightedNote === null).toBe(t.tokens !== null);
      }),
    );
  });

  it('percentages sum to 100 when anything is counted; leaders are exactly the options with the top value', () => {
    fc.assert(
      fc.property(polls, ({ ballots }) => {
        const t = tallyCohorts(OPTIONS, countersOf(IDS, ballots));
        const checks: { values: (number | bigint)[]; percents: number[]; leader: string[] }[] = [
          {
            values: t.ballots.options.map((o) => o.votes),
            percents: t.ballots.options.map((o) => o.percent),
            leader: t.ballots.leader,
          },
          {
            values: t.wallets.options.map((o) => o.votes),
            percents: t.wallets.options.map((o) => o.percent),
            leader: t.wallets.leader,
          },
        ];
        if (t.tokens) {
          checks.push({
            values: t.tokens.options.map((o) => BigInt(o.weight)),
            percents: t.tokens.options.map((o) => o.percent),
            leader: t.tokens.leader,
          });
        }
        if (t.squareRoot) {
          checks.push({
            values: t.squareRoot.options.map((o) => o.weight),
            percents: t.squareRoot.options.map((o) => o.percent),
            leader: t.squareRoot.leader,
          });
        }
        for (const { values, percents, leader } of checks) {
          const anything = values.some((v) => v > 0);
          expect(percents.reduce((s, p) => s + p, 0)).toBe(anything ? 100 : 0);
          const top = values.reduce((m, v) => (v > m ? v : m), values[0] ?? 0);
          expect(leader).toEqual(anything ? IDS.filter((_, i) => values[i] === top) : []);
          values.forEach((vi, i) =>
            values.forEach((vj, j) => {
              if (vi > vj) expect(percents[i]).toBeGreaterThanOrEqual(percents[j] ?? 0);
            }),
          );
        }
        // A disagreement is stated exactly when both have leaders and they differ.
        const differ =
          t.tokens !== null &&
          t.wallets.leader.length > 0 &&
          t.tokens.leader.length > 0 &&
          t.wallets.leader.join() !== t.tokens.leader.join();
        expect(t.disagreement !== null).toBe(differ);
      }),
    );
  });
});
