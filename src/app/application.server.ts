import { deletedSessionCookieHeader, sessionCookieHeader } from '../lib/auth/session-cookie.ts';
import { POLL_FAST_ROUTES } from '../lib/polls/http/api.server.ts';
import type { Application, FastRoute, PageRoute } from '../lib/platform/http/http-server.server.ts';
import { POLL_PAGE_ROUTES } from '../lib/polls/http/page-version.server.ts';
import { TOKEN_PAGE_ROUTES } from '../lib/chain/page-version.server.ts';
import { crossSiteProblem, wrongHostProblem, type ApiResult, type StreamResult } from '../lib/platform/http/results.ts';
import { readRequestContext, type RequestContext } from './request-context.server.ts';
import type { Services } from './services.server.ts';

/**
 * The application as the Node server sees it: its services, its one request context, and the fast routes.
 * The middleware (src/middleware.ts) reads the same context and refuses with the same contextRefusal, so a
 * rule about who may ask holds on both paths.
 */
export function siteApplication(services: Services): Application<Services, RequestContext> {
  return {
    services,
    site: services.site,
    trustedProxies: services.config.trustedProxies,
    maxConnections: services.connections.maxConnections,
    readContext: (facts, now) => readRequestContext(services, facts, now),
    refusal: contextRefusal,
    finish: withSessionCookie,
    hasReaderState,
  };
}

/** A reader with a voter or session cookie (or one being set or deleted): their pages are private. */
export function hasReaderState(reader: RequestContext): boolean {
  return reader.voterId !== null || reader.session !== null || reader.sessionCookie !== null;
}

/**
 * The hot endpoints the Node server answers without Astro's page pipeline. Each calls the same handler as
 * the file route it speeds up (src/pages/api/polls/[id]/…), which serves the path under `astro dev`.
 */
export const FAST_ROUTES: readonly FastRoute<Services, RequestContext>[] = POLL_FAST_ROUTES;

/**
 * The pages rendered on demand that the Node server sends from memory while their version holds (see
 * PageRoute); Astro renders each once per version, and alone under `astro dev`.
 */
export const PAGE_ROUTES: readonly PageRoute<Services, RequestContext>[] = [...POLL_PAGE_ROUTES, ...TOKEN_PAGE_ROUTES];

/** A write to another Host (421), then a write from another site (403), refused before any route runs. */
export function contextRefusal(reader: RequestContext): ApiResult | null {
  if (reader.wrongHost) return wrongHostProblem(reader.origin);
  if (reader.crossSite) return crossSiteProblem();
  return null;
}

/** The session cookie as the request context says it must be sent (refreshed or deleted), as Astro would. */
function withSessionCookie<R extends ApiResult | StreamResult>(result: R, reader: RequestContext): R {
  const { sessionCookie, secure } = reader;
  if (!sessionCookie) return result;
  const cookie =
    sessionCookie === 'delete'
      ? deletedSessionCookieHeader(secure)
      : sessionCookieHeader(sessionCookie.token, sessionCookie.session, secure);
  const existing = result.headers['set-cookie'];
  const cookies = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...result, headers: { ...result.headers, 'set-cookie': [...cookies, cookie] } };
}
