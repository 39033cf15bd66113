/**
 * Remembers values for a short time. Used for poll definitions on the vote
 * path: they change only when a server starts and syncs them, so a second's
 * staleness is harmless, and the database still refuses unknown options.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  async get(key: string, load: (key: string) => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.until > now) return hit.value;
    const value = await load(key);
    if (value === null) this.entries.delete(key);
    else this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }
}
