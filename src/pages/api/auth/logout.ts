import type { APIRoute } from 'astro';
import { json } from '../../../lib/platform/http/results';
import { invalidateSession } from '../../../lib/auth/repo.server';
import { getDb } from '../../../app/app.server';
import { deleteSessionCookie } from '../../../lib/auth/session-cookie';

export const prerender = false;

/** Ends the session on the server (the token stops working everywhere) and clears the cookie. */
export const POST: APIRoute = async ({ locals, cookies }) => {
  if (locals.session) await invalidateSession(await getDb(), locals.session.id);
  deleteSessionCookie(cookies, locals.secure);
  return json({ ok: true });
};
