import { jsonResult, parseJson, problemResult, type ApiResult } from '../http.ts';
import { ballotKey, getBallot } from './repo.server.ts';
import { presentResults } from './results.ts';
import { MAX_VOTE_BODY_BYTES, voteInputSchema } from './schemas.ts';
import type { Services } from '../server/services.server.ts';
import { voterCookieHeader } from './voter.ts';
import { submitVote } from './votes.server.ts';

/**
 * The poll JSON endpoints as plain functions: the Astro endpoint files and
 * the Node server's fast path (scripts/serve.ts) both answer with these.
 */

export interface ReaderContext {
  voterId: string | null;
  /** The signed-in wallet, or null. */
  address: string | null;
  clientAddress: string;
  /** Whether the request reached the site over https (decides the cookie's Secure flag). */
  secure: boolean;
  now: number;
}

/** GET /api/polls/<id> */
export async function getPollResults(services: Services, pollId: string, reader: ReaderContext): Promise<ApiResult> {
  const poll = await services.poll(pollId);
  if (!poll) return problemResult(404, 'not_found', `There is no poll "${pollId}".`);
  const key = ballotKey(poll, reader);
  const ballot = key ? await getBallot(services.db, pollId, key) : null;
  return jsonResult(presentResults(poll, ballot, reader.now));
}

/**
 * POST /api/polls/<id>/votes. `bodyText` is null when the body ran past the
 * size limit (see readLimited).
 */
export async function postVote(
  services: Services,
  pollId: string,
  contentType: string | null,
  bodyText: string | null,
  reader: ReaderContext,
): Promise<ApiResult> {
  const body = parseJson(contentType, bodyText, voteInputSchema, MAX_VOTE_BODY_BYTES);
  if (!body.ok) return body.result;
  const outcome = await submitVote(services.voting, {
    pollId,
    voterId: reader.voterId,
    address: reader.address,
    optionIds: body.data.optionIds,
    clientKey: reader.clientAddress,
    now: reader.now,
  });
  if (!outcome.ok) {
    const { status, error, message, results, retryAfterSeconds } = outcome;
    const headers: Record<string, string> = retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {};
    return problemResult(status, error, message, results ? { results } : {}, headers);
  }
  const headers: Record<string, string> = outcome.newVoter
    ? { 'set-cookie': voterCookieHeader(outcome.voterId, reader.secure) }
    : {};
  return jsonResult(outcome.results, outcome.status, headers);
}
