/**
 * Starts the built site: validates configuration, creates and migrates the
 * database, syncs poll definitions, then serves. `npm start`, the tests and
 * the benchmarks all start the server this way.
 *
 * Requests are answered in three tiers: prerendered files from memory
 * (compressed ahead of time); the two hot poll endpoints straight from their
 * handlers (src/lib/server/poll-api.ts, the same functions the Astro endpoint
 * files call), skipping Astro's page pipeline; everything else by Astro.
 */
import { existsSync } from 'node:fs';
import { Server as NetServer } from 'node:net';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { ApiResult } from '../src/lib/http.ts';
import { cookieValue, crossSiteProblem, isCrossSiteWrite, readLimited, unavailableResult } from '../src/lib/http.ts';
import { validateSessionToken } from '../src/lib/auth/repo.server.ts';
import { SESSION_COOKIE } from '../src/lib/auth/session.ts';
import { syncPollDefinitions } from '../src/lib/polls/repo.server.ts';
import { MAX_VOTE_BODY_BYTES } from '../src/lib/polls/schemas.ts';
import { ConfigError, readServerConfig } from '../src/lib/server/config.ts';
import {
  databaseErrorReason,
  isDatabaseUnavailable,
  migrateDatabase,
  openDatabase,
  type Database,
} from '../src/lib/server/db.server.ts';
import { getPollResults, postVote, type ReaderContext } from '../src/lib/polls/api.server.ts';
import { loadPollDefinitions } from '../src/lib/polls/definitions.server.ts';
import { createServices, provideServices, siteOrigin, type Services } from '../src/lib/server/services.server.ts';
import { sessionCookieHeader } from '../src/lib/auth/session-cookie.ts';
import { clientOrigin, type ClientOrigin } from '../src/lib/server/forwarded.ts';
import { loadStaticFiles, serveStatic } from '../src/lib/server/static-files.server.ts';
import { voterIdFromCookieHeader } from '../src/lib/polls/voter.ts';

const netServerClose = NetServer.prototype.close;
const ENTRY = fileURLToPath(new URL('../dist/server/entry.mjs', import.meta.url));
const CLIENT_DIR = fileURLToPath(new URL('../dist/client/', import.meta.url));
/** Where poll definitions are read from; tests and benchmarks point it at their own. */
const POLLS_DIR = process.env.POLLS_DIR || fileURLToPath(new URL('../src/content/polls/', import.meta.url));

function fail(message: string): never {
  console.error(`sentiment-desk: ${message}`);
  process.exit(1);
}

async function prepare(): Promise<Services> {
  const config = readServerConfig(process.env);
  let db: Database;
  try {
    db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
    await migrateDatabase(db);
  } catch (error) {
    // Never the token, and never credentials in the URL.
    const where = config.databaseUrl.replace(/\/\/[^@/]*@/, '//');
    throw new Error(`cannot open the database at ${where}: ${databaseErrorReason(error)}`, { cause: error });
  }
  await syncPollDefinitions(db, loadPollDefinitions(POLLS_DIR));
  return createServices(db, config);
}

let services: Services;
try {
  services = await prepare();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `start-up failed: ${(error as Error).message}`);
}
provideServices(services);

if (!existsSync(ENTRY)) fail('dist/ is missing: run `npm run build` first (npm start does it for you).');

// The adapter is built in middleware mode: we own the server, so start-up
// checks run first, static files come from memory and shutdown can drain.
const { handler } = (await import(ENTRY)) as {
  handler: (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
    locals: { clientAddress: string; secure: boolean },
  ) => Promise<void>;
};

const staticFiles = loadStaticFiles(CLIENT_DIR);
const notFound = staticFiles.get('/404.html');

function send(res: ServerResponse, result: ApiResult): void {
  res.writeHead(result.status, result.headers);
  res.end(result.body);
}

/**
 * What Astro's middleware would put in locals, for the fast path: voter
 * cookie and signed-in wallet. A session that this request refreshed gets
 * its cookie sent again, as the middleware does.
 */
async function readerOf(
  req: IncomingMessage,
  client: ClientOrigin,
): Promise<{ reader: ReaderContext; setCookie: string | null }> {
  const now = Date.now();
  const secure = client.secure;
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  const validated = token ? await validateSessionToken(services.db, token, now) : null;
  return {
    reader: {
      voterId: voterIdFromCookieHeader(req.headers.cookie),
      address: validated?.session.address ?? null,
      clientAddress: client.address,
      secure,
      now,
    },
    setCookie: token && validated?.refreshed ? sessionCookieHeader(token, validated.session, secure) : null,
  };
}

/** The client behind any trusted proxy (TRUSTED_PROXIES); a forged X-Forwarded-For from anyone else is ignored. */
function clientOf(req: IncomingMessage): ClientOrigin {
  return clientOrigin(
    {
      socketAddress: req.socket.remoteAddress,
      encrypted: Boolean((req.socket as TLSSocket).encrypted),
      forwardedFor: req.headers['x-forwarded-for'],
      forwardedProto: req.headers['x-forwarded-proto'],
    },
    services.config.trustedProxies,
  );
}

function withCookie(result: ApiResult, setCookie: string | null): ApiResult {
  if (!setCookie) return result;
  const existing = result.headers['set-cookie'];
  const cookies = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...result, headers: { ...result.headers, 'set-cookie': [...cookies, setCookie] } };
}

const POLL_API = /^\/api\/polls\/([a-z0-9-]{1,100})(\/votes)?\/?$/;

/** The hot poll endpoints; returns false for anything else. */
function servePollApi(req: IncomingMessage, res: ServerResponse): boolean {
  const match = POLL_API.exec((req.url ?? '').split('?', 1)[0] ?? '');
  if (!match) return false;
  const [, pollId = '', votes] = match;
  const headers = req.headers;
  if (!votes && req.method === 'GET') {
    void readerOf(req, clientOf(req))
      .then(async ({ reader, setCookie }) => withCookie(await getPollResults(services, pollId, reader), setCookie))
      .then(
        (r) => send(res, r),
        (e) => crash(res, e),
      );
    return true;
  }
  if (votes && req.method === 'POST') {
    // The same refusal Astro's middleware gives cross-site writes.
    const client = clientOf(req);
    const origin = siteOrigin(services.config, headers.host ?? 'localhost', client.secure);
    const fetchSite = typeof headers['sec-fetch-site'] === 'string' ? headers['sec-fetch-site'] : null;
    if (isCrossSiteWrite('POST', headers.origin ?? null, fetchSite, origin)) {
      req.resume();
      send(res, crossSiteProblem());
      return true;
    }
    void Promise.all([readLimited(req, headers['content-length'] ?? null, MAX_VOTE_BODY_BYTES), readerOf(req, client)])
      .then(async ([body, { reader, setCookie }]) =>
        withCookie(await postVote(services, pollId, headers['content-type'] ?? null, body, reader), setCookie),
      )
      .then(
        (r) => send(res, r),
        (e) => crash(res, e),
      );
    return true;
  }
  return false;
}

function crash(res: ServerResponse, error: unknown): void {
  if (isDatabaseUnavailable(error)) {
    if (!res.headersSent) return send(res, unavailableResult());
    return void res.end();
  }
  console.error('sentiment-desk: unhandled request error', error);
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  res.end('{"error":"internal","message":"Something went wrong on our side."}');
}

let stopping = false;
/** Responses under way, so a drain can end their connections with them. */
const unfinished = new Set<ServerResponse>();

const server = createServer((req, res) => {
  // While draining, each connection ends with its current response.
  if (stopping) res.setHeader('connection', 'close');
  // A static file is answered before this returns; only slower answers need tracking.
  if (serveStatic(staticFiles, req, res)) return;
  if (!stopping) {
    unfinished.add(res);
    res.once('close', () => unfinished.delete(res));
  }
  if (servePollApi(req, res)) return;
  // Astro's middleware takes the client from locals (src/middleware.ts).
  const client = clientOf(req);
  void handler(
    req,
    res,
    (error) => {
      if (error) return crash(res, error);
      // Astro found no route.
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(notFound?.identity ?? 'Not found');
    },
    { clientAddress: client.address, secure: client.secure },
  );
});
server.keepAliveTimeout = 65_000;

const host = process.env.HOST || 'localhost';
const port = Number(process.env.PORT || 4321);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT=${process.env.PORT} is not a port number`);
server.on('error', (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`sentiment-desk listening on http://${host}:${actual}/`);
});

/**
 * How long a draining instance keeps serving its idle keep-alive connections
 * (with `Connection: close` on every response) before closing them. A proxy
 * may pick an idle connection at the moment we close it, and a POST lost that
 * way is not retried; deploy/nginx.conf drops idle upstream connections after
 * 2 s, so by the end of the grace nginx has closed its own.
 */
const DRAIN_IDLE_GRACE_MS = 3000;

/**
 * Drains: stop accepting, end live streams with a reconnect hint (readers
 * move to another instance), let in-flight requests finish, close the
 * database, exit. Past 10 seconds it gives up waiting and exits with 1.
 */
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`sentiment-desk: ${signal}, draining`);
  services.hub.closeAll(3000);
  for (const res of unfinished) if (!res.headersSent) res.setHeader('connection', 'close');
  // net.Server's close stops accepting but, unlike http.Server's, leaves idle keep-alive connections alone.
  netServerClose.call(server, () => {
    services.db.$client.close();
    console.log('sentiment-desk: drained, exiting');
    process.exit(0);
  });
  setTimeout(() => {
    // Keep-alive connections become idle as their last response ends; close each as it does.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
  }, DRAIN_IDLE_GRACE_MS).unref();
  setTimeout(() => {
    console.error('sentiment-desk: requests still open after 10 s, exiting anyway');
    process.exit(1);
  }, 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
