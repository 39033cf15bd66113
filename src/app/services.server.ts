import { CohortReads } from '../lib/cohorts/reads.server.ts';
import { ResolutionReads } from '../lib/resolution/reads.server.ts';
import { withCounts, type PollRecord } from '../lib/polls/records.ts';
import { getPoll, getPollCounts, listPolls, pollVersions } from '../lib/polls/store/reads.server.ts';
import { chainDataVersion } from '../lib/chain/schedule.server.ts';
import type { FreshCounts, TransactionLimiter } from '../lib/polls/store/cast-types.ts';
import type { Limiter } from '../lib/rate-limit/limiter.ts';
import { DatabaseRateLimiter } from '../lib/rate-limit/store.server.ts';
import { REPORTS_PER_MINUTE } from '../lib/moderation/reasons.ts';
import { CommentNetworkLimiter, reportNetworkLimiter } from '../lib/comments/network.server.ts';
import type { ServerConfig } from '../lib/platform/runtime/config.ts';
import type { SiteOrigin } from '../lib/platform/http/site-origin.ts';
import { isFileUrl, type Database } from '../lib/platform/db/db.server.ts';
import { PollLiveHub } from '../lib/polls/live.server.ts';
import { CountsCache } from '../lib/polls/counts-cache.ts';
import { TtlCache } from '../lib/platform/caching/ttl-cache.ts';
import { VoteBatcher, voteRateLimiter, writeOnThisThread } from '../lib/polls/write/batcher.server.ts';
import { VoteWriterThread } from '../lib/polls/write/writer-thread.server.ts';
import { newVoterId } from '../lib/polls/voter.ts';
import type { VotingDeps } from '../lib/polls/votes.server.ts';
import { connectionLimits, StreamGate, type ConnectionLimits } from '../lib/platform/http/connection-limits.ts';
import { openFileLimit } from '../lib/platform/http/open-files.server.ts';
import { cardDrawer, type CardDrawer } from '../lib/cards/drawer.server.ts';

/**
 * The process's long-lived services. scripts/serve.ts creates them once and
 * provides them, so its fast path and Astro's bundle share one database
 * handle (two embedded connections in one process could block each other),
 * one live hub and one rate limiter.
 */
export interface Services {
  config: ServerConfig;
  /** The origin the site answers for (SITE_URL, or local mode's loopback names). */
  site: SiteOrigin;
  db: Database;
  /** Nonce requests a minute per client address. */
  nonceLimiter: Limiter;
  /** Comment reports a minute per signed-in reader. */
  reportLimiter: Limiter;
  /** Comment reports a minute per client network. */
  reportNetworkLimiter: Limiter;
  /** Comments per client network: a minute, a day, and new wallets a day. */
  commentNetwork: CommentNetworkLimiter;
  /** Sign-in attempts a minute per client network (VERIFY_RATE_LIMIT). */
  verifyLimiter: Limiter;
  /** CSV downloads a minute per client network (CSV_RATE_LIMIT). */
  csvLimiter: Limiter;
  hub: PollLiveHub;
  /** Live streams counted per client and in all, against `connections`. */
  streams: StreamGate;
  /** How many connections and streams this process may hold (see connection-limits.ts). */
  connections: ConnectionLimits;
  voting: VotingDeps;
  /** Ballots withdrawn, counted in the same per-client allowance as votes (VOTE_RATE_LIMIT) and in their transaction. */
  withdrawLimiter: TransactionLimiter;
  /**
   * A poll with current counts: its definition from a short cache, its
   * counts from memory (see CountsCache), at least as new as `minVersion`.
   */
  poll: (pollId: string, minVersion?: number) => Promise<PollRecord | null>;
  /** Token polls' results by cohort, kept in memory the same way. */
  cohorts: CohortReads;
  /** Where resolving polls stand against the chain, kept in memory (see ResolutionReads). */
  resolutions: ResolutionReads;
  /** Every poll's id, read again at most once a second (for /polls/'s version). */
  pollIds: () => Promise<readonly string[]>;
  /** What the chain data of token pages stands at (chainDataVersion), read again at most once a second. */
  chainVersion: () => Promise<string>;
  /** Where share cards are drawn: a child process started by the first card, let go when idle. */
  cards: CardDrawer;
  /** The vote writer thread, when ballots are committed on one (an embedded database in the built server). */
  voteWriter: VoteWriterThread | null;
  /** How many migrations this build carries, as start-up applied them; null when start-up ran none (tests). */
  migrations: number | null;
  /** Stops the vote writer thread, if one runs, and the card drawer, then closes the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** The site's origin, from SITE_URL and where the server listens (site-origin.ts, resolveSite). */
  site: SiteOrigin;
  /**
   * The vote writer thread's script (dist/vote-writer.mjs). With one, an
   * embedded database's ballots are committed on that thread; without one,
   * or on a libSQL server (whose client already waits off the thread), on
   * this one.
   */
  voteWriter?: string | URL;
  /** The card drawer's script (dist/card-drawer.mjs); the source's (scripts/card-drawer.ts) without one. */
  cardDrawer?: string | URL;
  /** The connection limits worked out at start; else from this process's open-file limit. */
  connections?: ConnectionLimits;
  /** How many migrations this build carries (migrateDatabase's answer at start-up); null when none ran. */
  migrations?: number;
}

export function createServices(db: Database, config: ServerConfig, options: ServiceOptions): Services {
  const hub = new PollLiveHub({ load: (id) => getPoll(db, id), versions: (ids) => pollVersions(db, ids) });
  const connections = options.connections ?? connectionLimits(config.streams, openFileLimit());
  if ('problem' in connections) throw new Error(connections.problem);
  const thread =
    options.voteWriter && isFileUrl(config.databaseUrl)
      ? new VoteWriterThread({
          script: options.voteWriter,
          databaseUrl: config.databaseUrl,
          authToken: config.databaseAuthToken,
          voteRateLimit: config.voteRateLimit,
        })
      : null;
  const cards = cardDrawer({
    idleMs: config.cardDrawerIdleMs,
    ...(options.cardDrawer ? { script: options.cardDrawer } : {}),
  });
  const batcher = thread ?? new VoteBatcher(writeOnThisThread(db, voteRateLimiter(db, config.voteRateLimit)));
  const definitions = new TtlCache<PollRecord>(1000);
  const definition = (id: string): Promise<PollRecord | null> => definitions.get(id, (key) => getPoll(db, key));
  const counts = new CountsCache<FreshCounts>((key) => getPollCounts(db, key));
  const cohorts = new CohortReads(db);
  const merged = new Map<string, { definition: PollRecord; counts: FreshCounts; poll: PollRecord }>();
  const ids = new TtlCache<readonly string[]>(1000);
  const chain = new TtlCache<string>(1000);
  const chainVersion = async (): Promise<string> => (await chain.get('all', () => chainDataVersion(db))) ?? '';
  return {
    config,
    site: options.site,
    db,
    migrations: options.migrations ?? null,
    nonceLimiter: new DatabaseRateLimiter(db, 'nonce', 60, 60_000),
    reportLimiter: new DatabaseRateLimiter(db, 'report', REPORTS_PER_MINUTE, 60_000),
    reportNetworkLimiter: reportNetworkLimiter(db, config.networkLimits),
    commentNetwork: new CommentNetworkLimiter(db, config.networkLimits),
    verifyLimiter: new DatabaseRateLimiter(db, 'verify', config.verifyRateLimit, 60_000),
    csvLimiter: new DatabaseRateLimiter(db, 'csv', config.csvRateLimit, 60_000),
    hub,
    streams: new StreamGate(connections),
    connections,
    cohorts,
    resolutions: new ResolutionReads(db, { chainVersion }),
    pollIds: async () => (await ids.get('all', async () => (await listPolls(db)).map((p) => p.id))) ?? [],
    chainVersion,
    async poll(id, minVersion) {
      const [found, current] = await Promise.all([definition(id), counts.get(id, minVersion)]);
      if (!found || !current) return null;
      // The same definition and counts give the same record, so what is built from it can be kept too.
      const last = merged.get(id);
      if (last && last.definition === found && last.counts === current) return last.poll;
      const poll = withCounts(found, current);
      merged.set(id, { definition: found, counts: current, poll });
      return poll;
    },
    cards,
    voteWriter: thread,
    withdrawLimiter: voteRateLimiter(db, config.voteRateLimit),
    async close() {
      await Promise.all([thread?.close(), cards.close()]);
      db.$client.close();
    },
    voting: {
      db,
      cast: (input) => batcher.cast(input),
      definition,
      newVoterId,
      changed: (id, fresh) => {
        if (fresh) counts.offer(id, fresh);
        else counts.forget(id);
        cohorts.forget(id);
        hub.notify(id);
      },
    },
  };
}

// A global symbol, because serve.ts and Astro's bundle hold separate copies of this module.
const KEY = Symbol.for('sentiment-desk.services');

export function provideServices(services: Services): void {
  (globalThis as Record<symbol, unknown>)[KEY] = services;
}

export function providedServices(): Services | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as Services | undefined) ?? null;
}
