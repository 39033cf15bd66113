import { SharedReads } from './shared-reads.ts';

/**
 * Remembers values for a short time. Used for poll definitions on the vote
 * path: they change only when a server starts and syncs them, so a second's
 * staleness is harmless, and the database still refuses unknown options.
 *
 * When an entry runs out, the callers that ask before it is loaded again share
 * that one load: under 200 concurrent voters, each expiry used to start a few
 * dozen reads of the same poll, and give each its own copy of the record.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly loads = new SharedReads<V | null>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  async get(key: string, load: (key: string) => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    return this.loads.get(key, async (k) => {
      const startedAt = this.now();
      const value = await load(k);
      if (value === null) this.entries.delete(k);
      else this.entries.set(k, { value, until: startedAt + this.ttlMs });
      return value;
    });
  }
}
