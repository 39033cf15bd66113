/**
 * `npm run db:backup -- <file>`: a consistent copy of DATABASE_URL (an
 * embedded file or a libSQL server) into a new SQLite file, while the site
 * keeps running. Restore it with `npm run db:restore -- <file>`.
 */
import { existsSync } from 'node:fs';
import { copyDatabase } from '../src/lib/backup/backup.server.ts';
import { ConfigError, readServerConfig } from '../src/lib/platform/runtime/config.ts';
import { openDatabase } from '../src/lib/platform/db/db.server.ts';
import { answerHelp } from './usage.ts';

const USAGE = 'usage: npm run db:backup -- <file>';
answerHelp(USAGE);
const file = process.argv[2];
function fail(message: string): never {
  console.error(`db:backup: ${message}`);
  process.exit(1);
}
if (!file || process.argv.length !== 3) fail(USAGE);
if (existsSync(file)) fail(`${file} exists already; choose a new file (a backup never overwrites)`);

try {
  const config = readServerConfig(process.env);
  const source = (await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken })).$client;
  const target = (await openDatabase({ url: `file:${file}` })).$client;
  const report = await copyDatabase(source, target);
  source.close();
  target.close();
  console.log(`backed up ${report.tables} tables, ${report.rows} rows to ${file}`);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : (error as Error).message);
}
