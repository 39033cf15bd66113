import type { Server } from 'node:http';
import { backfillStoredSnapshots } from '../chain/backfill.server.ts';
import { loadDemoFixture, prepareDemo } from '../demo/demo.server.ts';
import { loadPollDefinitions } from '../polls/definitions.server.ts';
import { loadTokenDefinition } from '../chain/tokens.server.ts';
import { weightingTokenOf } from '../cohorts/weighting.ts';
import { reweightPolls } from '../cohorts/weighting.server.ts';
import { resolvePolls } from '../resolution/repo.server.ts';
import { syncPollDefinitions } from '../polls/repo.server.ts';
import type { BuildInfo } from './build-info.server.ts';
import { ConfigError, readServerConfig } from './config.ts';
import { databaseErrorReason, migrateDatabase, openDatabase, type Database } from './db.server.ts';
import { createServices, type Services } from './services.server.ts';
import { connectionLimits } from './connection-limits.ts';
import { openFileLimit } from './open-files.server.ts';

export interface StartOptions {
  /** Where poll definitions are read from. */
  pollsDir: string;
  /** The simulated demo's fixture (db/demo/opgsim.json), or null to load none. */
  demoFixture: string | null;
  /** What the build decided (dist/build-info.json), or null when it does not say. */
  build: BuildInfo | null;
  /** The vote writer thread's script (see ServiceOptions). */
  voteWriter?: string;
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
    try {
      db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
      await migrateDatabase(db);
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
    // Polls the chain settled while no server ran (their weighting snapshot, chosen just above, is where they start).
    await resolvePolls(db, Date.now());
    return createServices(db, config, {
      connections,
      ...(options.voteWriter ? { voteWriter: options.voteWriter } : {}),
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

/** Listens, announcing the address (tests and benchmarks wait for that line); `failed` gets a listen error. */
export function listen(
  server: Server,
  { host, port }: { host: string; port: number },
  failed: (message: string) => void,
): void {
  server.on('error', (error) => failed(`cannot listen on ${host}:${port}: ${error.message}`));
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    console.log(`sentiment-desk listening on http://${host}:${actual}/`);
  });
}
