import { IdentityCache } from '../../platform/caching/identity.ts';
import { withCounts, type PollRecord } from '../records.ts';
import { presentResults, type PollResults } from '../results.ts';
import { pollStatus } from '../rules.ts';
import type { FreshCounts } from '../store/cast-types.ts';

/**
 * What a voter is answered with. Every ballot of one group commit gets the
 * same counts object, so voters who chose the same options get the same
 * results: they are built once per counts object, not once per vote (under
 * load that was a results object per ballot for the collector to sweep).
 */
export function resultsAfterVote(
  poll: PollRecord,
  counts: FreshCounts,
  optionIds: string[],
  verified: boolean,
  now: number,
): PollResults {
  const present = (): PollResults => presentResults(withCounts(poll, counts), { optionIds, verified }, now);
  let kept = answersByCounts.get(counts);
  // A definition reloaded within one batch is rare: build that answer on its own.
  if (kept && kept.poll !== poll) return present();
  if (!kept) answersByCounts.set(counts, (kept = { poll, answers: new Map() }));
  // The status is the only thing the time changes (see presentResults).
  const key = `${pollStatus(poll, now)}\u0000${verified}\u0000${optionIds.join('\u0000')}`;
  let results = kept.answers.get(key);
  if (!results) kept.answers.set(key, (results = present()));
  return results;
}

const answersByCounts = new IdentityCache<FreshCounts, { poll: PollRecord; answers: Map<string, PollResults> }>();
