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
 * has no rows remembers the error it gave and throws that one again (and one
 * with rows, its columns: see rememberColumns). Reuse is
 * safe here because the client runs each statement to completion (`all` or
 * `run`) before it prepares the next; SQLite re-prepares a statement by itself
 * when the schema changes, and a schema change also empties the cache, since
 * what the wrappers remember may have changed with it.
 */

export const MAX_STATEMENTS = 256;

interface Statement {
  raw(on?: boolean): Statement;
  columns(): unknown[];
}
interface DatabaseClass {
  prototype: { prepare(this: object, sql: string): Statement; exec(this: object, sql: string): unknown };
}

/** Statements that change the schema: after one, no statement kept from before is trusted. */
const SCHEMA_CHANGE = /^\s*(?:create|alter|drop)\b/i;

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

/**
 * Answers `columns()` from the first answer: the client asks twice on every
 * run (about 6 µs each, measured on the session lookup). A statement's result
 * columns change only with the schema (`select *` after an added column), and
 * a schema change empties the connection's cache (see reuseEmbeddedStatements).
 */
function rememberColumns(statement: Statement): Statement {
  const columns = statement.columns.bind(statement);
  let kept: unknown[] | null = null;
  statement.columns = () => (kept ??= columns());
  return statement;
}

/** Wraps libsql's prepare (once per process, however many copies of this module are loaded). */
export function reuseEmbeddedStatements(): void {
  const Database = libsqlDatabase();
  if (Database[PATCHED]) return;
  Database[PATCHED] = true;
  const { prepare, exec } = Database.prototype;
  const caches = new WeakMap<object, Map<string, Statement>>();
  // Migrations run their statements through prepare (drizzle) or exec (several at once).
  Database.prototype.exec = function execForgetting(sql: string): unknown {
    caches.delete(this);
    return exec.call(this, sql);
  };
  Database.prototype.prepare = function prepareReused(sql: string): Statement {
    if (SCHEMA_CHANGE.test(sql)) {
      caches.delete(this);
      return prepare.call(this, sql);
    }
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = new Map()));
    const kept = cache.get(sql);
    if (kept) {
      // Least recently used goes first: a hit moves to the end.
      cache.delete(sql);
      cache.set(sql, kept);
      return kept;
    }
    const statement = rememberColumns(rememberRawRefusal(prepare.call(this, sql)));
    cache.set(sql, statement);
    if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    return statement;
  };
}
