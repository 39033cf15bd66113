import { defineMiddleware } from 'astro:middleware';
import { formOnlyProblem, isActionWithoutForm, toResponse, unavailableResult } from './lib/platform/http/results';
import { deleteSessionCookie, setSessionCookie } from './lib/auth/session-cookie';
import { contextRefusal, hasReaderState } from './app/application.server';
import { getServices } from './app/app.server';
import { isDatabaseUnavailable } from './lib/platform/db/db.server';
import { readRequestContext, type SocketFacts } from './app/request-context.server';
import { withPagePolicy } from './lib/platform/http/security-headers';
import { withPageValidators } from './lib/platform/http/etag';

/**
 * Fills Astro.locals from the one request context (readRequestContext, which
 * the Node server's fast path calls too) and refuses what it marks as sent
 * to a wrong Host or from another site. Each page or endpoint decides for
 * itself what a missing session means.
 */
export const onRequest = defineMiddleware(async (context, next) => {
  const { locals, request, cookies } = context;
  locals.voterId = null;
  locals.session = null;
  locals.address = null;
  locals.clientAddress = '';
  locals.secure = context.url.protocol === 'https:';
  // Prerendered pages carry the build's origin (astro.config.mjs `site`); the server's replaces it below.
  locals.origin = context.site?.origin ?? '';
  // Prerendered pages are built once for everyone: there is no reader to identify.
  if (context.isPrerendered) return next();

  // scripts/serve.ts hands over the socket it was asked on; under `astro dev`
  // there is no serve.ts, and Astro's own client address is all there is.
  const socket = (locals as { socket?: SocketFacts }).socket ?? {
    address: context.clientAddress,
    encrypted: context.url.protocol === 'https:',
  };
  const services = await getServices();
  try {
    const reader = await readRequestContext(
      services,
      {
        method: request.method,
        host: request.headers.get('host'),
        socketAddress: socket.address,
        encrypted: socket.encrypted,
        header: (name) => request.headers.get(name),
      },
      Date.now(),
    );
    locals.clientAddress = reader.clientAddress;
    locals.secure = reader.secure;
    locals.origin = reader.origin;
    const refusal = contextRefusal(reader);
    if (refusal) return toResponse(refusal);
    // Our actions take forms only; Astro would parse a JSON body for them first and answer a broken one with a 500.
    if (isActionWithoutForm(request, context.url)) return toResponse(formOnlyProblem());
    locals.voterId = reader.voterId;
    locals.session = reader.session;
    locals.address = reader.address;
    if (reader.sessionCookie === 'delete') deleteSessionCookie(cookies, reader.secure);
    else if (reader.sessionCookie)
      setSessionCookie(cookies, reader.sessionCookie.token, reader.sessionCookie.session, reader.secure);
    const page = withPagePolicy(await next(), context.url.pathname, services.config.embedAncestors);
    return await withPageValidators(page, request, hasReaderState(reader));
  } catch (error) {
    // A database outage is not a bug: answer 503 and keep serving what needs no database.
    if (!isDatabaseUnavailable(error)) throw error;
    return toResponse(unavailableResult());
  }
});
