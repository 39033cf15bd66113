import { ActionError, defineAction, type ActionErrorCode } from 'astro:actions';
import { claimFormSchema, voteFormSchema } from '../lib/polls/schemas';
import { getVotingDeps } from '../lib/server/app.server';
import { isEmbedPath, issueVoterCookie } from '../lib/polls/voter';
import { claimBallot, submitVote } from '../lib/polls/votes.server';

const CODES: Record<number, ActionErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
};

export const server = {
  polls: {
    /** The poll form without JavaScript: same rules as POST /api/polls/<id>/votes. */
    vote: defineAction({
      accept: 'form',
      input: voteFormSchema,
      handler: async ({ pollId, optionIds }, context) => {
        const outcome = await submitVote(await getVotingDeps(), {
          pollId,
          voterId: context.locals.voterId,
          address: context.locals.address,
          optionIds,
          clientKey: context.locals.clientAddress,
          now: Date.now(),
        });
        if (!outcome.ok)
          throw new ActionError({ code: CODES[outcome.status] ?? 'BAD_REQUEST', message: outcome.message });
        if (outcome.newVoter) {
          const where = isEmbedPath(context.url.pathname) ? 'embed' : 'site';
          issueVoterCookie(context.cookies, outcome.voterId, context.locals.secure, where);
        }
        return { pollId, optionIds: outcome.results.myVote ?? [] };
      },
    }),
    /** "Count my vote as verified" without JavaScript: same rules as POST /api/polls/<id>/ballot/wallet. */
    verifyBallot: defineAction({
      accept: 'form',
      input: claimFormSchema,
      handler: async ({ pollId }, context) => {
        const outcome = await claimBallot(await getVotingDeps(), {
          pollId,
          voterId: context.locals.voterId,
          address: context.locals.address,
          now: Date.now(),
        });
        if (!outcome.ok)
          throw new ActionError({ code: CODES[outcome.status] ?? 'BAD_REQUEST', message: outcome.message });
        return { pollId };
      },
    }),
  },
};
