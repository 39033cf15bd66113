/**
 * What a poll allows at a given moment: its status, whether a ballot is valid,
 * and who may see its counts. Pure functions of the definition and the clock.
 */

export type PollStatus = 'scheduled' | 'open' | 'closed';
export type ResultsVisibility = 'always' | 'after-vote' | 'after-close';

export interface PollRules {
  kind: 'single' | 'multiple';
  maxChoices: number;
  /** Epoch milliseconds. */
  opensAt: number;
  closesAt: number | null;
  results: ResultsVisibility;
  optionIds: readonly string[];
}

export function pollStatus(poll: Pick<PollRules, 'opensAt' | 'closesAt'>, now: number): PollStatus {
  if (now < poll.opensAt) return 'scheduled';
  if (poll.closesAt !== null && now >= poll.closesAt) return 'closed';
  return 'open';
}

export type BallotProblem =
  | { reason: 'empty' }
  | { reason: 'duplicate'; optionId: string }
  | { reason: 'unknown'; optionId: string }
  | { reason: 'too_many'; max: number };

/** Checks a ballot against the poll; null when it is valid. */
export function checkBallot(
  poll: Pick<PollRules, 'kind' | 'maxChoices' | 'optionIds'>,
  optionIds: readonly string[],
): BallotProblem | null {
  if (optionIds.length === 0) return { reason: 'empty' };
  // A ballot names a handful of options, and this runs on every vote: a scan of the ones before finds a repeat
  // without a Set per ballot. A long list (only a malformed ballot has one) gets the Set, to stay linear.
  const seen = optionIds.length > 16 ? new Set<string>() : null;
  for (let i = 0; i < optionIds.length; i++) {
    const id = optionIds[i] as string;
    if (seen ? seen.has(id) : optionIds.indexOf(id) < i) return { reason: 'duplicate', optionId: id };
    seen?.add(id);
    if (!poll.optionIds.includes(id)) return { reason: 'unknown', optionId: id };
  }
  const max = poll.kind === 'single' ? 1 : poll.maxChoices;
  if (optionIds.length > max) return { reason: 'too_many', max };
  return null;
}

export function describeBallotProblem(problem: BallotProblem): string {
  switch (problem.reason) {
    case 'empty':
      return 'Choose at least one option.';
    case 'duplicate':
      return `Option "${problem.optionId}" is listed twice.`;
    case 'unknown':
      return `This poll has no option "${problem.optionId}".`;
    case 'too_many':
      return problem.max === 1 ? 'This poll takes one choice.' : `This poll takes at most ${problem.max} choices.`;
  }
}

/** Whether counts may be shown to this reader now. */
export function resultsVisible(visibility: ResultsVisibility, status: PollStatus, hasVoted: boolean): boolean {
  switch (visibility) {
    case 'always':
      return true;
    case 'after-vote':
      return hasVoted || status === 'closed';
    case 'after-close':
      return status === 'closed';
  }
}
