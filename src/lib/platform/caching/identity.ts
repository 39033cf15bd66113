import { createHash } from 'node:crypto';
/**
 * Caching by identity, the one rule the hot paths' caches rest on, written once.
 *
 * A record that a cache keys on is never changed after it is made: a new version of the data is a new
 * object (the counts of version N+1 are a new FreshCounts, a re-read definition a new PollRecord, new
 * counts a new PollRecord through withCounts). So whatever is worked out from a record can be kept with
 * that very object and is never stale: when the data changes, the key is another object, and the old
 * entry goes with the old record to the garbage collector.
 *
 * The rule is enforced where it is relied on: a key is frozen (shallowly) when something is kept for it,
 * so code that changes a cached record in place throws (modules are strict) instead of being served a
 * stale answer. A copy of a record is another key: it misses, and gets its own answer.
 */
export class IdentityCache<K extends object, V> {
  private readonly kept = new WeakMap<K, V>();

  get(key: K): V | undefined {
    return this.kept.get(key);
  }

  set(key: K, value: V): void {
    Object.freeze(key);
    this.kept.set(key, value);
  }

  /** The value kept for `key`, or `derive(key)`, kept. */
  getOrDerive(key: K, derive: (key: K) => V): V {
    if (this.kept.has(key)) return this.kept.get(key) as V;
    const value = derive(key);
    this.set(key, value);
    return value;
  }
}

/**
 * One value per long-lived object (a database handle, the application's services), made on first use and
 * let go with the object. It freezes nothing, unlike IdentityCache: these keys are handles that live and
 * change, not records whose contents a value was worked out from.
 */
export class OnePer<K extends object, V> {
  private readonly made = new WeakMap<K, V>();
  private readonly make: (key: K) => V;

  constructor(make: (key: K) => V) {
    this.make = make;
  }

  get(key: K): V {
    if (this.made.has(key)) return this.made.get(key) as V;
    const value = this.make(key);
    this.made.set(key, value);
    return value;
  }

  /** Makes the value anew on the next get (a handle that could not be reached is asked again). */
  forget(key: K): void {
    this.made.delete(key);
  }
}

const fingerprints = new IdentityCache<object, string>();

/**
 * A short digest of a record's whole contents (its JSON), worked out once per record object: a version for
 * what was built from it (a page kept in memory, say) that moves whenever any field of it does.
 */
export function fingerprint(record: object): string {
  return fingerprints.getOrDerive(record, (r) =>
    createHash('sha256').update(JSON.stringify(r)).digest('base64url').slice(0, 22),
  );
}
