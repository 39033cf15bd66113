import { SharedReads } from '../platform/caching/shared-reads.ts';

/** What the cache keeps of a poll: its counts and the version they belong to. */
export interface VersionedCounts {
  version: number;
}

export interface CountsCacheOptions {
  /**
   * How long counts are served without asking the database. Writes made
   * here replace them at once; writes made by other instances show within
   * this window, the same window the live stream coalesces tallies into.
   */
  maxAgeMs: number;
  now: () => number;
}

/**
 * Poll counts held in memory between writes, so a results read needs no
 * database round trip. Three rules keep it honest:
 * - a write made by this process hands its fresh counts in (`offer`), so
 *   whoever voted here is counted in the next read;
 * - a reader whose ballot the database shows at version v asks for at least
 *   v (`get(id, v)`), so a ballot cast through another instance is never
 *   missing from its own voter's results;
 * - counts only move forward: a read that started before a write cannot
 *   replace what that write left.
 */
export class CountsCache<C extends VersionedCounts> {
  private readonly entries = new Map<string, { counts: C; checkedAt: number }>();
  private readonly reads = new SharedReads<C | null>();
  private readonly load: (pollId: string) => Promise<C | null>;
  private readonly options: CountsCacheOptions;

  constructor(load: (pollId: string) => Promise<C | null>, options: Partial<CountsCacheOptions> = {}) {
    this.load = load;
    this.options = { maxAgeMs: 250, now: Date.now, ...options };
  }

  /** Counts at least as new as `minVersion` and no older than maxAgeMs, or null for an unknown poll. */
  async get(pollId: string, minVersion = 0): Promise<C | null> {
    const now = this.options.now();
    const hit = this.fresh(pollId, minVersion, now);
    if (hit) return hit;
    const loaded = await this.reads.get(pollId, this.load);
    if (loaded === null) {
      this.entries.delete(pollId);
      return null;
    }
    this.keep(pollId, loaded, now);
    return this.entries.get(pollId)?.counts ?? loaded;
  }

  /** `get` when the counts held are fresh enough, without a promise; undefined when the database must be asked. */
  peek(pollId: string, minVersion = 0): C | undefined {
    return this.fresh(pollId, minVersion, this.options.now());
  }

  private fresh(pollId: string, minVersion: number, now: number): C | undefined {
    const hit = this.entries.get(pollId);
    if (hit && hit.counts.version >= minVersion && now - hit.checkedAt < this.options.maxAgeMs) return hit.counts;
    return undefined;
  }

  /** Counts a write in this process just committed. */
  offer(pollId: string, counts: C): void {
    this.reads.written();
    this.keep(pollId, counts, this.options.now());
  }

  /** A write whose counts are not at hand: the next read goes to the database. */
  forget(pollId: string): void {
    this.reads.written();
    this.entries.delete(pollId);
  }

  private keep(pollId: string, counts: C, checkedAt: number): void {
    const current = this.entries.get(pollId);
    if (current && current.counts.version >= counts.version) {
      // The database confirmed nothing newer. Every change bumps the version, so
      // an equal one is the same counts: keeping the object held lets readers
      // keep what they built from it (a cohort table, a JSON body) instead of
      // rebuilding it after every reload.
      current.checkedAt = Math.max(current.checkedAt, checkedAt);
      return;
    }
    this.entries.set(pollId, { counts, checkedAt });
  }
}
