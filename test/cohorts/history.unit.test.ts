import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERIFIED_COHORTS, type CohortId } from '../../src/lib/cohorts/cohorts.ts';
import { buildCohortHistory, shareTable, type CohortBucket } from '../../src/lib/cohorts/history.ts';
import { floorCohorts, PRIVACY_FLOOR } from '../../src/lib/cohorts/privacy.ts';
import { DAY_MS, HOUR_MS } from '../../src/lib/polls/history.ts';
import { ballotsArb, countersOf, OPTION_IDS, type TestBallot } from './cohorts-fixtures.ts';

const IDS = ['a', 'b'];
const SINGLE = { kind: 'single', publicBallots: false } as const;
const T0 = Date.UTC(2026, 0, 1);

/** `n` single-choice ballots for `optionId` in `cohort`, cast in hour `hour` after T0. */
function cast(cohort: CohortId, optionId: string, n: number, hour: number): CohortBucket {
  return { cohort, optionId, votes: n, hourStart: T0 + hour * HOUR_MS };
}

const pointsOf = (history: ReturnType<typeof buildCohortHistory>, id: CohortId) =>
  history.cohorts.find((c) => c.id === id)?.points ?? [];

describe('buildCohortHistory', () => {
  it.each<[string, CohortBucket[], CohortId, { hour: number; votes: number[]; percent: number[] }[]]>([
    ['no buckets: no moments, no points', [], 'unverified', []],
    [
      'cookie ballots show from the first, however few, and accumulate',
      [cast('unverified', 'a', 1, 0), cast('unverified', 'b', 3, 2)],
      'unverified',
      [
        { hour: 1, votes: [1, 0], percent: [100, 0] },
        { hour: 3, votes: [1, 3], percent: [25, 75] },
      ],
    ],
    [
      'a verified cohort appears only from the hour it reaches 5 voters',
      [cast('fish', 'a', 3, 0), cast('fish', 'b', 1, 1), cast('fish', 'b', 2, 4)],
      'fish',
      // Fish alone: every other verified cohort is empty, so the hidden ones together hold nothing.
      [{ hour: 5, votes: [3, 3], percent: [50, 50] }],
    ],
    [
      'a cohort that falls back under the floor (a ballot claimed into another) drops out again',
      [cast('shrimp', 'a', 5, 0), cast('shrimp', 'a', -1, 1)],
      'shrimp',
      [{ hour: 1, votes: [5, 0], percent: [100, 0] }],
    ],
    [
      'buckets for an option the poll no longer lists are left out',
      [cast('unverified', 'a', 2, 0), cast('unverified', 'gone', 9, 0)],
      'unverified',
      [{ hour: 1, votes: [2, 0], percent: [100, 0] }],
    ],
  ])('%s', (_name, buckets, cohort, expected) => {
    const history = buildCohortHistory(IDS, buckets, 'hour', SINGLE);
    expect(pointsOf(history, cohort)).toEqual(
      expected.map((p) => ({ at: T0 + p.hour * HOUR_MS, votes: p.votes, percent: p.percent })),
    );
  });

  it('hides a small cohort at every moment, and the one next smallest that would give it away', () => {
    const buckets = [
      cast('whale', 'a', 2, 0),
      cast('dolphin', 'a', 3, 0),
      cast('dolphin', 'b', 3, 0),
      cast('fish', 'a', 10, 1),
      cast('fish', 'b', 10, 1),
    ];
    const history = buildCohortHistory(IDS, buckets, 'hour', SINGLE);
    expect(history.at).toEqual([T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
    expect(pointsOf(history, 'whale')).toEqual([]);
    // Hour 1: whale (2, all for a) and the empty cohorts alone would give whale away, so dolphin is hidden too.
    // Hour 2: still, whatever fish adds; fish itself is shown.
    expect(pointsOf(history, 'dolphin')).toEqual([]);
    expect(pointsOf(history, 'fish').map((p) => p.at)).toEqual([T0 + 2 * HOUR_MS]);
    // With public ballots there is no floor.
    const open = buildCohortHistory(IDS, buckets, 'hour', { kind: 'single', publicBallots: true });
    expect(pointsOf(open, 'whale')).toEqual([
      { at: T0 + HOUR_MS, votes: [2, 0], percent: [100, 0] },
      { at: T0 + 2 * HOUR_MS, votes: [2, 0], percent: [100, 0] },
    ]);
  });

  it('sums hours into days, a point at the end of each day with votes', () => {
    const buckets = [cast('unverified', 'a', 1, 1), cast('unverified', 'b', 1, 5), cast('unverified', 'b', 2, 50)];
    const history = buildCohortHistory(IDS, buckets, 'day', SINGLE);
    expect(history.at).toEqual([T0 + DAY_MS, T0 + 3 * DAY_MS]);
    expect(pointsOf(history, 'unverified')).toEqual([
      { at: T0 + DAY_MS, votes: [1, 1], percent: [50, 50] },
      { at: T0 + 3 * DAY_MS, votes: [1, 3], percent: [25, 75] },
    ]);
  });

  it('multiple choice: a cohort counts as no more voters than its largest option', () => {
    // Five ballots that chose both options look like 5 voters; four that chose both could be 4 and stay hidden.
    const both = (n: number): CohortBucket[] => [cast('fish', 'a', n, 0), cast('fish', 'b', n, 0)];
    const multiple = { kind: 'multiple', publicBallots: false } as const;
    expect(pointsOf(buildCohortHistory(IDS, both(4), 'hour', multiple), 'fish')).toEqual([]);
    expect(pointsOf(buildCohortHistory(IDS, both(5), 'hour', multiple), 'fish')).toEqual([
      { at: T0 + HOUR_MS, votes: [5, 5], percent: [50, 50] },
    ]);
    // As single choice the same buckets are 8 voters.
    expect(pointsOf(buildCohortHistory(IDS, both(4), 'hour', SINGLE), 'fish')).toHaveLength(1);
  });
});

/** Random ballots, each cast in one of the first few hours, with the buckets the vote writer would keep. */
function timedBallots(multiple: boolean) {
  return ballotsArb([...OPTION_IDS], { multiple, maxLength: 50 }).chain((ballots) =>
    fc
      .array(fc.integer({ min: 0, max: 5 }), { minLength: ballots.length, maxLength: ballots.length })
      .map((hours) => ballots.map((b, i) => ({ ...b, hour: hours[i] ?? 0 }))),
  );
}

function bucketsOf(ballots: readonly (TestBallot & { hour: number })[]): CohortBucket[] {
  return ballots.flatMap((b) => b.optionIds.map((optionId) => cast(b.cohort, optionId, 1, b.hour)));
}

describe('the floor at every moment (property)', () => {
  it('single choice: each point is exactly what the cohort table showed at that moment', () => {
    fc.assert(
      fc.property(timedBallots(false), (ballots) => {
        const history = buildCohortHistory(OPTION_IDS, bucketsOf(ballots), 'hour', SINGLE);
        history.at.forEach((at) => {
          const sofar = ballots.filter((b) => T0 + (b.hour + 1) * HOUR_MS <= at);
          const table = floorCohorts(OPTION_IDS, countersOf(OPTION_IDS, sofar), SINGLE);
          for (const row of table) {
            const point = pointsOf(history, row.id).find((p) => p.at === at);
            if (row.hidden || row.voters === 0) expect(point).toBeUndefined();
            else
              expect(point).toEqual({
                at,
                votes: row.options.map((o) => o.votes),
                percent: row.options.map((o) => o.percent),
              });
          }
        });
      }),
    );
  });

  it('multiple choice: nothing shown that the exact counts would have to hide', () => {
    fc.assert(
      fc.property(timedBallots(true), (ballots) => {
        const history = buildCohortHistory(OPTION_IDS, bucketsOf(ballots), 'hour', { ...SINGLE, kind: 'multiple' });
        history.at.forEach((at) => {
          const sofar = ballots.filter((b) => T0 + (b.hour + 1) * HOUR_MS <= at);
          const shown = new Set(history.cohorts.filter((c) => c.points.some((p) => p.at === at)).map((c) => c.id));
          const hidden = VERIFIED_COHORTS.filter((c) => !shown.has(c));
          for (const c of VERIFIED_COHORTS) {
            if (shown.has(c)) expect(sofar.filter((b) => b.cohort === c).length).toBeGreaterThanOrEqual(PRIVACY_FLOOR);
          }
          // What the hidden ones hold together (public by subtraction) is nothing, or 5+ ballots and no option all chose.
          const together = sofar.filter((b) => (hidden as CohortId[]).includes(b.cohort));
          if (together.length > 0 && shown.size > (shown.has('unverified') ? 1 : 0)) {
            expect(together.length).toBeGreaterThanOrEqual(PRIVACY_FLOOR);
            for (const id of OPTION_IDS) expect(together.every((b) => b.optionIds.includes(id))).toBe(false);
          }
        });
      }),
    );
  });
});

describe('shareTable', () => {
  it('gives one option’s share per cohort shown at some moment, null while hidden', () => {
    const buckets = [cast('unverified', 'a', 1, 0), cast('fish', 'b', 5, 1), cast('unverified', 'b', 1, 1)];
    const history = buildCohortHistory(IDS, buckets, 'hour', SINGLE);
    expect(shareTable(history, IDS, 'b')).toEqual({
      cohorts: [
        { id: 'fish', label: 'Fish' },
        { id: 'unverified', label: 'Not verified' },
      ],
      rows: [
        { at: T0 + HOUR_MS, shares: [null, 0] },
        { at: T0 + 2 * HOUR_MS, shares: [100, 50] },
      ],
    });
    expect(shareTable(history, IDS, 'nope').rows[1]?.shares).toEqual([null, null]);
  });
});
