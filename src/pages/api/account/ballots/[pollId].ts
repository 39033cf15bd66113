import type { APIRoute } from 'astro';
import { json, problem } from '../../../../lib/platform/http/results';
import { withdrawWalletBallot } from '../../../../lib/account/account.server';
import { getServices } from '../../../../app/app.server';

export const prerender = false;

const PRIVATE = { 'cache-control': 'private, no-store' };

/**
 * Withdraws the signed-in wallet's ballot in this poll, while the poll is open
 * and allows changes (409 with the reason otherwise); the reader may vote again.
 */
export const DELETE: APIRoute = async ({ locals, params }) => {
  if (!locals.address) return problem(401, 'unauthorized', 'Sign in with your wallet to withdraw its ballot.');
  const outcome = await withdrawWalletBallot(await getServices(), {
    pollId: params.pollId ?? '',
    address: locals.address,
    clientKey: locals.clientAddress,
    now: Date.now(),
  });
  if (!outcome.ok) {
    const retry = outcome.retryAfterSeconds;
    return problem(outcome.status, outcome.error, outcome.message, {}, retry ? { 'retry-after': String(retry) } : {});
  }
  return json({ withdrawn: true, pollId: params.pollId, totalVotes: outcome.counts.totalVotes }, 200, PRIVATE);
};
