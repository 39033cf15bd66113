import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase, type Database } from '../../src/lib/platform/db/db.server.ts';

/** A real, migrated libSQL file database in a temp directory. */
export async function tempDatabase(): Promise<{ db: Database; url: string; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-db-'));
  const url = `file:${join(dir, 'app.db')}`;
  const db = await openDatabase({ url });
  await migrateDatabase(db);
  return {
    db,
    url,
    dispose: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
