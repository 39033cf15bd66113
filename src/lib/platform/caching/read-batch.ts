/**
 * Lookups by key made in one turn of the event loop, answered by one query.
 * Under load many requests that each need one row (a session, say) arrive in
 * the same turn; on the embedded database every statement costs a read
 * transaction and a result set of its own, so a hundred single-row reads
 * cost several times one read of a hundred rows.
 *
 * A lookup waits at most until the turn's I/O callbacks have run
 * (setImmediate), so it sees everything committed before it was asked.
 */
export class ReadBatch<K, V> {
  private pending = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;
  private readonly load: (keys: K[]) => Promise<Map<K, V>>;

  /** `load` answers many keys at once; a key it leaves out has no value. */
  constructor(load: (keys: K[]) => Promise<Map<K, V>>) {
    this.load = load;
  }

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    try {
      const found = await this.load([...batch.keys()]);
      for (const [key, waiting] of batch) for (const w of waiting) w.resolve(found.get(key));
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  }
}
