import type { APIRoute } from 'astro';
import { json, problem } from '../../../../../lib/platform/http/results';
import { claimBallot } from '../../../../../lib/polls/votes.server';
import { getVotingDeps } from '../../../../../app/app.server';

export const prerender = false;

/** "Count my vote as verified": the signed-in wallet takes over this browser's anonymous ballot. */
export const POST: APIRoute = async ({ params, locals }) => {
  const outcome = await claimBallot(await getVotingDeps(), {
    pollId: params.id ?? '',
    voterId: locals.voterId,
    address: locals.address,
    now: Date.now(),
  });
  if (!outcome.ok) return problem(outcome.status, outcome.error, outcome.message);
  return json(outcome.results);
};
