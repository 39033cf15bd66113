import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { startServer } from '../helpers/server.ts';
import { startSqld, type Sqld } from '../helpers/sqld.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let sqld: Sqld;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backup-'));
  sqld = await startSqld();
});
afterAll(async () => {
  await sqld?.stop();
  sqld?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, file: string, databaseUrl: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [`scripts/${name}.ts`, file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe.each([
  ['an embedded file', () => `file:${join(dir, `live-${Math.random()}.db`)}`],
  ['a libSQL server', () => sqld.url],
])('db:backup and db:restore with %s', (_name, databaseUrl) => {
  it('copies consistently while votes keep arriving, and restores into a fresh database', async () => {
    const url = databaseUrl();
    const server = await startServer({ databaseUrl: url, env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });
    const backupFile = join(dir, `backup-${Math.random()}.db`);
    try {
      for (let i = 0; i < 50; i++) await vote(server.url, 'open-change', ['a']);
      // Votes keep coming while the backup runs.
      const during = Promise.all(Array.from({ length: 100 }, () => vote(server.url, 'open-change', ['b'])));
      const backup = script('db-backup', backupFile, url);
      await during;
      expect(backup.status, backup.output).toBe(0);
      expect(backup.output).toMatch(/backed up \d+ tables/);
      expect(script('db-backup', backupFile, url).output).toContain('exists already');

      // The copy is consistent: counts equal its ballots, whatever moment it caught.
      const copy = await openDatabase({ url: `file:${backupFile}` });
      const check = await copy.$client.execute(
        "SELECT (SELECT total_votes FROM polls WHERE id = 'open-change') AS total, (SELECT count(*) FROM votes WHERE poll_id = 'open-change') AS ballots",
      );
      const integrity = await copy.$client.execute('PRAGMA integrity_check');
      copy.$client.close();
      expect(Number(check.rows[0]?.total)).toBe(Number(check.rows[0]?.ballots));
      expect(Number(check.rows[0]?.ballots)).toBeGreaterThanOrEqual(50);
      expect(String(integrity.rows[0]?.integrity_check)).toBe('ok');

      const restoredUrl = `file:${join(dir, `restored-${Math.random()}.db`)}`;
      const restore = script('db-restore', backupFile, restoredUrl);
      expect(restore.status, restore.output).toBe(0);
      const restored = await startServer({ databaseUrl: restoredUrl, env: { POLLS_DIR: FIXTURE_POLLS } });
      try {
        const results = (await getResults(restored.url, 'open-change')) as { totalVotes: number };
        expect(results.totalVotes).toBe(Number(check.rows[0]?.total));
      } finally {
        await restored.stop();
        restored.cleanup();
      }
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
});

describe('db:restore', () => {
  it('refuses a file that is not a backup, changing nothing', () => {
    const notBackup = join(dir, 'plain.db');
    spawnSync('sh', ['-c', `: > ${notBackup}`]);
    const result = script('db-restore', notBackup, `file:${join(dir, 'target.db')}`);
    expect(result.status).toBe(1);
    expect(result.output).toContain('is not a sentiment-desk backup');
  });
});
