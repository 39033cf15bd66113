import { jsonResult, parseJson, problemResult, readLimited, type ApiResult } from '../http.ts';
import type { FastRoute } from '../server/http-server.server.ts';
import type { RequestContext } from '../server/request-context.server.ts';
import { getReaderBallot } from './repo.server.ts';
import { presentResults } from './results.ts';
import { MAX_VOTE_BODY_BYTES, voteInputSchema } from './schemas.ts';
import type { Services } from '../server/services.server.ts';
import { voterCookieHeader } from './voter.ts';
import { submitVote } from './votes.server.ts';

/**
 * The poll JSON endpoints as plain functions: the Astro endpoint files and
 * the Node server's fast path (POLL_FAST_ROUTES) both answer with these.
 */

/** What the endpoints need of the request context, and the time of the request. */
export type ReaderContext = Pick<RequestContext, 'voterId' | 'address' | 'clientAddress' | 'secure'> & { now: number };

/** GET /api/polls/<id> */
export async function getPollResults(services: Services, pollId: string, reader: ReaderContext): Promise<ApiResult> {
  const poll = await services.poll(pollId);
  if (!poll) return problemResult(404, 'not_found', `There is no poll "${pollId}".`);
  return jsonResult(presentResults(poll, await getReaderBallot(services.db, poll, reader), reader.now));
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

/** The two hot poll endpoints, answered by the Node server without Astro's page pipeline. */
export const POLL_FAST_ROUTES: readonly FastRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/polls\/([a-z0-9-]{1,100})\/?$/,
    answer: ({ services, match, reader, now }) => getPollResults(services, match[1] ?? '', { ...reader, now }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/polls\/([a-z0-9-]{1,100})\/votes\/?$/,
    answer: async ({ services, match, req, reader, now }) => {
      const body = await readLimited(req, req.headers['content-length'] ?? null, MAX_VOTE_BODY_BYTES);
      return postVote(services, match[1] ?? '', req.headers['content-type'] ?? null, body, { ...reader, now });
    },
  },
];
