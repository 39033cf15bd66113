/**
 * The aggregated counters cohort results are read from: one row per cohort
 * and option, kept up to date as ballots are written, so no read scans
 * ballots.
 */
import { COHORT_IDS, type CohortId } from './cohorts.ts';

export interface OptionCounter {
  id: string;
  /** Ballots in the cohort that chose this option. */
  votes: number;
  /** Sum of those ballots' token weights, in base units. */
  weight: bigint;
  /** Sum of those ballots' square-root weights. */
  sqrtWeight: number;
}

/**
 * One cohort's counters. In a multiple-choice poll each chosen option gets the
 * ballot's full vote and full weight, so option votes may add up to more than
 * `voters`.
 */
export interface CohortCounters {
  cohort: CohortId;
  /** Ballots in the cohort. */
  voters: number;
  options: readonly OptionCounter[];
}

/** One cohort's counters as columns in the poll's option order. */
export interface AlignedCounters {
  voters: number;
  votes: number[];
  weight: bigint[];
  sqrtWeight: number[];
}

/**
 * Every cohort's counters in the poll's option order: a cohort or option
 * without counters counts zero, repeated rows add up, and counters for an
 * option the poll no longer lists are left out, as plain results leave it out.
 */
export function alignCounters(
  optionIds: readonly string[],
  counters: readonly CohortCounters[],
): Record<CohortId, AlignedCounters> {
  const index = new Map(optionIds.map((id, i) => [id, i]));
  const aligned = Object.fromEntries(
    COHORT_IDS.map((c) => [
      c,
      {
        voters: 0,
        votes: optionIds.map(() => 0),
        weight: optionIds.map(() => 0n),
        sqrtWeight: optionIds.map(() => 0),
      },
    ]),
  ) as Record<CohortId, AlignedCounters>;
  for (const row of counters) {
    const into = aligned[row.cohort];
    into.voters += row.voters;
    for (const option of row.options) {
      const i = index.get(option.id);
      if (i === undefined) continue;
      into.votes[i] = (into.votes[i] ?? 0) + option.votes;
      into.weight[i] = (into.weight[i] ?? 0n) + option.weight;
      into.sqrtWeight[i] = (into.sqrtWeight[i] ?? 0) + option.sqrtWeight;
    }
  }
  return aligned;
}
