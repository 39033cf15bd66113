import type { CohortReads } from '../cohorts/reads.server.ts';
import type { StreamGate } from '../platform/http/connection-limits.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import type { ResolutionReads } from '../resolution/reads.server.ts';
import type { PollLiveHub } from './live.server.ts';
import type { PollRecord } from './records.ts';
import type { VotingDeps } from './votes.server.ts';

/*
 * What the poll endpoints need of the application's services, by job. The composition root (src/app/)
 * passes its whole set; each function names only the part it uses, so a feature never sees the rest.
 */

/** Reading a poll's results: its record with current counts, and the cohort and resolution views beside it. */
export interface PollReadDeps {
  db: Database;
  /** A poll with current counts, at least as new as `minVersion` (see CountsCache). */
  poll: (pollId: string, minVersion?: number) => Promise<PollRecord | null>;
  cohorts: CohortReads;
  resolutions: ResolutionReads;
}

/** Casting a ballot, then answering with the results it produced. */
export interface PollVoteDeps extends PollReadDeps {
  voting: VotingDeps;
}

/** Holding a live-results stream open within the connection budget. */
export interface PollStreamDeps {
  db: Database;
  hub: PollLiveHub;
  streams: StreamGate;
  config: Pick<ServerConfig, 'streams'>;
}

/** Everything the poll fast routes use. */
export type PollApiDeps = PollVoteDeps & PollStreamDeps;
