import type { APIContext } from 'astro';
import { defineMiddleware } from 'astro:middleware';
import { crossSiteProblem, isCrossSiteWrite, toResponse, unavailableResult } from './lib/http';
import { validateSessionToken } from './lib/auth/repo.server';
import { SESSION_COOKIE } from './lib/auth/session';
import { getServices } from './lib/server/app.server';
import { isDatabaseUnavailable, type Database } from './lib/server/db.server';
import { siteOrigin } from './lib/server/services.server';
import { deleteSessionCookie, setSessionCookie } from './lib/auth/session-cookie';
import { readVoterId } from './lib/polls/voter';

/**
 * Fills Astro.locals (voter, session, address) from the request, and refuses
 * state-changing requests from other sites. Each page or endpoint decides
 * for itself what a missing session means.
 */
export const onRequest = defineMiddleware(async (context, next) => {
  const { locals, request } = context;
  locals.voterId = null;
  locals.session = null;
  locals.address = null;
  // scripts/serve.ts hands over the client it worked out behind any trusted
  // proxy; under `astro dev` there is no serve.ts, and the socket is all there is.
  const preset = locals as Partial<Pick<App.Locals, 'clientAddress' | 'secure'>>;
  const fromServer = typeof preset.clientAddress === 'string';
  if (!fromServer) {
    locals.clientAddress = '';
    locals.secure = context.url.protocol === 'https:';
  }
  // Prerendered pages are built once for everyone: there is no reader to identify.
  if (context.isPrerendered) return next();
  if (!fromServer) locals.clientAddress = context.clientAddress;

  const services = await getServices();
  const origin = siteOrigin(services.config, context.url.host, locals.secure);
  if (isCrossSiteWrite(request.method, request.headers.get('origin'), request.headers.get('sec-fetch-site'), origin)) {
    return toResponse(crossSiteProblem());
  }
  try {
    await fillLocals(context, services.db);
    return await next();
  } catch (error) {
    // A database outage is not a bug: answer 503 and keep serving what needs no database.
    if (!isDatabaseUnavailable(error)) throw error;
    return toResponse(unavailableResult());
  }
});

async function fillLocals(context: APIContext, db: Database): Promise<void> {
  const { locals, cookies } = context;
  locals.voterId = readVoterId(cookies);
  const token = cookies.get(SESSION_COOKIE)?.value ?? null;
  if (!token) return;
  const secure = locals.secure;
  const validated = await validateSessionToken(db, token, Date.now());
  if (!validated) return deleteSessionCookie(cookies, secure);
  locals.session = validated.session;
  locals.address = validated.session.address;
  if (validated.refreshed) setSessionCookie(cookies, token, validated.session, secure);
}
