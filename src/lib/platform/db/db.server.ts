import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createClient,
  type Client,
  type InArgs,
  type InStatement,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';
import { fillPlaceholders, getTableColumns, is, Placeholder, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLitePreparedQuery, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from '../../../../db/schema.ts';
import { embeddedPath, openEmbeddedClient } from './statement-cache.server.ts';

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

/** What queries run on: the database itself, or one transaction of it (see writeTransaction). */
export type Queries = LibSQLDatabase<typeof schema> & { $client: Pick<Transaction, 'execute' | 'batch'> };

export interface DatabaseOptions {
  url: string;
  authToken?: string | null;
  /**
   * An embedded database's second connection for plain reads (default true).
   * The vote writer thread, which reads only inside its transactions, goes
   * without: each connection keeps its own page cache.
   */
  reader?: boolean;
}

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export function isFileUrl(url: string): boolean {
  return url.startsWith('file:');
}

/**
 * The only place that creates a libSQL client. File URLs get an embedded
 * database with WAL and foreign keys; other URLs talk to a libSQL server.
 */
export async function openDatabase({ url, authToken, reader = true }: DatabaseOptions): Promise<Database> {
  if (isFileUrl(url)) {
    await mkdir(dirname(resolve(embeddedPath(url))), { recursive: true });
  }
  // libsql's embedded driver runs statements synchronously on the event loop,
  // so a second in-process connection waiting on the first one's lock would
  // block the very loop that must release it. One connection, with callers
  // queued (see serializeCalls), is safe and loses no parallelism.
  const client = isFileUrl(url)
    ? openEmbeddedClient(url, BUSY_TIMEOUT_MS)
    : createClient({ url, ...(authToken ? { authToken } : {}) });
  if (isFileUrl(url)) {
    // WAL lets readers proceed while one writer commits. synchronous=NORMAL in
    // WAL mode: a commit survives a crash or kill of this process (it is in the
    // WAL, which the OS holds), and the file never corrupts; only a power loss
    // or kernel crash may roll back the last commits before a checkpoint.
    await client.executeMultiple(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA foreign_keys = ON;
      PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};
    `);
  }
  if (!isFileUrl(url)) return drizzle(client, { schema });
  // A second connection only for plain reads: in WAL mode a reader neither
  // waits for nor blocks the writer, so reads need not queue behind a write.
  const readerClient = reader ? openEmbeddedClient(url, BUSY_TIMEOUT_MS) : null;
  return drizzle(serializeCalls(client, readerClient), { schema });
}

const READ_ONLY = /^\s*select\b/i;

/**
 * Queues every write on an embedded database's single writing connection.
 * The libsql client refuses (rather than waits) when an open transaction
 * holds that connection, so calls wait their turn here; a transaction keeps
 * its turn until it commits, rolls back or closes. A lone SELECT goes to the
 * reader connection at once, or without one waits its turn like a write.
 */
function serializeCalls(client: Client, reader: Client | null): Client {
  let tail: Promise<unknown> = Promise.resolve();
  const turn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };
  const transaction = async (mode?: TransactionMode): Promise<Transaction> => {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => released);
    await previous;
    try {
      return releasing(await client.transaction(mode), release);
    } catch (error) {
      release();
      throw error;
    }
  };
  const execute = (statement: InStatement | string, args?: InArgs): Promise<ResultSet> => {
    const sqlText = typeof statement === 'string' ? statement : statement.sql;
    if (reader && READ_ONLY.test(sqlText))
      return typeof statement === 'string' ? reader.execute(statement, args) : reader.execute(statement);
    return turn(() => (typeof statement === 'string' ? client.execute(statement, args) : client.execute(statement)));
  };
  return forward(client, (property, value) => {
    if (property === 'transaction') return transaction;
    if (property === 'execute') return execute;
    if (property === 'batch') {
      return (statements: Parameters<Client['batch']>[0], mode?: TransactionMode) =>
        reader && mode === 'read' ? reader.batch(statements, mode) : turn(() => client.batch(statements, mode));
    }
    if (property === 'close') return () => (reader?.close(), client.close());
    if (property === 'executeMultiple' || property === 'migrate') {
      return (...args: unknown[]) => turn(() => (value as (...a: unknown[]) => Promise<unknown>).apply(client, args));
    }
    return undefined;
  });
}

/** A transaction that gives the connection's turn back once it ends, however it ends. */
function releasing(tx: Transaction, release: () => void): Transaction {
  return forward(tx, (property, value) => {
    if (property !== 'commit' && property !== 'rollback' && property !== 'close') return undefined;
    return (...args: unknown[]) => {
      try {
        return (value as (...a: unknown[]) => unknown).apply(tx, args);
      } finally {
        release();
      }
    };
  });
}

/**
 * A proxy whose methods run on the real object (its private fields need the
 * real `this`), with `override` replacing chosen properties.
 */
function forward<T extends object>(target: T, override: (property: string | symbol, value: unknown) => unknown): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      const replaced = override(property, value);
      if (replaced !== undefined) return replaced;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/**
 * Runs `work` in one BEGIN IMMEDIATE transaction: the write lock is taken up
 * front, so concurrent writers queue instead of failing half-way. Commits
 * when `work` returns, rolls back when it throws.
 *
 * drizzle's own `transaction()` on libSQL takes no behaviour and offers no
 * batch, so `work` gets a drizzle instance over libSQL's transaction itself:
 * queries are built by drizzle and typed by the schema, and `tx.batch([...])`
 * sends several of them in one round trip (on a libSQL server every statement
 * of an interactive transaction is a request, with the lock held meanwhile).
 */
export async function writeTransaction<T>(db: Database, work: (tx: Queries) => Promise<T>): Promise<T> {
  const transaction = await db.$client.transaction('write');
  try {
    const result = await work(queriesOn(transaction));
    if (!transaction.closed) await transaction.commit();
    return result;
  } finally {
    // Rolls back whatever was not committed.
    transaction.close();
  }
}

/**
 * A drizzle instance over one transaction, made on first use: making one
 * (its relational config) costs more than a group commit's own JavaScript, and
 * a hot write that only runs prepared statements (runPrepared) never needs it.
 */
function queriesOn(transaction: Transaction): Queries {
  let instance: Queries | null = null;
  // A libSQL transaction has the execute and batch a drizzle session calls.
  const made = (): Queries => (instance ??= drizzle(transaction as unknown as Client, { schema }));
  return new Proxy({} as Queries, {
    get(_target, property) {
      if (property === '$client') return transaction;
      const value: unknown = Reflect.get(made(), property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(made()) : value;
    },
  });
}

/**
 * Several writes built by drizzle, sent as one BEGIN IMMEDIATE batch: one
 * round trip, all or nothing. For writes that need no result and no check
 * between them.
 */
export async function writeBatch(db: Database, queries: readonly BuiltQuery[]): Promise<void> {
  await db.$client.batch(
    queries.map((query) => {
      const { sql, params } = query.toSQL();
      return { sql, args: params as InArgs };
    }),
    'write',
  );
}

/**
 * One value per database handle, made on first use: prepared statements
 * belong to the handle they were prepared on, and tests open many.
 */
export function perDatabase<T>(make: (db: Database) => T): (db: Database) => T {
  const made = new WeakMap<Database, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = make(db);
      made.set(db, value);
    }
    return value;
  };
}

/** The value an upsert tried to insert, for `onConflictDoUpdate({ set })`. */
export function excluded(column: AnySQLiteColumn): SQL {
  return sql`excluded.${sql.identifier(column.name)}`;
}

/** `excluded(...)` for each named column: an upsert that takes these values from the new row. */
export function excludedValues<T extends SQLiteTable, K extends keyof T['_']['columns'] & string>(
  table: T,
  keys: readonly K[],
): Record<K, SQL> {
  const columns = getTableColumns(table);
  return Object.fromEntries(keys.map((key) => [key, excluded(columns[key] as AnySQLiteColumn)])) as Record<K, SQL>;
}

/**
 * The rows of a JSON array parameter, as a table to select from (one bound parameter, however many rows).
 * A placeholder stands for the JSON text in a prepared query.
 */
export function jsonRows(rows: readonly unknown[] | Placeholder): SQL {
  return sql`json_each(${is(rows, Placeholder) ? rows : JSON.stringify(rows)})`;
}

/**
 * Many rows as one JSON value, `[[v1, v2, ...], ...]`, for a hot read of
 * many rows: libSQL's client builds each row as an object with a property
 * defined per column, twice, which cost more than SQLite's work on a short
 * row, while one string is parsed at native speed. Blobs must be given as
 * `hex(...)`, since JSON holds no bytes; read them back with Buffer.from(v, 'hex').
 */
function packedRows(...values: readonly (SQL | AnySQLiteColumn)[]): SQL<string | null> {
  return sql<string | null>`json_group_array(json_array(${sql.join([...values], sql`, `)}))`;
}

/**
 * packedRows, read back as records: each row the object of the named
 * `fields`, so no caller reads a row by position. The rows still travel as
 * JSON arrays (json_object's names on every row made a batch of 8 to 32
 * session checks some 10-25% slower); the names are put back here, in one place.
 * @example
 * db.select({ rows: packedRecords<{ id: string; n: number }>({ id: t.id, n: t.n }) }).from(t)
 * // one row: { rows: [{ id: 'a', n: 1 }, ...] }
 */
export function packedRecords<R extends Record<string, unknown>>(fields: {
  [K in keyof R]: SQL | AnySQLiteColumn;
}): SQL<R[]> {
  const names = Object.keys(fields);
  const values = Object.values(fields as Record<string, SQL | AnySQLiteColumn>);
  return packedRows(...values).mapWith((packed: string | null): R[] =>
    (JSON.parse(packed ?? '[]') as unknown[][]).map((row) => {
      const record: Record<string, unknown> = {};
      names.forEach((name, i) => (record[name] = row[i]));
      return record as R;
    }),
  ) as SQL<R[]>;
}

/** A query drizzle prepared once (`.prepare()`, with placeholders), and what running it gives. */
type Prepared<R> = SQLitePreparedQuery<{
  type: 'async';
  run: ResultSet;
  all: unknown;
  get: unknown;
  values: unknown;
  execute: R;
}>;

/** One run of a prepared query: the query and its placeholders' values. */
export type PreparedRun<R> = readonly [query: Prepared<R>, values: Record<string, unknown>];

type Results<T extends readonly PreparedRun<unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends PreparedRun<infer R> ? R : never;
};

/**
 * Runs queries prepared once on a database handle (see perDatabase) on `on`,
 * which may be a transaction of it, in one round trip. A prepared query runs
 * on the handle it was prepared on, so its SQL and filled parameters are sent
 * here instead and its rows mapped as drizzle would: hot write paths build no
 * SQL per call.
 */
export async function runPrepared<const T extends readonly PreparedRun<unknown>[]>(
  on: Queries,
  runs: T,
): Promise<Results<T>> {
  const statements = runs.map(([query, values]): InStatement => {
    const { sql: text, params } = query.getQuery();
    return { sql: text, args: fillPlaceholders(params, values) as InArgs };
  });
  const results =
    statements.length === 1
      ? [await on.$client.execute(statements[0] as InStatement)]
      : await on.$client.batch(statements);
  return runs.map(([query], i) => query.mapResult(results[i], true)) as Results<T>;
}

/** runPrepared for a list built at run time: each add() gives back how to read its result once run() is done. */
export class PreparedBatch {
  private readonly runs: PreparedRun<unknown>[] = [];
  private results: unknown[] | null = null;
  private readonly on: Queries;

  constructor(on: Queries) {
    this.on = on;
  }

  add<R>(query: Prepared<R>, values: Record<string, unknown>): () => R {
    const index = this.runs.push([query, values]) - 1;
    return () => {
      if (this.results === null) throw new Error('the batch has not run yet');
      return this.results[index] as R;
    };
  }

  async run(): Promise<void> {
    this.results = await runPrepared(this.on, this.runs);
  }
}

/** Field `name` of the current row of jsonRows(), a JSON object: `value ->> '$.name'`. */
export function jsonValue<T>(name: string): SQL<T> {
  // Written into the SQL, so only a plain name: the fields are the code's own, never input.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a field name: ${name}`);
  return sql<T>`value ->> ${sql.raw(`'$.${name}'`)}`;
}

/**
 * Field `name` of each row from jsonRows() (each row an object), as the value
 * of `column`, for the select of an `insert(table).select(...)`: drizzle
 * checks that the selection names the table's columns in their order.
 */
export function jsonField<T>(name: string, column: AnySQLiteColumn): SQL.Aliased<T> {
  return jsonValue<T>(name).as(column.name);
}

/**
 * jsonField for rows of type `Row`: the field's name is checked against
 * `Row`, and the value typed as that field.
 * @example
 * const field = fieldOf<BallotRow>();
 * tx.insert(votes).select((qb) => qb.select({ pollId: field('pollId', votes.pollId) }).from(rows))
 */
export function fieldOf<Row>() {
  return <K extends keyof Row & string>(key: K, column: AnySQLiteColumn): SQL.Aliased<Row[K]> =>
    jsonField<Row[K]>(key, column);
}

/** Any drizzle query builder: it can say the SQL and parameters it would run. */
interface BuiltQuery {
  toSQL(): { sql: string; params: unknown[] };
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../../db/migrations', import.meta.url));

/**
 * Applies the committed drizzle-kit migrations that this database lacks.
 * Several instances may start at once against one libSQL server: each reads
 * what is applied, then applies the rest in a transaction, so the slower one
 * fails on tables the faster one just made. Trying again then finds nothing
 * left to do, which is the outcome both wanted.
 */
export async function migrateDatabase(db: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<number> {
  const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await migrate(db, { migrationsFolder });
      return journal.entries.length;
    } catch (error) {
      if (attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200 * (attempt + 1)));
    }
  }
}

/**
 * How many migrations this database has applied (drizzle's own ledger), for /api/health beside the number the
 * running build knows (migrateDatabase's answer): an instance older than its database shows more applied.
 */
export async function appliedMigrations(db: Database): Promise<number> {
  const rows = await db.all<{ applied: number }>(sql`select count(*) as applied from __drizzle_migrations`);
  return Number(rows[0]?.applied ?? 0);
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Database): Promise<boolean> {
  try {
    await db.run(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

const UNREACHABLE =
  /fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|other side closed|SERVER_ERROR|HRANA_(WEBSOCKET|CLOSED)_ERROR|SQLITE_BUSY/;

/**
 * Whether an error means the database could not be reached or is busy, as
 * opposed to a bug: such requests deserve a 503 with Retry-After, and the
 * process keeps running until the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, code } = e as { message?: string; code?: string };
    if (UNREACHABLE.test(`${message ?? ''} ${code ?? ''}`)) return true;
  }
  return false;
}

/**
 * The deepest cause of a database error, which says what went wrong (an
 * HTTP 401 from the server, a refused connection): drizzle's own message
 * only repeats the SQL that failed.
 */
export function databaseErrorReason(error: unknown): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, code } = e as { message?: string; code?: string };
    if (message) reason = code && !message.startsWith(code) ? `${code}: ${message}` : message;
  }
  return reason;
}
