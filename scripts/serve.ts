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
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { ApiResult } from '../src/lib/http.ts';
import { readLimited } from '../src/lib/http.ts';
import { syncPollDefinitions } from '../src/lib/polls/repo.ts';
import { MAX_VOTE_BODY_BYTES } from '../src/lib/polls/schemas.ts';
import { ConfigError, readServerConfig } from '../src/lib/server/config.ts';
import { migrateDatabase, openDatabase } from '../src/lib/server/db.ts';
import { getPollResults, postVote, type ReaderContext } from '../src/lib/server/poll-api.ts';
import { loadPollDefinitions } from '../src/lib/server/poll-definitions.ts';
import { createServices, provideServices, type Services } from '../src/lib/server/services.ts';
import { loadStaticFiles, serveStatic } from '../src/lib/server/static-files.ts';
import { voterIdFromCookieHeader } from '../src/lib/server/voter.ts';

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
  const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  await migrateDatabase(db);
  await syncPollDefinitions(db, loadPollDefinitions(POLLS_DIR));
  return createServices(db, { voteRateLimit: config.voteRateLimit });
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
  handler: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => Promise<void>;
};

const staticFiles = loadStaticFiles(CLIENT_DIR);
const notFound = staticFiles.get('/404.html');

function send(res: ServerResponse, result: ApiResult): void {
  res.writeHead(result.status, result.headers);
  res.end(result.body);
}

function readerOf(req: IncomingMessage): ReaderContext {
  return {
    voterId: voterIdFromCookieHeader(req.headers.cookie),
    clientAddress: req.socket.remoteAddress ?? 'unknown',
    secure: Boolean((req.socket as TLSSocket).encrypted),
    now: Date.now(),
  };
}

const POLL_API = /^\/api\/polls\/([a-z0-9-]{1,100})(\/votes)?\/?$/;

/** The hot poll endpoints; returns false for anything else. */
function servePollApi(req: IncomingMessage, res: ServerResponse): boolean {
  const match = POLL_API.exec((req.url ?? '').split('?', 1)[0] ?? '');
  if (!match) return false;
  const [, pollId = '', votes] = match;
  if (!votes && req.method === 'GET') {
    void getPollResults(services, pollId, readerOf(req)).then(
      (r) => send(res, r),
      (e) => crash(res, e),
    );
    return true;
  }
  if (votes && req.method === 'POST') {
    void readLimited(req, req.headers['content-length'] ?? null, MAX_VOTE_BODY_BYTES)
      .then((body) => postVote(services, pollId, req.headers['content-type'] ?? null, body, readerOf(req)))
      .then(
        (r) => send(res, r),
        (e) => crash(res, e),
      );
    return true;
  }
  return false;
}

function crash(res: ServerResponse, error: unknown): void {
  console.error('sentiment-desk: unhandled request error', error);
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  res.end('{"error":"internal","message":"Something went wrong on our side."}');
}

const server = createServer((req, res) => {
  if (serveStatic(staticFiles, req, res) || servePollApi(req, res)) return;
  void handler(req, res, (error) => {
    if (error) return crash(res, error);
    // Astro found no route.
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(notFound?.identity ?? 'Not found');
  });
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

function shutdown(signal: string): void {
  console.log(`sentiment-desk: ${signal}, closing`);
  services.hub.closeAll(3000);
  server.close(() => {
    services.db.$client.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
