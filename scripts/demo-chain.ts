/**
 * `npm run demo:chain`: honest demo data. Starts a local EVM node, deploys a
 * token and plays a scripted history in phases, taking a snapshot after each
 * through the same RPC ingestion as real tokens. Every snapshot is stored as
 * simulated, and the /tokens/opgsim/ page says so. Nothing here is real.
 */
import { eq } from 'drizzle-orm';
import { createPublicClient, http, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ingest } from '../src/lib/chain/ingest.server.ts';
import { readServerConfig } from '../src/lib/server/config.ts';
import { migrateDatabase, openDatabase, writeBatch } from '../src/lib/server/db.server.ts';
import { loadTokenDefinition } from '../src/lib/chain/tokens.server.ts';
import { tokenBalances, tokenCursors, tokenSnapshots } from '../db/schema.ts';
import { advanceTime, deployToken, fund, mintMany, startChain, transferFrom } from '../test/helpers/chain.ts';

const DAY = 86_400;
const tokens = (n: number): bigint => BigInt(Math.round(n * 1e6)) * 10n ** 12n;
const TREASURY: Hex = '0x000000000000000000000000000000000000cafe';
const VESTING: Hex = '0x000000000000000000000000000000000000feed';
const EXCHANGE: Hex = '0x00000000000000000000000000000000000e0e0e';

const token = loadTokenDefinition('OPGSIM');
if (!token?.address) throw new Error('src/content/tokens/opgsim.yaml is missing or has no address');
const config = readServerConfig(process.env);
const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
await migrateDatabase(db);
const chain = await startChain({ startDate: '2026-09-01T00:00:00Z' });
const client = createPublicClient({ transport: http(chain.url, { retryCount: 0 }), cacheTime: 0 });

async function snapshot(phase: string): Promise<void> {
  if (!token) return;
  const { snapshot: s } = await ingest({ db, client, token, contract: token.address as Hex, simulated: true });
  const m = s.metrics.excludingLabelled;
  const circulating = s.metrics.circulating;
  console.log(
    `${phase}: block ${s.block}, ${m.holderCount} holders, top-10 ${(m.top10Share * 100).toFixed(1)}%, Gini ${m.gini.toFixed(3)}` +
      ` (circulating: ${circulating?.holderCount} holders, top-10 ${((circulating?.top10Share ?? 0) * 100).toFixed(1)}%)`,
  );
}

try {
  // Clear earlier demo runs: each run replays the whole history on a fresh chain.
  await writeBatch(db, [
    db.delete(tokenSnapshots).where(eq(tokenSnapshots.token, token.symbol)),
    db.delete(tokenBalances).where(eq(tokenBalances.token, token.symbol)),
    db.delete(tokenCursors).where(eq(tokenCursors.token, token.symbol)),
  ]);
  const address = await deployToken(chain, 'OpenGradient (simulated)', 'OPGSIM');
  if (address.toLowerCase() !== token.address.toLowerCase())
    throw new Error(`demo token deployed at ${address}, expected ${token.address}`);

  const whales = Array.from({ length: 5 }, () => privateKeyToAccount(generatePrivateKey()));
  const retail = Array.from({ length: 40 }, () => privateKeyToAccount(generatePrivateKey()));
  const bystanders = Array.from(
    { length: 200 },
    (_, i) => `0x${(0xa11ce000 + i).toString(16).padStart(40, '0')}` as Hex,
  );

  // Phase 1, launch: treasury, vesting contract, a few early backers.
  await mintMany(
    chain,
    address,
    [TREASURY, VESTING, ...whales.map((w) => w.address)],
    [tokens(12_000_000), tokens(20_000_000), ...whales.map(() => tokens(1_600_000))],
  );
  await snapshot('launch');

  // Phase 2, two weeks on: early whales accumulate from the treasury's OTC sales.
  await advanceTime(chain, 14 * DAY);
  await mintMany(
    chain,
    address,
    whales.map((w) => w.address),
    whales.map((_, i) => tokens(900_000 + i * 150_000)),
  );
  await snapshot('whales accumulate');

  // Phase 3: node rewards reach retail operators in small amounts; a crowd of small buyers arrives.
  await advanceTime(chain, 14 * DAY);
  await mintMany(
    chain,
    address,
    retail.map((r) => r.address),
    retail.map((_, i) => tokens(4_000 + (i % 9) * 1_500)),
  );
  await mintMany(
    chain,
    address,
    bystanders,
    bystanders.map((_, i) => tokens(200 + (i % 13) * 90)),
  );
  await snapshot('retail rewards');

  // Phase 4, around the team cliff: retail sells small amounts to the exchange, whales buy more.
  await advanceTime(chain, 14 * DAY);
  for (const account of retail.slice(0, 24)) await fund(chain, account.address, 10n ** 16n);
  for (const [i, account] of retail.slice(0, 24).entries())
    await transferFrom(chain, address, account, EXCHANGE, tokens(1_500 + (i % 5) * 400));
  await mintMany(
    chain,
    address,
    whales.map((w) => w.address),
    whales.map(() => tokens(400_000)),
  );
  await snapshot('unlock: retail sells');

  // Phase 5: a month after the cliff.
  await advanceTime(chain, 28 * DAY);
  for (const account of retail.slice(24)) await fund(chain, account.address, 10n ** 16n);
  for (const account of retail.slice(24)) await transferFrom(chain, address, account, EXCHANGE, tokens(1_000));
  await snapshot('a month after');
  console.log('demo:chain: simulated OPGSIM history written; see /tokens/opgsim/ (labelled as simulated).');
} finally {
  await chain.stop();
  db.$client.close();
}
