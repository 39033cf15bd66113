import { ActionError, defineAction, type ActionErrorCode } from 'astro:actions';
import { claimFormSchema, voteFormSchema } from '../lib/polls/schemas';
import { getVotingDeps } from '../app/app.server';
import { isEmbedPath, issueVoterCookie } from '../lib/polls/voter';
import { claimBallot, submitVote } from '../lib/polls/votes.server';
import { getServices } from '../app/app.server';
import { viewerOf } from '../lib/comments/api.server';
import {
  blockFormSchema,
  commentActionFormSchema,
  reportFormSchema,
  unblockFormSchema,
} from '../lib/moderation/schemas';
import { reportComment, reportLimitsOf } from '../lib/moderation/reports.server';
import {
  blockAddress,
  moderateComment,
  unblockAddress,
  type ModerationOutcome,
} from '../lib/moderation/moderation.server';
import type { Services } from '../app/services.server';
import { translator } from '../lib/i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { endSessionFormSchema, withdrawFormSchema } from '../lib/account/schemas';
import { endOtherSessions, endSession, withdrawWalletBallot } from '../lib/account/account.server';

/**
 * A refused vote or claim as the no-JavaScript form shows it: in the page's
 * language where the catalogue has the error's code, else the server's sentence.
 */
function voteRefusal(
  outcome: { status: number; error: string; message: string; reason?: string },
  locale: string | undefined,
): ActionError {
  return new ActionError({
    code: CODES[outcome.status] ?? 'BAD_REQUEST',
    message: refusalText(translator(locale), outcome),
  });
}

/** The most specific words the catalogue has: for the reason (an empty ballot), else the code, else the server's. */
function refusalText(
  i: ReturnType<typeof translator>,
  outcome: { error: string; message: string; reason?: string },
): string {
  const keys = [
    ...(outcome.reason ? [`voteError.${outcome.error}.${outcome.reason}`] : []),
    `voteError.${outcome.error}`,
  ] as MessageKey[];
  for (const key of keys) {
    const text = i.t(key);
    if (text !== key) return text;
  }
  return outcome.message;
}

const CODES: Record<number, ActionErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  403: 'FORBIDDEN',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * The moderator behind an action, or NOT_FOUND: the moderation page does not
 * exist for anyone else, and neither do its forms.
 */
async function moderator(address: string | null): Promise<{ services: Services; address: string }> {
  const services = await getServices();
  if (!address || !viewerOf(services, address).isAdmin)
    throw new ActionError({ code: 'NOT_FOUND', message: 'There is no such page.' });
  return { services, address };
}

function settled(outcome: ModerationOutcome): { ok: true } {
  if (!outcome.ok) throw new ActionError({ code: CODES[outcome.status] ?? 'BAD_REQUEST', message: outcome.message });
  return { ok: true };
}

const commentAction = (action: 'hide' | 'unhide' | 'dismiss') =>
  defineAction({
    accept: 'form',
    input: commentActionFormSchema,
    handler: async ({ commentId }, context) => {
      const { services, address } = await moderator(context.locals.address);
      return settled(await moderateComment(services.db, address, commentId, action, Date.now()));
    },
  });

/** The signed-in wallet behind an Account form, or UNAUTHORIZED. */
function owner(address: string | null, session: { id: string } | null): { address: string; sessionId: string } {
  if (!address || !session)
    throw new ActionError({ code: 'UNAUTHORIZED', message: 'Sign in with your wallet to manage your account.' });
  return { address, sessionId: session.id };
}

export const server = {
  account: {
    /** Withdraw a ballot from the Account page: same rules as DELETE /api/account/ballots/<pollId>. */
    withdraw: defineAction({
      accept: 'form',
      input: withdrawFormSchema,
      handler: async ({ pollId }, context) => {
        const { address } = owner(context.locals.address, context.locals.session);
        const outcome = await withdrawWalletBallot(await getServices(), {
          pollId,
          address,
          clientKey: context.locals.clientAddress,
          now: Date.now(),
        });
        if (!outcome.ok) throw voteRefusal(outcome, context.currentLocale);
        return { pollId };
      },
    }),
    /** Sign out one of the wallet's other sessions (another browser or device). */
    endSession: defineAction({
      accept: 'form',
      input: endSessionFormSchema,
      handler: async ({ sessionId }, context) => {
        const { address } = owner(context.locals.address, context.locals.session);
        await endSession((await getServices()).db, address, sessionId);
        return { ended: 1 };
      },
    }),
    /** Sign out everywhere but here. */
    endOtherSessions: defineAction({
      accept: 'form',
      handler: async (_input, context) => {
        const { address, sessionId } = owner(context.locals.address, context.locals.session);
        return { ended: await endOtherSessions((await getServices()).db, address, sessionId) };
      },
    }),
  },
  comments: {
    /** The report form without JavaScript: same rules as POST /api/posts/<slug>/comments/<id>/report. */
    report: defineAction({
      accept: 'form',
      input: reportFormSchema,
      handler: async ({ slug, commentId, reason, note }, context) => {
        if (!context.locals.address)
          throw new ActionError({ code: 'UNAUTHORIZED', message: 'Sign in with your wallet to report a comment.' });
        const services = await getServices();
        const outcome = await reportComment(services.db, reportLimitsOf(services), {
          postSlug: slug,
          commentId,
          address: context.locals.address,
          client: context.locals.clientAddress,
          reason,
          note: note || null,
          now: Date.now(),
        });
        if (!outcome.ok)
          throw new ActionError({ code: CODES[outcome.status] ?? 'BAD_REQUEST', message: outcome.message });
        return { commentId };
      },
    }),
  },
  moderation: {
    hide: commentAction('hide'),
    unhide: commentAction('unhide'),
    dismiss: commentAction('dismiss'),
    block: defineAction({
      accept: 'form',
      input: blockFormSchema,
      handler: async ({ address: target, reason, endsOn }, context) => {
        const { services, address } = await moderator(context.locals.address);
        return settled(
          await blockAddress(services.db, address, { address: target, reason, endsAt: endsOn, now: Date.now() }),
        );
      },
    }),
    unblock: defineAction({
      accept: 'form',
      input: unblockFormSchema,
      handler: async ({ address: target }, context) => {
        const { services, address } = await moderator(context.locals.address);
        return settled(await unblockAddress(services.db, address, { address: target, now: Date.now() }));
      },
    }),
  },
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
        if (!outcome.ok) throw voteRefusal(outcome, context.currentLocale);
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
        if (!outcome.ok) throw voteRefusal(outcome, context.currentLocale);
        return { pollId };
      },
    }),
  },
};
