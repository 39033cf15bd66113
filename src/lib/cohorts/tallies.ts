/**
 * The four tallies of a poll by cohort, from aggregated counters: one ballot
 * one vote, one wallet one vote, token-weighted and square-root-weighted.
 */
import { leadingIds, percentages } from '../polls/tally.ts';
import { COHORT_IDS, VERIFIED_COHORTS } from './cohorts.ts';
import { alignCounters, type AlignedCounters, type CohortCounters } from './counters.ts';
import { percentagesOfFloats, percentagesOfWeights } from './shares.ts';

/**
 * Below this many verified ballots the weighted tallies are not shown: with a
 * handful of wallets a weighted share is one holder's balance, not sentiment.
 */
export const WEIGHTED_MIN_VERIFIED = 20;

export interface PollOption {
  id: string;
  label: string;
}

export interface Leading {
  /** Every option with the greatest value; empty when nothing has been counted. */
  leader: string[];
}

export interface VoteTally extends Leading {
  /** Ballots counted. */
  voters: number;
  options: { id: string; votes: number; percent: number }[];
}

export interface TokenTally extends Leading {
  /** Sum of the option weights, base units, as a decimal string (exact, and JSON has no bigint). */
  total: string;
  options: { id: string; weight: string; percent: number }[];
}

export interface SquareRootTally extends Leading {
  total: number;
  options: { id: string; weight: number; percent: number }[];
}

export interface CohortTallies {
  /** One ballot one vote: every cohort, cookie ballots included. */
  ballots: VoteTally;
  /** One wallet one vote: verified cohorts only. */
  wallets: VoteTally;
  verifiedBallots: number;
  /** null below WEIGHTED_MIN_VERIFIED verified ballots; `weightedNote` says why. */
  tokens: TokenTally | null;
  squareRoot: SquareRootTally | null;
  weightedNote: string | null;
  /** "Wallets lean A; tokens lean B" when the two disagree, else null. */
  disagreement: string | null;
}

function voteTally(ids: readonly string[], cohorts: readonly AlignedCounters[]): VoteTally {
  const votes = ids.map((_, i) => cohorts.reduce((sum, c) => sum + (c.votes[i] ?? 0), 0));
  const percent = percentages(votes);
  return {
    voters: cohorts.reduce((sum, c) => sum + c.voters, 0),
    options: ids.map((id, i) => ({ id, votes: votes[i] ?? 0, percent: percent[i] ?? 0 })),
    leader: leadingIds(ids, votes),
  };
}

function tokenTally(ids: readonly string[], cohorts: readonly AlignedCounters[]): TokenTally {
  const weights = ids.map((_, i) => cohorts.reduce((sum, c) => sum + (c.weight[i] ?? 0n), 0n));
  const percent = percentagesOfWeights(weights);
  return {
    total: String(weights.reduce((sum, w) => sum + w, 0n)),
    options: ids.map((id, i) => ({ id, weight: String(weights[i] ?? 0n), percent: percent[i] ?? 0 })),
    leader: leadingIds(ids, weights),
  };
}

function squareRootTally(ids: readonly string[], cohorts: readonly AlignedCounters[]): SquareRootTally {
  // Counters kept by adding and subtracting floats can drift a hair below zero.
  const sums = ids.map((_, i) => cohorts.reduce((sum, c) => sum + (c.sqrtWeight[i] ?? 0), 0));
  const weights = sums.map((w) => Math.max(0, w));
  const percent = percentagesOfFloats(weights);
  return {
    total: weights.reduce((sum, w) => sum + w, 0),
    options: ids.map((id, i) => ({ id, weight: weights[i] ?? 0, percent: percent[i] ?? 0 })),
    leader: leadingIds(ids, weights),
  };
}

/**
 * All four tallies of a poll, options in `options` order (the poll's display
 * order). The weighted two are left uncomputed below WEIGHTED_MIN_VERIFIED.
 */
export function tallyCohorts(options: readonly PollOption[], counters: readonly CohortCounters[]): CohortTallies {
  const ids = options.map((o) => o.id);
  const aligned = alignCounters(ids, counters);
  const all = COHORT_IDS.map((c) => aligned[c]);
  const verified = VERIFIED_COHORTS.map((c) => aligned[c]);
  const wallets = voteTally(ids, verified);
  const shown = wallets.voters >= WEIGHTED_MIN_VERIFIED;
  const tokens = shown ? tokenTally(ids, verified) : null;
  return {
    ballots: voteTally(ids, all),
    wallets,
    verifiedBallots: wallets.voters,
    tokens,
    squareRoot: shown ? squareRootTally(ids, verified) : null,
    weightedNote: shown
      ? null
      : `Token-weighted and square-root results appear once ${WEIGHTED_MIN_VERIFIED} verified ballots are in (${wallets.voters} so far).`,
    disagreement: tokens === null ? null : describeDisagreement(wallets, tokens, options),
  };
}

/**
 * Labels joined as a sentence joins them.
 *
 * @example listWords(['A', 'B', 'C']) // 'A, B and C'
 */
export function listWords(labels: readonly string[]): string {
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/**
 * A tie in words; a tie needs at least two options.
 *
 * @example describeTie(['A', 'B']) // 'A and B tie'
 * @example describeTie(['A', 'B', 'C']) // 'A, B and C tie'
 */
export function describeTie(labels: readonly string[]): string {
  if (labels.length < 2) throw new RangeError(`a tie needs two or more options, got ${labels.length}`);
  return `${listWords(labels)} tie`;
}

function labelsOf(ids: readonly string[], options: readonly PollOption[]): string[] {
  return ids.map((id) => options.find((o) => o.id === id)?.label ?? id);
}

/**
 * Who leads a tally, in words.
 *
 * @example describeLeader({ leader: ['a'] }, [{ id: 'a', label: 'Yes' }]) // 'Yes leads'
 * @example describeLeader({ leader: [] }, []) // 'No option leads yet'
 */
export function describeLeader(tally: Leading, options: readonly PollOption[]): string {
  const labels = labelsOf(tally.leader, options);
  if (labels.length === 0) return 'No option leads yet';
  return labels.length === 1 ? `${labels[0]} leads` : describeTie(labels);
}

/**
 * Where one wallet one vote and token weight point different ways, in words;
 * null when they agree, or when either has nothing counted.
 *
 * @example describeDisagreement({ leader: ['a'] }, { leader: ['b', 'c'] }, options)
 * // 'Wallets lean Yes; tokens split between No and Later'
 */
export function describeDisagreement(wallets: Leading, tokens: Leading, options: readonly PollOption[]): string | null {
  if (wallets.leader.length === 0 || tokens.leader.length === 0) return null;
  const same =
    wallets.leader.length === tokens.leader.length && wallets.leader.every((id) => tokens.leader.includes(id));
  if (same) return null;
  const lean = (leader: readonly string[]): string => {
    const labels = labelsOf(leader, options);
    return labels.length === 1 ? `lean ${labels[0]}` : `split between ${listWords(labels)}`;
  };
  return `Wallets ${lean(wallets.leader)}; tokens ${lean(tokens.leader)}`;
}
