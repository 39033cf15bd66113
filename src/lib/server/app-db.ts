import { DATABASE_AUTH_TOKEN, DATABASE_URL } from 'astro:env/server';
import { openDatabase, type Database } from './db.ts';

let shared: Promise<Database> | null = null;

/**
 * The server's one database handle, configured through astro:env. Opened on
 * first use; migrations have already run in scripts/serve.ts before any
 * request arrives.
 */
export function getDb(): Promise<Database> {
  shared ??= openDatabase({ url: DATABASE_URL, authToken: DATABASE_AUTH_TOKEN ?? null });
  return shared;
}
