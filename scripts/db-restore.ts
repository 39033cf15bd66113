/**
 * `npm run db:restore -- <file>`: replaces everything in DATABASE_URL with the
 * contents of a backup made by db:backup, in one transaction (a failure leaves
 * the database as it was). Stop the site first: readers would otherwise see
 * the switch mid-request.
 */
import { existsSync } from 'node:fs';
import { copyDatabase } from '../src/lib/backup/backup.server.ts';
import { ConfigError, readServerConfig } from '../src/lib/platform/runtime/config.ts';
import { openDatabase } from '../src/lib/platform/db/db.server.ts';
import { answerHelp } from './usage.ts';

const USAGE = 'usage: npm run db:restore -- <file>';
answerHelp(USAGE);
const file = process.argv[2];
function fail(message: string): never {
  console.error(`db:restore: ${message}`);
  process.exit(1);
}
if (!file || process.argv.length !== 3) fail(USAGE);
if (!existsSync(file)) fail(`${file}: no such backup file`);

try {
  const config = readServerConfig(process.env);
  const source = (await openDatabase({ url: `file:${file}` })).$client;
  const check = await source.execute("SELECT count(*) AS n FROM sqlite_master WHERE name = '__drizzle_migrations'");
  if (Number(check.rows[0]?.n) === 0) fail(`${file} is not a sentiment-desk backup (no migrations table)`);
  const target = (await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken })).$client;
  const report = await copyDatabase(source, target);
  source.close();
  target.close();
  console.log(`restored ${report.tables} tables, ${report.rows} rows from ${file}`);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : (error as Error).message);
}
