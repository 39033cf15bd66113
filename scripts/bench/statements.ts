/**
 * Whether keeping prepared statements (src/lib/platform/db/statement-cache.server.ts)
 * still pays: the same statements through @libsql/client's own file client and
 * through the project's embedded client, alternated, µs per statement.
 *
 *   node scripts/bench/statements.ts [rounds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { openEmbeddedClient } from '../../src/lib/platform/db/statement-cache.server.ts';

const rounds = Number(process.argv[2] ?? 5);
const N = 5_000;
const dir = mkdtempSync(join(tmpdir(), 'bench-statements-'));

async function prepare(client: Client): Promise<void> {
  await client.executeMultiple(`
    PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    create table if not exists sessions (id text primary key, wallet text not null, expires_at integer not null);
    create table if not exists ballots (id integer primary key, poll text not null, option integer not null, voter text not null);
  `);
  for (let i = 0; i < 1000; i++)
    await client.execute({ sql: 'insert or replace into sessions values (?, ?, ?)', args: [`s${i}`, `w${i}`, i] });
}

/** A session lookup (one select) and a small write transaction like a group commit's, µs per statement. */
async function run(client: Client): Promise<{ read: number; write: number }> {
  let t = performance.now();
  for (let i = 0; i < N; i++)
    await client.execute({ sql: 'select id, wallet, expires_at from sessions where id = ?', args: [`s${i % 1000}`] });
  const read = ((performance.now() - t) * 1000) / N;
  t = performance.now();
  for (let i = 0; i < N / 10; i++) {
    const tx = await client.transaction('write');
    for (let j = 0; j < 10; j++)
      await tx.execute({
        sql: 'insert into ballots (poll, option, voter) values (?, ?, ?)',
        args: ['p', j % 4, `v${i}`],
      });
    await tx.commit();
  }
  const write = ((performance.now() - t) * 1000) / N;
  return { read, write };
}

const plain = createClient({ url: `file:${join(dir, 'plain.db')}`, concurrency: 1 });
const kept = openEmbeddedClient(`file:${join(dir, 'kept.db')}`, 5_000);
await prepare(plain);
await prepare(kept);
const results: Record<string, { read: number[]; write: number[] }> = {
  plain: { read: [], write: [] },
  kept: { read: [], write: [] },
};
for (let r = 0; r < rounds; r++) {
  for (const [name, client] of r % 2
    ? ([
        ['kept', kept],
        ['plain', plain],
      ] as const)
    : ([
        ['plain', plain],
        ['kept', kept],
      ] as const)) {
    const { read, write } = await run(client);
    results[name]!.read.push(read);
    results[name]!.write.push(write);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`µs per statement, median of ${rounds} alternated rounds (${N} reads, ${N} writes in transactions of 10)`);
for (const [name, r] of Object.entries(results))
  console.log(
    `${name.padEnd(6)} read ${median(r.read).toFixed(1).padStart(6)}  write ${median(r.write).toFixed(1).padStart(6)}`,
  );
plain.close();
kept.close();
rmSync(dir, { recursive: true, force: true });
