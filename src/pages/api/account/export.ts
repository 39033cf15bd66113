import type { APIRoute } from 'astro';
import { json, problem } from '../../../lib/platform/http/results';
import { accountTokens, readAccount } from '../../../lib/account/account.server';
import { getDb } from '../../../app/app.server';

export const prerender = false;

/** The owner's own data only: never stored by a shared cache, nor by the browser. */
const PRIVATE = { 'cache-control': 'private, no-store', vary: 'Cookie' };

/** Everything the site keeps about the signed-in wallet, as a JSON download. */
export const GET: APIRoute = async ({ locals }) => {
  if (!locals.address || !locals.session)
    return problem(401, 'unauthorized', 'Sign in with your wallet to download its data.', {}, PRIVATE);
  const now = Date.now();
  const data = await readAccount(await getDb(), locals.address, await accountTokens(), locals.session.id, now);
  return json({ exportedAt: new Date(now).toISOString(), ...data }, 200, {
    ...PRIVATE,
    'content-disposition': `attachment; filename="sentiment-desk-${locals.address}.json"`,
  });
};
