import { createRequire } from 'node:module';
import { LibsqlError, type Client, type IntMode } from '@libsql/client';
import { ConnectionPool, Sqlite3Client } from '@libsql/client/sqlite3';

/**
 * The embedded database's connection, built here so that it keeps its
 * prepared statements. @libsql/client's file driver prepares every statement
 * it runs anew (60–135 µs each in libsql, measured per statement inside a
 * group commit, more than most statements take to run) and then asks each
 * one for raw rows, which libsql answers for a statement without rows by
 * throwing a new error (another 50–130 µs). A vote's group commit runs about
 * fifteen statements, and a session check one, so that was most of a vote's
 * database time (docs/decisions/0011-vote-path-profiled.md has the profile).
 *
 * The client offers no option for this, but it takes any connection pool, so
 * the project hands it its own: one connection of its own `Database` subclass
 * (KeptStatementsDatabase). Nothing of libsql or the client is patched. Reuse
 * is safe because the client runs each statement to completion (`all` or
 * `run`) before it prepares the next; SQLite re-prepares a statement by itself
 * when the schema changes, and a schema change also empties the cache, since
 * what the wrappers remember may have changed with it.
 */

export const MAX_STATEMENTS = 256;

/** What the client calls on a libsql statement. */
export interface Statement {
  raw(on?: boolean): Statement;
  safeIntegers(on?: boolean): Statement;
  columns(): { name: string; type?: string | null }[];
  all(...args: unknown[]): unknown[];
  run(...args: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

interface LibsqlDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  exec(sql: string): unknown;
  close(): void;
}
type LibsqlDatabaseClass = new (path: string, options?: { timeout?: number }) => LibsqlDatabase;

/** libsql's Database class, resolved from @libsql/client so that it is the very one the client was built against. */
function libsqlDatabase(): LibsqlDatabaseClass {
  const fromHere = createRequire(import.meta.url);
  const fromClient = createRequire(fromHere.resolve('@libsql/client'));
  return fromClient('libsql') as LibsqlDatabaseClass;
}

/** Statements that change the schema: after one, no statement kept from before is trusted. */
const SCHEMA_CHANGE = /^\s*(?:create|alter|drop)\b/i;

/**
 * A libsql statement that remembers what does not change between runs:
 * whether `raw()` is refused (so a statement without rows throws one error
 * object, not a new one a run) and its columns, which the client asks for
 * twice a run (about 6 µs each, measured on the session lookup). A statement's
 * result columns change only with the schema, and a schema change empties the
 * connection's cache.
 */
class KeptStatement implements Statement {
  #refusal: unknown = null;
  #columns: ReturnType<Statement['columns']> | null = null;
  private readonly inner: Statement;
  constructor(inner: Statement) {
    this.inner = inner;
  }

  raw(on?: boolean): Statement {
    if (this.#refusal !== null && on !== false) throw this.#refusal;
    try {
      this.inner.raw(on);
      return this;
    } catch (error) {
      if (on !== false) this.#refusal = error;
      throw error;
    }
  }
  safeIntegers(on?: boolean): Statement {
    this.inner.safeIntegers(on);
    return this;
  }
  columns(): ReturnType<Statement['columns']> {
    return (this.#columns ??= this.inner.columns());
  }
  all(...args: unknown[]): unknown[] {
    return this.inner.all(...args);
  }
  run(...args: unknown[]): ReturnType<Statement['run']> {
    return this.inner.run(...args);
  }
}

/** A libsql connection that keeps its last MAX_STATEMENTS statements by SQL text, least recently used leaving first. */
export const KeptStatementsDatabase = class KeptStatementsDatabase extends libsqlDatabase() {
  #kept = new Map<string, Statement>();

  override prepare(sql: string): Statement {
    if (SCHEMA_CHANGE.test(sql)) {
      this.#kept.clear();
      return super.prepare(sql);
    }
    const kept = this.#kept.get(sql);
    if (kept) {
      // A hit moves to the end, so the least recently used is the first key.
      this.#kept.delete(sql);
      this.#kept.set(sql, kept);
      return kept;
    }
    const statement = new KeptStatement(super.prepare(sql));
    this.#kept.set(sql, statement);
    if (this.#kept.size > MAX_STATEMENTS) this.#kept.delete(this.#kept.keys().next().value as string);
    return statement;
  }

  /** Migrations run several statements at once through exec. */
  override exec(sql: string): unknown {
    this.#kept.clear();
    return super.exec(sql);
  }
};

const CLOSED = 'The client is closed';

/**
 * What the client's pool lends, as the client's types name it (libsql's whole
 * Database). The client calls only prepare, exec, open, inTransaction and
 * close on it (lib-esm/sqlite3.js), all of which KeptStatementsDatabase has.
 */
type Lent = ReturnType<ConnectionPool['acquireSync']>;

/**
 * The client's pool, for one connection: the embedded database is written by
 * one connection at a time anyway (see serializeCalls in db.server.ts). A
 * transaction holds the connection until it ends; a call meanwhile is refused
 * as the client's own pool refuses it, other calls wait their turn.
 */
class OneConnection extends ConnectionPool {
  #connection: LibsqlDatabase | null = null;
  #lent = false;
  #heldByTransaction = false;
  #waiters: { resolve: (db: Lent) => void; reject: (error: Error) => void; forTransaction: boolean }[] = [];
  #closed = false;
  private readonly path: string;
  private readonly timeout: number;

  constructor(path: string, timeout: number) {
    super(path, { timeout }, 1);
    this.path = path;
    this.timeout = timeout;
  }

  override acquire(forTransaction = false): Promise<Lent> {
    if (!this.#closed && this.#lent) {
      if (this.#heldByTransaction)
        return Promise.reject(new LibsqlError('The connection is held by an open transaction', 'TRANSACTION_ACTIVE'));
      return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject, forTransaction }));
    }
    try {
      return Promise.resolve(this.acquireSync(forTransaction));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  override acquireSync(forTransaction = false): Lent {
    if (this.#closed) throw new LibsqlError(CLOSED, 'CLIENT_CLOSED');
    this.#connection ??= new KeptStatementsDatabase(this.path, { timeout: this.timeout });
    this.#lent = true;
    this.#heldByTransaction = forTransaction;
    return this.#connection as unknown as Lent;
  }

  override release(db: Lent): void {
    this.#lent = false;
    this.#heldByTransaction = false;
    // A connection never goes back mid-transaction, or the next borrower would inherit it.
    if (db.open && db.inTransaction) {
      try {
        db.prepare('ROLLBACK').run();
      } catch {
        this.#drop(db);
        return;
      }
    }
    if (this.#closed || !db.open) {
      this.#drop(db);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(this.acquireSync(waiter.forTransaction));
  }

  override close(): void {
    this.#closed = true;
    if (this.#connection) this.#drop(this.#connection);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new LibsqlError(CLOSED, 'CLIENT_CLOSED'));
  }

  override reopen(): void {
    this.close();
    this.#closed = false;
  }

  #drop(db: Lent | LibsqlDatabase): void {
    try {
      if (db.open) db.close();
    } catch {
      // Nothing useful to do while tearing down.
    }
    if (this.#connection === db) this.#connection = null;
  }
}

/** The path inside a `file:` URL, as @libsql/client reads it (`file:data/app.db`, `file:///tmp/app.db`). */
export function embeddedPath(url: string): string {
  const rest = url.slice('file:'.length);
  const path = rest.startsWith('//') ? rest.slice(2).replace(/^localhost(?=\/)/, '') : rest;
  if (path.includes('?')) throw new Error(`DATABASE_URL ${url}: an embedded database takes no query parameters`);
  return decodeURIComponent(path);
}

/** A client on an embedded database file whose one connection keeps its prepared statements. */
export function openEmbeddedClient(url: string, timeoutMs: number, intMode: IntMode = 'number'): Client {
  const pool = new OneConnection(embeddedPath(url), timeoutMs);
  // Fail at once when the file cannot be opened, as createClient does.
  const probe = pool.acquireSync();
  try {
    probe.prepare('SELECT 1').all();
  } catch (error) {
    pool.close();
    throw error;
  } finally {
    pool.release(probe);
  }
  return new Sqlite3Client(pool, intMode);
}
