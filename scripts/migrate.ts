/** `npm run db:migrate`: applies committed migrations to DATABASE_URL, then the snapshot backfill start-up runs too. */
import { backfillStoredSnapshots } from '../src/lib/chain/backfill.server.ts';
import { ConfigError, readServerConfig } from '../src/lib/platform/runtime/config.ts';
import { migrateDatabase, openDatabase } from '../src/lib/platform/db/db.server.ts';
import { answerHelp } from './usage.ts';

answerHelp('usage: npm run db:migrate (applies db/migrations to DATABASE_URL)');

try {
  const config = readServerConfig(process.env);
  const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  await migrateDatabase(db);
  const backfilled = await backfillStoredSnapshots(db);
  if (backfilled) console.log(backfilled);
  db.$client.close();
  console.log(`migrated ${config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'the libSQL server'}`);
} catch (error) {
  console.error(`db:migrate: ${error instanceof ConfigError ? error.message : (error as Error).message}`);
  process.exit(1);
}
