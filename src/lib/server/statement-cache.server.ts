import { createRequire } from 'node:module';

/**
 * Prepared statements reused on the embedded database. @libsql/client's file
 * driver prepares every statement it runs anew (60–135 µs each in libsql,
 * measured per statement inside a group commit, more than most statements
 * take to run) and then asks each one for raw rows, which libsql answers for a
 * statement without rows by throwing a new error (another 50–130 µs). A vote's
 * group commit runs about fifteen statements, and a session check one, so
 * that was most of a vote's database time.
 *
 * The client offers no hook for this, so libsql's `Database.prototype.prepare`
 * (the one the client imports) is wrapped once per process: each connection
 * keeps its last MAX_STATEMENTS statements by SQL text, and a statement that
 * has no rows remembers the error it gave and throws that one again. Reuse is
 * safe here because the client runs each statement to completion (`all` or
 * `run`) before it prepares the next, and SQLite re-prepares a statement by
 * itself when the schema changes.
 */

export const MAX_STATEMENTS = 256;

interface Statement {
  raw(on?: boolean): Statement;
}
interface DatabaseClass {
  prototype: { prepare(this: object, sql: string): Statement };
}

const PATCHED = Symbol.for('sentiment-desk.statement-cache');

/** libsql's Database class, resolved from @libsql/client so that it is the very one the client uses. */
function libsqlDatabase(): DatabaseClass & { [PATCHED]?: true } {
  const fromHere = createRequire(import.meta.url);
  const fromClient = createRequire(fromHere.resolve('@libsql/client'));
  return fromClient('libsql') as DatabaseClass;
}

/** Remembers whether `raw()` is refused, so a statement without rows throws one error object, not a new one a run. */
function rememberRawRefusal(statement: Statement): Statement {
  const raw = statement.raw.bind(statement);
  let refusal: unknown = null;
  statement.raw = (on?: boolean) => {
    if (refusal !== null && on !== false) throw refusal;
    try {
      raw(on);
      return statement;
    } catch (error) {
      if (on !== false) refusal = error;
      throw error;
    }
  };
  return statement;
}

/** Wraps libsql's prepare (once per process, however many copies of this module are loaded). */
export function reuseEmbeddedStatements(): void {
  const Database = libsqlDatabase();
  if (Database[PATCHED]) return;
  Database[PATCHED] = true;
  const prepare = Database.prototype.prepare;
  const caches = new WeakMap<object, Map<string, Statement>>();
  Database.prototype.prepare = function prepareReused(sql: string): Statement {
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = new Map()));
    const kept = cache.get(sql);
    if (kept) {
      // Least recently used goes first: a hit moves to the end.
      cache.delete(sql);
      cache.set(sql, kept);
      return kept;
    }
    const statement = rememberRawRefusal(prepare.call(this, sql));
    cache.set(sql, statement);
    if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    return statement;
  };
}
