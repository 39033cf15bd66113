import type { APIRoute } from 'astro';
import { json, parseBody, problem } from '../../../../lib/http';
import { MAX_VOTE_BODY_BYTES, voteInputSchema } from '../../../../lib/polls/schemas';
import { getVotingDeps } from '../../../../lib/server/app';
import { issueVoterCookie } from '../../../../lib/server/voter';
import { submitVote } from '../../../../lib/server/voting';

export const prerender = false;

export const POST: APIRoute = async ({ params, request, locals, cookies, clientAddress, url }) => {
  const body = await parseBody(request, voteInputSchema, MAX_VOTE_BODY_BYTES);
  if (!body.ok) return body.response;

  const outcome = await submitVote(await getVotingDeps(), {
    pollId: params.id ?? '',
    voterId: locals.voterId,
    optionIds: body.data.optionIds,
    clientKey: clientAddress,
    now: Date.now(),
  });
  if (!outcome.ok) {
    const { status, error, message, results, retryAfterSeconds } = outcome;
    const headers: HeadersInit = retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {};
    return problem(status, error, message, results ? { results } : {}, headers);
  }
  if (outcome.newVoter) issueVoterCookie(cookies, outcome.voterId, url.protocol === 'https:');
  return json(outcome.results, outcome.status);
};
