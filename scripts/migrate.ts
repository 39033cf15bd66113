/** `npm run db:migrate`: applies committed migrations to DATABASE_URL. */
import { ConfigError, readServerConfig } from '../src/lib/server/config.ts';
import { migrateDatabase, openDatabase } from '../src/lib/server/db.server.ts';

try {
  const config = readServerConfig(process.env);
  const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  await migrateDatabase(db);
  db.$client.close();
  console.log(`migrated ${config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'the libSQL server'}`);
} catch (error) {
  console.error(`db:migrate: ${error instanceof ConfigError ? error.message : (error as Error).message}`);
  process.exit(1);
}
