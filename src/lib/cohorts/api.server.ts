import { csvResult, problemResult, type ApiResult } from '../platform/http/results.ts';
import { CSV_LIMITED, refuseOverLimit } from '../rate-limit/limiter.ts';
import { getPollResultsData, type ReaderContext } from '../polls/http/api.server.ts';
import { pollStatus } from '../polls/rules.ts';
import type { PollVoteDeps } from '../polls/deps.ts';
import type { Limiter } from '../rate-limit/limiter.ts';
import { ballotsCsv, cohortsCsv } from './csv.ts';
import { getPublicBallots } from './repo.server.ts';

/** The cohort CSV endpoints, as plain functions for the Astro endpoint files. */

/** GET /api/polls/<id>/cohorts.csv: what GET /api/polls/<id> shows by cohort, with the same floor and visibility. */
export async function getCohortsCsv(
  services: PollVoteDeps & { csvLimiter: Limiter },
  pollId: string,
  reader: ReaderContext,
): Promise<ApiResult> {
  const limited = await refuseOverLimit(services.csvLimiter, reader.clientAddress, reader.now, CSV_LIMITED);
  if (limited) return limited;
  const found = await getPollResultsData(services, pollId, reader);
  if (!found) return problemResult(404, 'not_found', `There is no poll "${pollId}".`);
  const { results } = found;
  if (!('weighting' in results) || results.weighting === undefined) {
    return problemResult(404, 'not_found', `Poll "${pollId}" has no token, so no results by cohort.`);
  }
  if (!results.resultsVisible) {
    return problemResult(403, 'results_hidden', 'This poll does not show its results to you yet.');
  }
  return csvResult(cohortsCsv(pollId, results as Parameters<typeof cohortsCsv>[1]), `${pollId}-cohorts.csv`);
}

/** GET /api/polls/<id>/ballots.csv: only for `publicBallots: true` polls, once they have closed. */
export async function getBallotsCsv(
  services: PollVoteDeps & { csvLimiter: Limiter },
  pollId: string,
  { clientAddress, now }: Pick<ReaderContext, 'clientAddress' | 'now'>,
): Promise<ApiResult> {
  const limited = await refuseOverLimit(services.csvLimiter, clientAddress, now, CSV_LIMITED);
  if (limited) return limited;
  const poll = await services.poll(pollId);
  if (!poll) return problemResult(404, 'not_found', `There is no poll "${pollId}".`);
  if (!poll.publicBallots) {
    return problemResult(
      403,
      'ballots_private',
      'This poll does not publish its ballots; no address is linked to a choice.',
    );
  }
  if (pollStatus(poll, now) !== 'closed') {
    return problemResult(409, 'poll_open', 'Ballots are published once the poll has closed.');
  }
  const ballots = await getPublicBallots(services.db, pollId);
  return csvResult(ballotsCsv(ballots, poll.weightingBlock), `${pollId}-ballots.csv`);
}
