import type { CohortResults } from '../cohorts/present.ts';
import type { PollRecord } from '../polls/records.ts';
import type { Database } from '../platform/db/db.server.ts';
import {
  flowBetween,
  getStoredResolution,
  resolutionSnapshots,
  resolvePolls,
  type StoredResolution,
  type TokenFiles,
} from './repo.server.ts';
import { loadTokenDefinition } from '../chain/tokens.server.ts';
import type { MissingMeasure } from '../flows/measures.ts';
import { resolutionState, type ResolutionState } from './status.ts';
import { presentResolution, type ResolutionView } from './view.ts';
import { IdentityCache } from '../platform/caching/identity.ts';

/** How often a resolving poll's standing is re-read: snapshots land hours apart, reads come many times a second. */
const REREAD_MS = 10_000;

/** Where a resolving poll stands, as read at `at`. */
export interface Standing {
  at: number;
  /** The chain's data version it was read at ('' without one). */
  chain?: string;
  settled: StoredResolution | null;
  pending: ResolutionState | null;
}

/**
 * Resolving polls' standing for the results read, kept in memory: the stored
 * outcome never changes once written, and a pending poll is re-read at most
 * every 10 s (snapshots land from other processes). Polls without a
 * resolution cost nothing here.
 */
export class ResolutionReads {
  private readonly db: Database;
  private readonly now: () => number;
  private readonly tokens: TokenFiles;
  /** Flow metrics measured between two stored snapshots: they do not change, so each pair is measured once. */
  private readonly measured = new Map<string, number | MissingMeasure>();
  private readonly kept = new Map<string, { standing: Standing; pending: Promise<Standing> | null }>();

  private readonly chainVersion: () => Promise<string>;

  /**
   * `chainVersion` (the chain's data version, chain/schedule.server.ts): a pending poll is read again as soon
   * as it moves, so a page rendered for a new snapshot shows it.
   */
  constructor(
    db: Database,
    options: { now?: () => number; tokens?: TokenFiles; chainVersion?: () => Promise<string> } = {},
  ) {
    this.db = db;
    this.now = options.now ?? Date.now;
    this.tokens = options.tokens ?? loadTokenDefinition;
    this.chainVersion = options.chainVersion ?? (async () => '');
  }

  private readonly views = new IdentityCache<
    Standing,
    { poll: PollRecord; visible: boolean; cohorts: CohortResults | null; view: ResolutionView | null }
  >();

  /**
   * The `resolution` field for a reader: null for a poll that does not
   * resolve. Accuracy is given only where the reader may see the results;
   * `tokenWeights` gives the exact token tally when one is shown.
   */
  async view(
    poll: PollRecord,
    visible: boolean,
    cohorts: CohortResults | null,
    tokenWeights: () => Promise<Map<string, bigint> | null>,
  ): Promise<ResolutionView | null> {
    const standing = await this.standing(poll);
    if (!standing || !poll.resolution) return null;
    // The same inputs give the same object, so the results read can keep the bytes it built from it.
    const kept = this.views.get(standing);
    if (kept && kept.poll === poll && kept.visible === visible && kept.cohorts === cohorts) return kept.view;
    const scored = visible && standing.settled !== null;
    const tallies = scored
      ? {
          ballots: new Map(poll.options.map((o) => [o.optionId, o.votes])),
          wallets: cohorts?.tallies ? new Map(cohorts.tallies.wallets.options.map((o) => [o.id, o.votes ?? 0])) : null,
          tokens: cohorts?.tallies?.tokens ? await tokenWeights() : null,
          cohorts: cohorts?.cohorts ?? null,
        }
      : null;
    const view = presentResolution(poll.resolution, standing.settled, standing.pending, tallies);
    this.views.set(standing, { poll, visible, cohorts, view });
    return view;
  }

  /** The poll's standing, the same object until it changes (so answers built from it can be kept); null without resolution. */
  async standing(poll: PollRecord): Promise<Standing | null> {
    if (!poll.resolution) return null;
    const kept = this.kept.get(poll.id);
    const now = this.now();
    if (kept?.standing.settled) return kept.standing;
    const chain = await this.chainVersion();
    if (kept && now - kept.standing.at < REREAD_MS && kept.standing.chain === chain) return kept.standing;
    if (kept?.pending) return kept.standing;
    const reading = this.read(poll, now).then((standing) => ({ ...standing, chain }));
    if (kept) kept.pending = reading;
    try {
      const standing = await reading;
      if (kept && sameStanding(kept.standing, standing)) {
        // The same object (views built from it are kept by identity), read again now.
        kept.standing.at = standing.at;
        kept.standing.chain = standing.chain;
        kept.pending = null;
        return kept.standing;
      }
      this.kept.set(poll.id, { standing, pending: null });
      return standing;
    } catch (error) {
      if (kept) kept.pending = null;
      throw error;
    }
  }

  private async read(poll: PollRecord, now: number): Promise<Standing> {
    const definition = poll.resolution;
    if (!definition || !poll.token || poll.closesAt === null) return { at: now, settled: null, pending: null };
    const stored = await getStoredResolution(this.db, poll.id);
    if (stored) return { at: now, settled: stored, pending: null };
    const snapshots = await resolutionSnapshots(this.db, poll.token);
    const standing = { closesAt: poll.closesAt, weightingBlock: poll.weightingBlock };
    const between = await flowBetween(
      this.db,
      poll.token,
      definition,
      standing,
      snapshots,
      now,
      this.tokens,
      this.measured,
    );
    const state = resolutionState(definition, standing, snapshots, now, between);
    if (state.status === 'pending') return { at: now, settled: null, pending: state };
    // Settled since the last snapshot script ran (the poll closed after it): store it, then show what is stored.
    await resolvePolls(this.db, now, poll.token, this.tokens);
    return { at: now, settled: await getStoredResolution(this.db, poll.id), pending: null };
  }
}

/** Two readings that would show the same thing. */
function sameStanding(a: Standing, b: Standing): boolean {
  if (a.settled || b.settled) return a.settled?.resolvedAt === b.settled?.resolvedAt;
  return JSON.stringify(a.pending) === JSON.stringify(b.pending);
}
