import { validateSessionToken, type Session } from '../lib/auth/repo.server.ts';
import { SESSION_COOKIE } from '../lib/auth/session.ts';
import { changesState, cookieValue, isCrossSiteWrite } from '../lib/platform/http/results.ts';
import { voterIdFromCookieHeader } from '../lib/polls/voter.ts';
import { clientOrigin } from '../lib/platform/http/forwarded.ts';
import type { Services } from './services.server.ts';
import type { RequestFacts } from '../lib/platform/http/request-facts.ts';

export type { RequestFacts, SocketFacts } from '../lib/platform/http/request-facts.ts';

/**
 * Who is asking, worked out once per request by one function for every
 * path: Astro's middleware (src/middleware.ts) and the Node server's fast
 * path (scripts/serve.ts) both call readRequestContext, so a rule about
 * clients, cookies, sessions or cross-site writes is stated here only.
 */

export interface RequestContext {
  /** The client's IP address, behind a trusted proxy the one it forwarded. */
  clientAddress: string;
  /** The reader came over HTTPS, directly or through a trusted proxy: cookies get Secure. */
  secure: boolean;
  /**
   * The site's origin as this request addressed it, for sign-in and every absolute URL: SITE_URL's; in local
   * mode the loopback name its Host used, or http://localhost:<port> when it used none of them.
   */
  origin: string;
  /**
   * A state-changing request whose Host is not the site's: refused (421) before anything else, cross-site
   * check included. A phishing page's sign-in posted with its own name as Host ends here.
   */
  wrongHost: boolean;
  /** A state-changing request sent by another site: refused before anything else happens but wrongHost. */
  crossSite: boolean;
  /** The anonymous voter id from the `voter` cookie, or null. */
  voterId: string | null;
  session: Session | null;
  /** The signed-in wallet (EIP-55), or null. */
  address: string | null;
  /**
   * What the response must do to the session cookie: send it again because
   * this request extended the session, delete it because it names no valid
   * session, or nothing.
   */
  sessionCookie: { token: string; session: Session } | 'delete' | null;
}

/**
 * The reader context of one request. A write to a wrong Host or from
 * another site is decided before the database is asked anything, so it is
 * refused even while the database is down; database errors otherwise
 * propagate (callers answer 503).
 */
export async function readRequestContext(
  services: Services,
  request: RequestFacts,
  now: number,
): Promise<RequestContext> {
  const client =
    request.client ??
    clientOrigin(
      {
        socketAddress: request.socketAddress,
        encrypted: request.encrypted,
        forwardedFor: request.header('x-forwarded-for') ?? undefined,
        forwardedProto: request.header('x-forwarded-proto') ?? undefined,
      },
      services.config.trustedProxies,
    );
  const named = services.site.originFor(request.host);
  const origin = named ?? services.site.origin;
  // Behind nginx this is the client's own Host too (deploy/nginx.conf passes $http_host): one rule either way.
  const wrongHost = named === null && changesState(request.method);
  const crossSite = isCrossSiteWrite(
    request.method,
    request.header('origin'),
    request.header('sec-fetch-site'),
    origin,
  );
  const cookies = request.header('cookie');
  const context: RequestContext = {
    clientAddress: client.address,
    secure: client.secure,
    origin,
    wrongHost,
    crossSite,
    voterId: voterIdFromCookieHeader(cookies),
    session: null,
    address: null,
    sessionCookie: null,
  };
  const token = cookieValue(cookies, SESSION_COOKIE);
  if (wrongHost || crossSite || !token) return context;
  const validated = await validateSessionToken(services.db, token, now);
  if (!validated) return { ...context, sessionCookie: 'delete' };
  const { session, refreshed } = validated;
  return { ...context, session, address: session.address, sessionCookie: refreshed ? { token, session } : null };
}
