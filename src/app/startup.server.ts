import { refreshAllSnapshotFigures } from './snapshot-figures.server.ts';
import type { Server } from 'node:http';
import { backfillStoredSnapshots } from '../lib/chain/backfill.server.ts';
import { loadDemoFixture, prepareDemo } from '../lib/demo/demo.server.ts';
import { loadPollDefinitions } from '../lib/polls/definitions.server.ts';
import { loadTokenDefinition } from '../lib/chain/tokens.server.ts';
import { weightingTokenOf } from '../lib/cohorts/weighting.ts';
import { reweightPolls } from '../lib/cohorts/weighting.server.ts';
import { resolvePolls } from '../lib/resolution/repo.server.ts';
import { syncPollDefinitions } from '../lib/polls/store/definitions.server.ts';
import type { BuildInfo } from '../lib/platform/runtime/build-info.server.ts';
import { ConfigError, readServerConfig } from '../lib/platform/runtime/config.ts';
import { databaseErrorReason, migrateDatabase, openDatabase, type Database } from '../lib/platform/db/db.server.ts';
import { createServices, type Services } from './services.server.ts';
import { checkBuildSite, resolveSite, type SiteOrigin } from '../lib/platform/http/site-origin.ts';
import { connectionLimits } from '../lib/platform/http/connection-limits.ts';
import { openFileLimit } from '../lib/platform/http/open-files.server.ts';

export interface StartOptions {
  /** Where poll definitions are read from. */
  pollsDir: string;
  /** The simulated demo's fixture (db/demo/opgsim.json), or null to load none. */
  demoFixture: string | null;
  /** What the build decided (dist/build-info.json), or null when it does not say. */
  build: BuildInfo | null;
  /** The vote writer thread's script (see ServiceOptions). */
  voteWriter?: string;
  /** The card drawer's script (see ServiceOptions). */
  cardDrawer?: string;
}

/**
 * Everything the server needs before it accepts a request: configuration
 * validated and matching the build, the database opened and migrated,
 * stored snapshots given any scope they lack (chain/backfill.server.ts), the
 * demo prepared, poll definitions synced, the demo fixture loaded if needed.
 * Throws an error whose message is the one line an operator needs.
 */
export async function startServices(env: Record<string, string | undefined>, options: StartOptions): Promise<Services> {
  try {
    const config = readServerConfig(env);
    // NODE_ENV from the environment this process started in, never a constant a bundler wrote in.
    const production = env['NODE_ENV'] === 'production';
    const site = resolveSite({
      siteUrl: config.siteUrl,
      ...listenAddress(env),
      behindProxy: config.trustedProxies.rules.length > 0,
      production,
    });
    const agreed = options.build ? checkBuildSite(options.build.siteUrl, config.siteUrl, production) : null;
    if (agreed && 'refusal' in agreed) throw new ConfigError(agreed.refusal);
    if (agreed) console.log(`sentiment-desk: ${agreed.notice}`);
    if (options.build && options.build.demo !== config.demo) {
      // The static pages carry the build's choice: serving them with the other would show half a demo.
      const built = options.build.demo ? 'on' : 'off';
      throw new ConfigError(
        `DEMO=${config.demo ? 'on' : 'off'}, but dist/ was built with DEMO=${built}: ` +
          'build again with the same DEMO (npm start builds), or start with the build’s',
      );
    }
    // Before the database is opened: a MAX_STREAMS the open-file limit cannot hold is a configuration error.
    const connections = connectionLimits(config.streams, openFileLimit());
    if ('problem' in connections) throw new ConfigError(`Invalid configuration: ${connections.problem}`);
    let db: Database;
    let migrations: number;
    try {
      db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
      migrations = await migrateDatabase(db);
    } catch (error) {
      // Never the token, and never credentials in the URL.
      const where = config.databaseUrl.replace(/\/\/[^@/]*@/, '//');
      throw new Error(`cannot open the database at ${where}: ${databaseErrorReason(error)}`, { cause: error });
    }
    const backfilled = await backfillStoredSnapshots(db);
    if (backfilled) console.log(backfilled);
    const demo = await prepareDemo(db, {
      shown: config.demo,
      definitions: loadPollDefinitions(options.pollsDir),
      fixturePath: options.demoFixture,
      now: Date.now(),
    });
    await syncPollDefinitions(db, demo.definitions, (symbol) => {
      const token = loadTokenDefinition(symbol);
      return token && weightingTokenOf(token);
    });
    if (demo.claimed) console.log(await loadDemoFixture(db, demo.claimed, Date.now()));
    // Snapshots taken while no server ran, or an edited token definition, change what ballots weigh.
    await reweightPolls(db, Date.now());
    // The flow figures of snapshots stored while no server ran (the demo fixture's among them), before the
    // resolutions that may be scored on them.
    await refreshAllSnapshotFigures(db, (symbol) => loadTokenDefinition(symbol), Date.now());
    // Polls the chain settled while no server ran (their weighting snapshot, chosen just above, is where they start).
    await resolvePolls(db, Date.now());
    return createServices(db, config, {
      site,
      connections,
      migrations,
      ...(options.voteWriter ? { voteWriter: options.voteWriter } : {}),
      ...(options.cardDrawer ? { cardDrawer: options.cardDrawer } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new Error(`start-up failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Where the server listens: HOST and PORT, checked. */
export function listenAddress(env: Record<string, string | undefined>): { host: string; port: number } {
  const host = env.HOST || 'localhost';
  const port = Number(env.PORT || 4321);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT=${env.PORT} is not a port number`);
  }
  return { host, port };
}

/**
 * Listens, announcing the address (tests and benchmarks wait for that line); `failed` gets a listen error.
 * A local site learns its port here: Node emits `listening` on the tick after the bind, before it takes the
 * first connection, so no request is answered before the site knows which Hosts are its own.
 */
export function listen(
  server: Server,
  { host, port }: { host: string; port: number },
  failed: (message: string) => void,
  site: SiteOrigin,
): void {
  server.on('error', (error) => failed(`cannot listen on ${host}:${port}: ${error.message}`));
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    site.listening(actual);
    if (site.local) console.log(`local mode: no SITE_URL; accepting localhost, 127.0.0.1 and [::1] on port ${actual}`);
    console.log(`sentiment-desk listening on http://${host}:${actual}/`);
  });
}
