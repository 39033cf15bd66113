/**
 * Starts the built site: `npm start`, the tests and the benchmarks all start
 * the server this way. Each step is a call into the composition root (src/app/) or the platform
 * (src/lib/platform/):
 *
 * 1. start-up: configuration (matching the build), database (opened and migrated), the demo, poll definitions synced;
 * 2. the server's tiers: static files from memory, the features' fast routes, then Astro;
 * 3. the drain on SIGTERM or SIGINT.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSnapshotScheduler } from '../src/lib/chain/scheduler.server.ts';
import { FAST_ROUTES, PAGE_ROUTES, siteApplication } from '../src/app/application.server.ts';
import { readBuildInfo } from '../src/lib/platform/runtime/build-info.server.ts';
import { Drain } from '../src/lib/platform/runtime/drain.server.ts';
import { createSiteServer, type AstroHandler } from '../src/lib/platform/http/http-server.server.ts';
import { startIdleCollector } from '../src/lib/platform/runtime/idle-memory.server.ts';
import { provideServices, type Services } from '../src/app/services.server.ts';
import { listen, listenAddress, startServices } from '../src/app/startup.server.ts';
import { loadStaticFiles } from '../src/lib/platform/http/static-files.server.ts';
import { guardConsoleLines } from '../src/lib/platform/runtime/log-guard.server.ts';
import { readRouteTable } from '../src/lib/platform/http/route-table.server.ts';
import { localeOfPath, localizePath } from '../src/lib/i18n/locales.ts';
import { answerHelp } from './usage.ts';

answerHelp(
  'usage: npm run serve (the built site in dist/; configuration from the environment, see the README’s Configuration)',
);

const DIST = new URL('../dist/', import.meta.url);
const ENTRY = fileURLToPath(new URL('server/entry.mjs', DIST));
const CLIENT_DIR = fileURLToPath(new URL('client/', DIST));
/** The vote writer thread (scripts/vote-writer.ts, bundled beside this file). */
const VOTE_WRITER = fileURLToPath(new URL('vote-writer.mjs', DIST));
/** The process poll cards are drawn in (scripts/card-drawer.ts, bundled beside this file). */
const CARD_DRAWER = fileURLToPath(new URL('card-drawer.mjs', DIST));
/** Where poll definitions are read from; tests and benchmarks point it at their own. */
const POLLS_DIR = process.env.POLLS_DIR || fileURLToPath(new URL('../src/content/polls/', import.meta.url));
/**
 * The simulated demo's fixture, written by `npm run demo:chain`: tests point it at one they wrote, and `none`
 * loads none (leaving whatever demo data the database holds, as demo:chain and tests with their own need).
 */
const DEMO_FIXTURE =
  process.env.DEMO_FIXTURE === 'none'
    ? null
    : process.env.DEMO_FIXTURE || fileURLToPath(new URL('../db/demo/opgsim.json', import.meta.url));

// One event, one line: what a request carries cannot forge a log line (log.ts).
guardConsoleLines();

function fail(message: string): never {
  console.error(`sentiment-desk: ${message}`);
  process.exit(1);
}

// 1. Start-up: nothing is served until configuration and database are right.
let services: Services;
let address: { host: string; port: number };
try {
  services = await startServices(process.env, {
    pollsDir: POLLS_DIR,
    demoFixture: DEMO_FIXTURE,
    build: readBuildInfo(DIST),
    voteWriter: VOTE_WRITER,
    cardDrawer: CARD_DRAWER,
  });
  address = listenAddress(process.env);
} catch (error) {
  fail((error as Error).message);
}
// Astro's bundle finds the same services (one database handle, one live hub).
provideServices(services);
if (!existsSync(ENTRY) || !existsSync(VOTE_WRITER) || !existsSync(CARD_DRAWER)) {
  fail('dist/ is missing or incomplete: run `npm run build` first (npm start does it for you).');
}
// The adapter is built in middleware mode: we own the server, so start-up
// checks run first, static files come from memory and shutdown can drain.
const { handler } = (await import(ENTRY)) as { handler: AstroHandler };

// 2. The tiers.
const staticFiles = loadStaticFiles(CLIENT_DIR);
const drain = new Drain();
const server = createSiteServer({
  app: siteApplication(services),
  staticFiles,
  fastRoutes: FAST_ROUTES,
  pageRoutes: PAGE_ROUTES,
  routes: readRouteTable(DIST),
  astro: handler,
  // The 404 page in the language of the path asked for.
  notFoundPage: (pathname) =>
    staticFiles.get(`${localizePath('/not-found/', localeOfPath(pathname))}index.html`) ?? null,
  drain,
  // An idle instance gives back the memory a busy spell grew.
  idle: startIdleCollector(),
});
listen(server, address, fail, services.site);
const { openFiles, maxConnections, maxStreams, maxStreamsPerClient } = services.connections;
console.log(
  `sentiment-desk: open-file limit ${openFiles}: up to ${maxConnections} connections, ` +
    `${maxStreams} live streams (${maxStreamsPerClient} per client)`,
);
// Where ballots are committed: an embedded database's on a thread of their own, a libSQL server's here, since its
// client already waits off the thread (docs/decisions/0014-vote-path-fifth-pass-writer-thread.md).
console.log(
  `sentiment-desk: ballots are committed on ${services.voteWriter ? 'a vote writer thread' : 'the main thread'}`,
);
// 2b. Snapshots on a schedule (SNAPSHOT_EVERY), each in a child process, one instance at a time.
const scheduler = startSnapshotScheduler(services.db, services.config, process.env);

// 3. The drain.
drain.onSignals(server, {
  endStreams: () => {
    scheduler?.stop();
    services.hub.closeAll(3000);
  },
  // A scan the drain ended gives its lease back before the database closes.
  closed: async () => {
    await scheduler?.settled();
    await services.close();
  },
});
