/**
 * Ingestion end to end: 100,000 Transfer logs written to a local Hardhat node,
 * then read back over JSON-RPC into balances and a snapshot. Prints JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http, type Hex } from 'viem';
import { ingest } from '../../src/lib/chain/ingest.server.ts';
import { migrateDatabase, openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { deployToken, mintMany, startChain } from '../../test/helpers/chain.ts';
import { envCount } from './lib.ts';

const TRANSFERS = envCount('BENCH_TRANSFERS', 100_000);
const chain = await startChain();
const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
try {
  const token = await deployToken(chain);
  const recipients = Array.from(
    { length: TRANSFERS },
    (_, i) => `0x${(i + 0x10000).toString(16).padStart(40, '0')}` as Hex,
  );
  const writeStart = performance.now();
  await mintMany(
    chain,
    token,
    recipients,
    recipients.map((_, i) => BigInt(1 + (i % 997)) * 10n ** 15n),
    400,
  );
  const writeMs = performance.now() - writeStart;

  const db = await openDatabase({ url: `file:${join(dir, 'app.db')}` });
  await migrateDatabase(db);
  const client = createPublicClient({ transport: http(chain.url, { retryCount: 0, timeout: 60_000 }), cacheTime: 0 });
  const started = performance.now();
  const result = await ingest({
    db,
    client,
    token: {
      symbol: 'BENCH',
      chainId: 31337,
      decimals: 18,
      deployBlock: 0,
      labels: {},
      cohorts: { whale: 0.1, dolphin: 0.01, fish: 0.001 },
    },
    contract: token,
    initialRange: 10,
  });
  const ms = performance.now() - started;
  db.$client.close();
  console.log(
    JSON.stringify({
      transfers: TRANSFERS,
      logs: result.logs,
      holders: result.snapshot.metrics.all.holderCount,
      ingestMs: Math.round(ms),
      logsPerSecond: Math.round(result.logs / (ms / 1000)),
      writeMs: Math.round(writeMs),
    }),
  );
} finally {
  await chain.stop();
  rmSync(dir, { recursive: true, force: true });
}
