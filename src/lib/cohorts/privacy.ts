/**
 * The privacy floor on results by cohort: a cohort of few voters would let a
 * reader who knows who is in it (a token may have three whales, all known)
 * learn how they voted, so small cohorts are hidden, and hidden in a way
 * subtraction cannot undo.
 */
import { percentages } from '../polls/tally.ts';
import { COHORT_IDS, COHORT_LABELS, VERIFIED_COHORTS, type CohortId } from './cohorts.ts';
import { alignCounters, type AlignedCounters, type CohortCounters } from './counters.ts';

/** Fewest voters a verified cohort needs before its counts are shown. */
export const PRIVACY_FLOOR = 5;

export interface CohortResult {
  id: CohortId;
  label: string;
  hidden: boolean;
  /** null when hidden: fewer than PRIVACY_FLOOR voters, or hidden so that others cannot be worked out. */
  voters: number | null;
  options: { id: string; votes: number | null; percent: number | null }[];
}

export interface FloorOptions {
  /** Polls whose ballots are public anyway have no floor. */
  publicBallots: boolean;
}

/**
 * Whether the hidden cohorts together give nothing away. Shown cohorts can be
 * subtracted from the wallets tally, so what the hidden ones hold together is
 * public: it must be no ballots at all, or at least PRIVACY_FLOOR ballots not
 * all for one option (in a multiple-choice poll, no option every hidden voter
 * chose).
 */
function hiddenTogetherSafe(hidden: readonly AlignedCounters[]): boolean {
  const voters = hidden.reduce((sum, c) => sum + c.voters, 0);
  if (voters === 0) return true;
  if (voters < PRIVACY_FLOOR) return false;
  const width = hidden[0]?.votes.length ?? 0;
  for (let i = 0; i < width; i++) {
    if (hidden.reduce((sum, c) => sum + (c.votes[i] ?? 0), 0) >= voters) return false;
  }
  return true;
}

/**
 * The cohorts to hide: every verified cohort under PRIVACY_FLOOR (empty ones
 * too, or "hidden" would tell a reader that a cohort of one had voted), then,
 * while the hidden ones together are unsafe, the smallest shown verified
 * cohort (ties to COHORT_IDS order). 'unverified' is never hidden: cookie
 * ballots name no one.
 */
export function hiddenCohorts(
  aligned: Readonly<Record<CohortId, AlignedCounters>>,
  { publicBallots }: FloorOptions,
): Set<CohortId> {
  const hidden = new Set<CohortId>();
  if (publicBallots) return hidden;
  for (const c of VERIFIED_COHORTS) if (aligned[c].voters < PRIVACY_FLOOR) hidden.add(c);
  for (;;) {
    if (hiddenTogetherSafe([...hidden].map((c) => aligned[c]))) return hidden;
    let next: CohortId | null = null;
    for (const c of VERIFIED_COHORTS) {
      if (!hidden.has(c) && (next === null || aligned[c].voters < aligned[next].voters)) next = c;
    }
    // Every verified cohort hidden: what they hold together is the wallets tally, public anyway.
    if (next === null) return hidden;
    hidden.add(next);
  }
}

/**
 * Results by cohort, in COHORT_IDS order, with the privacy floor applied.
 * Percentages within a cohort are of its option votes, rounded as plain
 * results are.
 *
 * @example
 * const yes = { id: 'yes', votes: 2, weight: 10n, sqrtWeight: 3 };
 * floorCohorts(['yes'], [{ cohort: 'whale', voters: 2, options: [yes] }], { publicBallots: false })[0]
 * // { id: 'whale', label: 'Whales', hidden: true, voters: null, options: [{ id: 'yes', votes: null, percent: null }] }
 */
export function floorCohorts(
  optionIds: readonly string[],
  counters: readonly CohortCounters[],
  options: FloorOptions,
): CohortResult[] {
  const aligned = alignCounters(optionIds, counters);
  const hidden = hiddenCohorts(aligned, options);
  return COHORT_IDS.map((id) => {
    const cohort = aligned[id];
    const isHidden = hidden.has(id);
    const percent = percentages(cohort.votes);
    return {
      id,
      label: COHORT_LABELS[id],
      hidden: isHidden,
      voters: isHidden ? null : cohort.voters,
      options: optionIds.map((optionId, i) => ({
        id: optionId,
        votes: isHidden ? null : (cohort.votes[i] ?? 0),
        percent: isHidden ? null : (percent[i] ?? 0),
      })),
    };
  });
}

/**
 * The floor applied to a history of cohort counters, each point on its own by
 * the same rule, so a chart shows nothing a table would hide.
 */
export function floorCohortSeries(
  optionIds: readonly string[],
  points: readonly (readonly CohortCounters[])[],
  options: FloorOptions,
): CohortResult[][] {
  return points.map((counters) => floorCohorts(optionIds, counters, options));
}
