import fc from 'fast-check';
import { COHORT_IDS, type CohortId } from '../../src/lib/cohorts/cohorts.ts';
import type { CohortCounters } from '../../src/lib/cohorts/counters.ts';

/** One ballot as the vote writer sees it, for building consistent counters. */
export interface TestBallot {
  cohort: CohortId;
  optionIds: string[];
  weight: bigint;
  sqrtWeight: number;
}

export const OPTION_IDS = ['a', 'b', 'c'] as const;

/** The counters the vote writer would keep for these ballots: what the reads get. */
export function countersOf(optionIds: readonly string[], ballots: readonly TestBallot[]): CohortCounters[] {
  return COHORT_IDS.map((cohort) => {
    const mine = ballots.filter((b) => b.cohort === cohort);
    return {
      cohort,
      voters: mine.length,
      options: optionIds.map((id) => {
        const chose = mine.filter((b) => b.optionIds.includes(id));
        return {
          id,
          votes: chose.length,
          weight: chose.reduce((s, b) => s + b.weight, 0n),
          sqrtWeight: chose.reduce((s, b) => s + b.sqrtWeight, 0),
        };
      }),
    };
  });
}

/** Ballots of a single- or multiple-choice poll over `optionIds`, cohorts skewed small so floors bite. */
export function ballotsArb(
  optionIds: readonly string[],
  { multiple, maxLength = 60 }: { multiple: boolean; maxLength?: number },
): fc.Arbitrary<TestBallot[]> {
  const choice = multiple
    ? fc.subarray([...optionIds], { minLength: 1 })
    : fc.constantFrom(...optionIds).map((id) => [id]);
  const ballot = fc.record({
    cohort: fc.constantFrom(...COHORT_IDS),
    optionIds: choice,
    weight: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.constantFrom(1n, 2n, 3n)),
  });
  return fc
    .array(ballot, { maxLength })
    .map((bs) => bs.map((b) => ({ ...b, sqrtWeight: Math.sqrt(Number(b.weight) / 1e18) })));
}
