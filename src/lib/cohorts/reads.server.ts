import { CountsCache } from '../polls/counts-cache.ts';
import type { PollRecord } from '../polls/records.ts';
import type { Database } from '../platform/db/db.server.ts';
import { decisiveWallets, type DecisiveView, type WeightedBallot } from './decisive.ts';
import { presentCohortResults, type CohortResults } from './present.ts';
import { getCohortData, getWeightedBallots, type CohortData } from './repo.server.ts';
import { tallyCohorts } from './tallies.ts';
import { IdentityCache } from '../platform/caching/identity.ts';

/**
 * "Wallets that decide it" reads every verified ballot, so it is worked out
 * at most this often per poll; in between, the last answer is served with
 * the time it was computed (`asOf`).
 */
const DECISIVE_EVERY_MS = 10_000;

export type { DecisiveView };

interface DecisiveEntry {
  version: number;
  at: number;
  value: DecisiveView | null;
  pending: Promise<DecisiveView> | null;
  /** `value` marked as updating, made once per entry so that presented results stay the same object. */
  updatingView?: DecisiveView;
}

/**
 * Cohort reads of token polls, kept in memory between writes the way poll
 * counts are (CountsCache): a read costs no database round trip, writes made
 * here are seen at once, and a reader's own ballot is always counted.
 */
export class CohortReads {
  private readonly cache: CountsCache<CohortData>;
  private readonly decisiveByPoll = new Map<string, DecisiveEntry>();
  private readonly now: () => number;
  private readonly loadBallots: (pollId: string) => Promise<WeightedBallot[]>;

  constructor(
    db: Database,
    now: () => number = Date.now,
    loadBallots: (pollId: string) => Promise<WeightedBallot[]> = (id) => getWeightedBallots(db, id),
  ) {
    this.now = now;
    this.loadBallots = loadBallots;
    this.cache = new CountsCache((id) => getCohortData(db, id), { now });
  }

  /** A write to the poll: the next read goes to the database. */
  forget(pollId: string): void {
    this.cache.forget(pollId);
  }

  /** The cohort fields of a token poll for a reader, or null for a poll without token. */
  async results(poll: PollRecord, visible: boolean, minVersion = 0): Promise<CohortResults | null> {
    const now = this.resultsNow(poll, visible, minVersion);
    if (now !== undefined) return now;
    const data = await this.cache.get(poll.id, Math.max(minVersion, poll.version));
    if (!data) return null;
    return this.present(poll, data, visible && data.snapshot ? await this.decisive(poll, data) : null, visible);
  }

  /**
   * `results` when everything it needs is held and fresh, without a promise;
   * undefined when the database must be asked (then call `results`). The
   * hottest read of a token poll pays no awaits for its cohorts.
   */
  resultsNow(poll: PollRecord, visible: boolean, minVersion = 0): CohortResults | null | undefined {
    if (poll.token === null) return null;
    const data = this.cache.peek(poll.id, Math.max(minVersion, poll.version));
    if (!data) return undefined;
    const decisive = visible && data.snapshot ? this.decisiveHeld(poll, data) : null;
    return decisive === undefined ? undefined : this.present(poll, data, decisive, visible);
  }

  private present(poll: PollRecord, data: CohortData, decisive: DecisiveView | null, visible: boolean): CohortResults {
    // The same inputs give the same object, so callers can keep what they built from it.
    const kept = this.presented.get(data);
    if (kept && kept.poll === poll && kept.visible === visible && kept.decisive === decisive) return kept.result;
    const result = presentCohortResults(poll, data, decisive, visible);
    this.presented.set(data, { poll, visible, decisive, result });
    return result;
  }

  /**
   * The token-weighted tally's exact weight per option (base units), for
   * scoring resolutions; null for a poll without token, before a snapshot, or
   * below the verified ballots the weighted tallies need.
   */
  async tokenWeights(poll: PollRecord, minVersion = 0): Promise<Map<string, bigint> | null> {
    if (poll.token === null) return null;
    const data = await this.cache.get(poll.id, Math.max(minVersion, poll.version));
    if (!data?.snapshot) return null;
    const options = poll.options.map((o) => ({ id: o.optionId, label: o.label }));
    const tokens = tallyCohorts(options, data.counters).tokens;
    return tokens && new Map(tokens.options.map((o) => [o.id, BigInt(o.weight)]));
  }

  private readonly presented = new IdentityCache<
    CohortData,
    { poll: PollRecord; visible: boolean; decisive: DecisiveView | null; result: CohortResults }
  >();

  /** The decisive wallets to serve now, if there is an answer to serve: fresh, or the last while one is worked out. */
  private decisiveHeld(poll: PollRecord, data: CohortData): DecisiveView | undefined {
    const kept = this.decisiveByPoll.get(poll.id);
    if (!kept?.value) return undefined;
    if (kept.version === data.version) return kept.value;
    if (this.now() - kept.at < DECISIVE_EVERY_MS || kept.pending) {
      kept.updatingView ??= { ...kept.value, updating: true };
      return kept.updatingView;
    }
    return undefined;
  }

  private async decisive(poll: PollRecord, data: CohortData): Promise<DecisiveView> {
    const held = this.decisiveHeld(poll, data);
    if (held) return held;
    const kept = this.decisiveByPoll.get(poll.id);
    const now = this.now();
    // One computation per poll at a time: readers arriving meanwhile get the last answer (decisiveHeld), or,
    // before the first one, wait for the computation under way instead of each reading every ballot again.
    if (kept?.pending) return kept.pending;
    const pending = this.computeDecisive(poll, data);
    const entry: DecisiveEntry = kept ?? { version: data.version, at: now, value: null, pending };
    entry.pending = pending;
    this.decisiveByPoll.set(poll.id, entry);
    try {
      const value = await pending;
      this.decisiveByPoll.set(poll.id, { version: data.version, at: now, value, pending: null });
      return value;
    } catch (error) {
      entry.pending = null;
      throw error;
    }
  }

  private async computeDecisive(poll: PollRecord, data: CohortData): Promise<DecisiveView> {
    const asOf = new Date(this.now()).toISOString();
    const ballots = await this.loadBallots(poll.id);
    const optionIds = poll.options.map((o) => o.optionId);
    return {
      ...decisiveWallets(ballots, optionIds, { publicBallots: data.publicBallots }),
      asOf,
      countsVersion: data.version,
      updating: false,
    };
  }
}
