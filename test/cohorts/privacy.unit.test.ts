import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COHORT_IDS, VERIFIED_COHORTS, type CohortId } from '../../src/lib/cohorts/cohorts.ts';
import { alignCounters, type CohortCounters } from '../../src/lib/cohorts/counters.ts';
import {
  floorCohorts,
  floorCohortSeries,
  hiddenCohorts,
  PRIVACY_FLOOR,
  type CohortResult,
} from '../../src/lib/cohorts/privacy.ts';
import { ballotsArb, countersOf, OPTION_IDS } from './cohorts-fixtures.ts';

const IDS = ['a', 'b'];
const FLOORED = { publicBallots: false };

/** Single-choice counters from [cohort, votes for a, votes for b]. */
function counters(rows: [CohortId, number, number][]): CohortCounters[] {
  return rows.map(([cohort, a, b]) => ({
    cohort,
    voters: a + b,
    options: [
      { id: 'a', votes: a, weight: BigInt(a), sqrtWeight: a },
      { id: 'b', votes: b, weight: BigInt(b), sqrtWeight: b },
    ],
  }));
}

function hiddenIds(results: readonly CohortResult[]): CohortId[] {
  return results.filter((r) => r.hidden).map((r) => r.id);
}

const EVERY_COHORT_WELL_FILLED: [CohortId, number, number][] = [
  ['whale', 3, 3],
  ['dolphin', 4, 4],
  ['fish', 5, 5],
  ['shrimp', 6, 6],
  ['insiders', 3, 4],
  ['none', 2, 5],
];

describe('floorCohorts', () => {
  it.each<[string, [CohortId, number, number][], CohortId[]]>([
    ['every verified cohort at 5 or more: nothing hidden', EVERY_COHORT_WELL_FILLED, []],
    [
      'no votes at all: every verified cohort hidden, together they hold nothing',
      [],
      ['whale', 'dolphin', 'fish', 'shrimp', 'insiders', 'none'],
    ],
    [
      // Alone, the 3 hidden whale ballots could be worked out from the wallets tally.
      'one small cohort takes the next smallest with it',
      [
        ['whale', 2, 1],
        ['dolphin', 4, 4],
        ['fish', 5, 5],
        ['shrimp', 6, 6],
        ['insiders', 5, 5],
        ['none', 5, 4],
      ],
      ['whale', 'dolphin'],
    ],
    [
      'empty cohorts are hidden too, and hiding them alone is safe',
      [
        ['whale', 10, 10],
        ['shrimp', 10, 10],
      ],
      ['dolphin', 'fish', 'insiders', 'none'],
    ],
    [
      'empty hidden cohorts do not make a small one safe',
      [
        ['whale', 2, 1],
        ['dolphin', 4, 4],
        ['shrimp', 10, 10],
      ],
      ['whale', 'dolphin', 'fish', 'insiders', 'none'],
    ],
    [
      'two small cohorts of 6 together, all for one option: the next smallest joins them',
      [
        ['whale', 3, 0],
        ['dolphin', 3, 0],
        ['fish', 7, 7],
        ['shrimp', 9, 9],
        ['insiders', 8, 8],
        ['none', 10, 10],
      ],
      ['whale', 'dolphin', 'fish'],
    ],
    [
      'two small cohorts of 6 together, split: safe',
      [
        ['whale', 3, 0],
        ['dolphin', 2, 1],
        ['fish', 7, 7],
        ['shrimp', 9, 9],
        ['insiders', 8, 8],
        ['none', 10, 10],
      ],
      ['whale', 'dolphin'],
    ],
    [
      'equal sizes: the earlier cohort goes first',
      [
        ['whale', 1, 0],
        ['dolphin', 20, 20],
        ['fish', 4, 4],
        ['shrimp', 4, 4],
        ['insiders', 20, 20],
        ['none', 20, 20],
      ],
      ['whale', 'fish'],
    ],
    [
      'nothing safe to be had: every verified cohort hidden',
      [
        ['whale', 4, 0],
        ['dolphin', 5, 0],
        ['fish', 9, 0],
        ['shrimp', 0, 0],
      ],
      ['whale', 'dolphin', 'fish', 'shrimp', 'insiders', 'none'],
    ],
    [
      'unanimous but large cohorts stay shown; only what is hidden must be mixed',
      [
        ['whale', 10, 0],
        ['dolphin', 10, 0],
        ['fish', 10, 0],
        ['shrimp', 10, 0],
        ['insiders', 10, 0],
        ['none', 10, 0],
      ],
      [],
    ],
  ])('%s', (_name, rows, hidden) => {
    const result = floorCohorts(IDS, [...counters(rows), ...counters([['unverified', 1, 0]])], FLOORED);
    expect(hiddenIds(result)).toEqual(hidden);
  });

  it('multiple choice: an option every hidden voter chose is as telling as unanimity', () => {
    const multi = (cohort: CohortId, voters: number, a: number, b: number): CohortCounters => ({
      cohort,
      voters,
      options: [
        { id: 'a', votes: a, weight: 0n, sqrtWeight: 0 },
        { id: 'b', votes: b, weight: 0n, sqrtWeight: 0 },
      ],
    });
    const rows = [
      multi('whale', 3, 3, 1),
      multi('dolphin', 3, 3, 2),
      multi('fish', 8, 4, 8),
      multi('shrimp', 9, 5, 5),
      multi('insiders', 10, 5, 5),
      multi('none', 20, 10, 10),
    ];
    expect(hiddenIds(floorCohorts(IDS, rows, FLOORED))).toEqual(['whale', 'dolphin', 'fish']);
    // Whale and dolphin together: 6 voters, a chosen by all 6. Adding fish: 14 voters, a by 10, b by 11.
    rows[1] = multi('dolphin', 3, 2, 2);
    expect(hiddenIds(floorCohorts(IDS, rows, FLOORED))).toEqual(['whale', 'dolphin']);
  });

  it('shows cookie ballots however few; a poll with public ballots has no floor', () => {
    const rows = counters([
      ['whale', 1, 0],
      ['unverified', 0, 1],
    ]);
    const floored = floorCohorts(IDS, rows, FLOORED);
    expect(floored.find((r) => r.id === 'unverified')).toMatchObject({ hidden: false, voters: 1 });
    expect(hiddenIds(floorCohorts(IDS, rows, { publicBallots: true }))).toEqual([]);
  });

  it('a hidden cohort says nothing; a shown one gives counts and shares within itself', () => {
    const result = floorCohorts(
      IDS,
      counters([
        ['whale', 1, 1],
        ['dolphin', 1, 2],
        ['fish', 2, 4],
        ['shrimp', 7, 0],
        ['insiders', 5, 5],
        ['none', 1, 5],
      ]),
      FLOORED,
    );
    expect(result.map((r) => r.id)).toEqual([...COHORT_IDS]);
    expect(result[0]).toEqual({
      id: 'whale',
      label: 'Whales',
      hidden: true,
      voters: null,
      options: [
        { id: 'a', votes: null, percent: null },
        { id: 'b', votes: null, percent: null },
      ],
    });
    expect(result[2]).toEqual({
      id: 'fish',
      label: 'Fish',
      hidden: false,
      voters: 6,
      options: [
        { id: 'a', votes: 2, percent: 33 },
        { id: 'b', votes: 4, percent: 67 },
      ],
    });
    expect(result[6]).toMatchObject({ id: 'unverified', hidden: false, voters: 0 });
  });

  it('floors every point of a history by the same rule', () => {
    const points = [
      counters([['whale', 1, 0]]),
      counters([
        ['whale', 3, 3],
        ['dolphin', 3, 3],
      ]),
      [],
    ];
    const series = floorCohortSeries(IDS, points, FLOORED);
    expect(series).toEqual(points.map((p) => floorCohorts(IDS, p, FLOORED)));
    expect(series[1]?.find((r) => r.id === 'whale')).toMatchObject({ hidden: false, voters: 6 });
  });
});

describe('the floor, over random ballots', () => {
  const polls = fc.boolean().chain((multiple) => ballotsArb(OPTION_IDS, { multiple, maxLength: 80 }));

  it('what the hidden cohorts hold together is nothing, or 5+ ballots not all on one option, or everything verified', () => {
    fc.assert(
      fc.property(polls, (ballots) => {
        const rows = countersOf(OPTION_IDS, ballots);
        const result = floorCohorts(OPTION_IDS, rows, FLOORED);
        const hidden = new Set(hiddenIds(result));
        expect(hidden.has('unverified')).toBe(false);
        const inHidden = ballots.filter((b) => hidden.has(b.cohort));
        for (const c of VERIFIED_COHORTS) {
          const voters = ballots.filter((b) => b.cohort === c).length;
          // Under the floor is always hidden; a shown cohort always has its count.
          if (voters < PRIVACY_FLOOR) expect(hidden.has(c)).toBe(true);
          const shown = result.find((r) => r.id === c);
          expect(shown?.voters).toBe(hidden.has(c) ? null : voters);
        }
        const safe =
          inHidden.length === 0 ||
          (inHidden.length >= PRIVACY_FLOOR &&
            OPTION_IDS.every((id) => inHidden.some((b) => !b.optionIds.includes(id))));
        const everyVerifiedHidden = VERIFIED_COHORTS.every((c) => hidden.has(c));
        expect(safe || everyVerifiedHidden).toBe(true);
        // hiddenCohorts is what floorCohorts applies.
        expect(hiddenCohorts(alignCounters(OPTION_IDS, rows), FLOORED)).toEqual(hidden);
      }),
    );
  });

  it('hides beyond the floor only while it must: dropping the last cohort added would leave it unsafe', () => {
    fc.assert(
      fc.property(polls, (ballots) => {
        const rows = countersOf(OPTION_IDS, ballots);
        const hidden = hiddenCohorts(alignCounters(OPTION_IDS, rows), FLOORED);
        const forced = VERIFIED_COHORTS.filter((c) => ballots.filter((b) => b.cohort === c).length < PRIVACY_FLOOR);
        const extra = [...hidden].filter((c) => !(forced as readonly CohortId[]).includes(c));
        if (extra.length === 0) return;
        const without = new Set([...hidden].filter((c) => c !== extra.at(-1)));
        const inHidden = ballots.filter((b) => without.has(b.cohort));
        const safe =
          inHidden.length === 0 ||
          (inHidden.length >= PRIVACY_FLOOR &&
            OPTION_IDS.every((id) => inHidden.some((b) => !b.optionIds.includes(id))));
        expect(safe).toBe(false);
      }),
    );
  });
});
