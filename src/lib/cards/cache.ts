/**
 * Keeps each rendered card for a fixed time, so a poll's card is drawn at
 * most once per TTL however often it is fetched (a share on a busy channel
 * brings every client's preview fetcher at once). Renders of one key share
 * one promise: a burst at expiry draws the card once. Pure: the clock and
 * the render are passed in.
 */

export interface Kept<V> {
  value: V;
  /** Epoch milliseconds when it was rendered. */
  renderedAt: number;
  /** Epoch milliseconds from which it is drawn again. */
  expiresAt: number;
}

export class RenderCache<V> {
  private readonly entries = new Map<string, Kept<V>>();
  private readonly pending = new Map<string, Promise<Kept<V> | null>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /**
   * The kept value while it is fresh, else a new one from `render`. A render
   * answering null (the key is gone) drops what was kept and keeps nothing.
   */
  async get(key: string, render: () => Promise<V | null>): Promise<Kept<V> | null> {
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > this.now()) return kept;
    const running = this.pending.get(key);
    if (running) return running;
    const next = (async (): Promise<Kept<V> | null> => {
      try {
        const value = await render();
        if (value === null) {
          this.entries.delete(key);
          return null;
        }
        const renderedAt = this.now();
        const entry = { value, renderedAt, expiresAt: renderedAt + this.ttlMs };
        this.entries.set(key, entry);
        return entry;
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, next);
    return next;
  }
}
