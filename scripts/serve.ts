/**
 * Starts the built site: validates configuration, creates and migrates the
 * database, then serves dist/ with the Astro request handler. `npm start` and
 * the integration tests both start the server this way.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, readServerConfig } from '../src/lib/server/config.ts';
import { migrateDatabase, openDatabase } from '../src/lib/server/db.ts';
import { loadPollDefinitions } from '../src/lib/server/poll-definitions.ts';
import { loadStaticFiles, serveStatic } from '../src/lib/server/static-files.ts';
import { syncPollDefinitions } from '../src/lib/polls/repo.ts';

const ENTRY = fileURLToPath(new URL('../dist/server/entry.mjs', import.meta.url));
const CLIENT_DIR = fileURLToPath(new URL('../dist/client/', import.meta.url));
const POLLS_DIR = process.env.POLLS_DIR || fileURLToPath(new URL('../src/content/polls/', import.meta.url));

function fail(message: string): never {
  console.error(`sentiment-desk: ${message}`);
  process.exit(1);
}

async function prepare(): Promise<void> {
  const config = readServerConfig(process.env);
  const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  try {
    await migrateDatabase(db);
    await syncPollDefinitions(db, loadPollDefinitions(POLLS_DIR));
  } finally {
    db.$client.close();
  }
}

try {
  await prepare();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `start-up failed: ${(error as Error).message}`);
}

if (!existsSync(ENTRY)) fail('dist/ is missing: run `npm run build` first (npm start does it for you).');

// The adapter would otherwise listen as soon as it is imported; we own the
// server so start-up checks run first and shutdown can drain.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { handler } = (await import(ENTRY)) as {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
};

const host = process.env.HOST || 'localhost';
const port = Number(process.env.PORT || 4321);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT=${process.env.PORT} is not a port number`);

const staticFiles = loadStaticFiles(CLIENT_DIR);
const server = createServer((req, res) => {
  if (!serveStatic(staticFiles, req, res)) handler(req, res);
});
server.keepAliveTimeout = 65_000;
server.on('error', (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`sentiment-desk listening on http://${host}:${actual}/`);
});

function shutdown(signal: string): void {
  console.log(`sentiment-desk: ${signal}, closing`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
