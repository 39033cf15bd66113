/**
 * Identical reads that overlap share one query. On a libSQL server every
 * results read is an HTTP round trip, and a popular poll gets hundreds at
 * once; they all want the same row.
 *
 * A read joins a query in flight only if that query began after this
 * process's last write (`written()`), so whoever just voted here never gets
 * counts from before their own ballot. Writes made by other instances can be
 * missed by at most the one query in flight, as with any read that started
 * a moment earlier.
 */
export class SharedReads<V> {
  private readonly inFlight = new Map<string, { writes: number; promise: Promise<V> }>();
  private writes = 0;

  /** Call once a write has committed, before answering it. */
  written(): void {
    this.writes++;
  }

  get(key: string, load: (key: string) => Promise<V>): Promise<V> {
    const current = this.inFlight.get(key);
    if (current && current.writes === this.writes) return current.promise;
    const promise = load(key);
    const entry = { writes: this.writes, promise };
    this.inFlight.set(key, entry);
    const forget = (): void => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }
}
