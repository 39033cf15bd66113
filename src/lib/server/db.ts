import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from '../../../db/schema.ts';

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

export interface DatabaseOptions {
  url: string;
  authToken?: string | null;
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
export async function openDatabase({ url, authToken }: DatabaseOptions): Promise<Database> {
  if (isFileUrl(url)) {
    await mkdir(dirname(resolve(url.slice('file:'.length))), { recursive: true });
  }
  const client = createClient({
    url,
    ...(authToken ? { authToken } : {}),
    // libsql's embedded driver runs statements synchronously on the event
    // loop, so a second in-process connection waiting on the first one's lock
    // would block the very loop that must release it. One connection, with
    // callers queued by the client, is both safe and fastest here.
    ...(isFileUrl(url) ? { concurrency: 1, timeout: BUSY_TIMEOUT_MS } : {}),
  });
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
  return drizzle(client, { schema });
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../db/migrations', import.meta.url));

/** Applies the committed drizzle-kit migrations that this database lacks. */
export async function migrateDatabase(db: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  await migrate(db, { migrationsFolder });
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
