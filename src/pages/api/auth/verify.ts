import type { APIRoute } from 'astro';
import { json, parseJson, problem, toResponse } from '../../../lib/platform/http/results';
import { readLimitedBody } from '../../../lib/platform/http/limited-body.server';
import { createSession } from '../../../lib/auth/repo.server';
import { verifyInputSchema } from '../../../lib/auth/schemas';
import { MAX_MESSAGE_BYTES } from '../../../lib/auth/siwe';
import { getServices } from '../../../app/app.server';
import { setSessionCookie } from '../../../lib/auth/session-cookie';
import { verifySiwe } from '../../../lib/auth/siwe.server';
import { refuseOverLimit } from '../../../lib/rate-limit/limiter';

export const prerender = false;

// The signature and JSON framing ride along with the message, hence the allowance.
const MAX_BODY_BYTES = MAX_MESSAGE_BYTES + 1024;

export const POST: APIRoute = async ({ request, cookies, locals }) => {
  const services = await getServices();
  const now = new Date();
  // Counted before the body is even read: every attempt costs this client the same, whatever it sent.
  const limited = await refuseOverLimit(
    services.verifyLimiter,
    locals.clientAddress,
    now.getTime(),
    'Too many sign-in attempts from your network in the last minute; try again shortly.',
  );
  if (limited) return toResponse(limited);
  const text = await readLimitedBody(request, MAX_BODY_BYTES);
  const body = parseJson(request.headers.get('content-type'), text, verifyInputSchema, MAX_BODY_BYTES);
  if (!body.ok) return toResponse(body.result);
  if (new TextEncoder().encode(body.data.message).length > MAX_MESSAGE_BYTES) {
    return problem(413, 'too_large', `The message is larger than ${MAX_MESSAGE_BYTES} bytes.`);
  }
  const outcome = await verifySiwe(
    {
      db: services.db,
      // The site's origin as the middleware checked this request's Host against it: a message must name it.
      origin: locals.origin,
      chainIds: services.config.siweChainIds,
      rpcUrls: services.config.rpcUrls,
      now,
    },
    body.data.message,
    body.data.signature,
  );
  // The reason apart too, so a page in another language can frame it in its own words.
  if (!outcome.ok)
    return problem(401, 'siwe_invalid', `Sign-in refused: ${outcome.reason}.`, { reason: outcome.reason });
  // A new session on every sign-in, so a token planted before sign-in is worthless after it.
  const { token, session } = await createSession(services.db, outcome.address, now.getTime());
  setSessionCookie(cookies, token, session, locals.secure);
  return json({ address: outcome.address });
};
