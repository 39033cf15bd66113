import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tokenCursors, tokenTransfers } from '../../db/schema.ts';
import { saveSnapshot } from '../../src/lib/chain/repo.server.ts';
import { tokenDefinitionSchema } from '../../src/lib/chain/schemas.ts';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';
import { entityGroupings, refreshEntities } from '../../src/lib/entities/entities.server.ts';
import { refreshFlowFigures } from '../../src/lib/flows/figures.server.ts';
import { refreshFlowSpans, refreshFlows } from '../../src/lib/flows/flows.server.ts';
import { migrateDatabase, openDatabase, writeTransaction } from '../../src/lib/platform/db/db.server.ts';
import { envCount, saveResults } from './lib.ts';

/**
 * `npm run bench -- flows`: the flow figures of a large token, written straight into a scratch database (no chain:
 * the rows a scan would store, from a seeded random history). TRANSFERS (default 1,000,000) transfers among HOLDERS
 * (default 100,000) wallets over 91 days, a snapshot a week; reward payments, sales to two exchanges and a pool,
 * withdrawals, holder-to-holder transfers and insiders selling around an unlock. Measured: the time to bring the
 * figures up to a new snapshot (figure 1's new span and figures 2–4), what the figures read, and the storage a
 * million transfers take with their indexes.
 */

const run = promisify(execFile);
const DAY_MS = 86_400_000;
const UNIT = 10n ** 18n;
const START = Date.parse('2026-09-01T00:00:00Z');
const DAYS = 91;

/** A small seeded generator (mulberry32), so every run writes the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUP_OWNERS = fileURLToPath(new URL('./group-owners.ts', import.meta.url));

/** Runs group-owners.ts on the database (with `idleOnly`, on an empty token: what the process takes doing nothing). */
async function groupIn(
  file: string,
  token: object,
  { idleOnly = false }: { idleOnly?: boolean },
): Promise<{ seconds: number; maxRssBytes: number }> {
  const definition = idleOnly ? { ...token, symbol: 'IDLE' } : token;
  const { stdout } = await run(process.execPath, [GROUP_OWNERS, file], {
    env: { ...process.env, BENCH_TOKEN: JSON.stringify(definition) },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { seconds: number; maxRssBytes: number };
}

const address = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;

export async function benchFlows(): Promise<void> {
  const transfers = envCount('TRANSFERS', 1_000_000);
  const holders = envCount('HOLDERS', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-flows-'));
  const file = join(dir, 'app.db');
  const db = await openDatabase({ url: `file:${file}` });
  await migrateDatabase(db);

  const [REWARDS, CEX, CEX2, POOL, TEAM, VESTING, TREASURY] = [0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7].map(address);
  const token = tokenDefinitionSchema.parse({
    symbol: 'BFLW',
    name: 'Bench flows',
    chainId: 1,
    rpcEnv: 'RPC_URL_1',
    address: address(0xbeef),
    labels: {
      [REWARDS as string]: { name: 'Rewards', kind: 'rewards' },
      [CEX as string]: { name: 'Exchange', kind: 'exchange' },
      [CEX2 as string]: { name: 'Exchange 2', kind: 'exchange' },
      [POOL as string]: { name: 'Pool', kind: 'lp' },
      [TEAM as string]: { name: 'Team', kind: 'team' },
      [VESTING as string]: { name: 'Vesting', kind: 'vesting' },
      [TREASURY as string]: { name: 'Treasury', kind: 'treasury' },
    },
    unlocks: [{ date: '2026-10-13', amount: '15000000', recipient: 'team cliff' }],
    rewardFloor: '100',
  });
  const rand = random(39);
  const wallet = (): string => address(0x10000 + Math.floor(rand() ** 2 * holders));
  const balances = new Map<string, bigint>();
  const move = (from: string, to: string, amount: bigint): void => {
    if (from !== address(0)) balances.set(from, (balances.get(from) ?? 0n) - amount);
    balances.set(to, (balances.get(to) ?? 0n) + amount);
  };
  // Launch: the reward budget, the exchanges' float, the insiders' allocations, every holder's first tokens.
  const rows: (typeof tokenTransfers.$inferInsert)[] = [];
  let block = 1;
  let log = 0;
  const push = (from: string, to: string, amount: bigint, time: number): void => {
    rows.push({
      token: token.symbol,
      blockNumber: block,
      logIndex: log++,
      blockTime: time,
      txHash: `0x${(rows.length + 1).toString(16).padStart(64, '0')}`,
      fromAddress: from,
      toAddress: to,
      amount: amount.toString(),
    });
    move(from, to, amount);
  };
  const zero = address(0);
  for (const [to, amount] of [
    [REWARDS, 400_000_000n],
    [CEX, 100_000_000n],
    [CEX2, 100_000_000n],
    [POOL, 50_000_000n],
    [TEAM, 30_000_000n],
    [VESTING, 60_000_000n],
    [TREASURY, 40_000_000n],
  ] as const)
    push(zero, to as string, amount * UNIT, START);
  for (let h = 0; h < holders; h++) push(zero, address(0x10000 + h), BigInt(1 + (h % 97)) * UNIT, START);
  const perBlock = 10;
  const span = (DAYS * DAY_MS) / ((transfers - rows.length) / perBlock);
  let time = START;
  // Owners with several wallets, from a generator of their own so the rest of the history stays as it was: every
  // 50th transfer, one of an eighth of the holders funds a fresh wallet, or a funded wallet sends back to its funder.
  const ownerRand = random(40);
  const funded: { owner: string; wallet: string }[] = [];
  let fresh = 0;
  while (rows.length < transfers) {
    if (log >= perBlock) {
      block++;
      log = 0;
      time += span;
    }
    if (rows.length % 50 === 0) {
      const sweep = funded.length > 0 && ownerRand() < 0.3;
      const pick = funded[Math.floor(ownerRand() * funded.length)];
      if (sweep && pick) push(pick.wallet, pick.owner, UNIT / 4n, time);
      else {
        const owner = address(0x10000 + Math.floor(ownerRand() * (holders / 8)) * 8);
        const wallet = address(0x900000 + fresh++);
        funded.push({ owner, wallet });
        push(owner, wallet, UNIT, time);
      }
      continue;
    }
    const r = rand();
    const exchange = r < 0.5 ? CEX : r < 0.8 ? CEX2 : POOL;
    const amount = BigInt(1 + Math.floor(rand() * 50)) * (UNIT / 10n);
    if (r < 0.3) push(REWARDS as string, wallet(), amount, time);
    else if (r < 0.55) push(wallet(), exchange as string, amount / 4n, time);
    else if (r < 0.75) push(exchange as string, wallet(), amount, time);
    else if (r < 0.999) push(wallet(), wallet(), amount / 8n, time);
    else
      push(
        r < 0.9995 ? (TEAM as string) : (VESTING as string),
        r < 0.9997 ? (CEX as string) : wallet(),
        amount * 100n,
        time,
      );
  }
  const lastBlock = block;
  const blockTime = new Map<number, number>();
  for (const row of rows) blockTime.set(row.blockNumber, row.blockTime);

  await db.$client.execute('pragma wal_checkpoint(truncate)');
  const before = statSync(file).size;
  const written = Date.now();
  await writeTransaction(db, async (tx) => {
    for (let i = 0; i < rows.length; i += 1_000) await tx.insert(tokenTransfers).values(rows.slice(i, i + 1_000));
  });
  const writeSeconds = (Date.now() - written) / 1000;
  await db.$client.execute('pragma wal_checkpoint(truncate)');
  const after = statSync(file).size;

  // Weekly snapshots, replayed from the transfers: each holds every balance at its block.
  const snapshotBlocks = Array.from({ length: 14 }, (_, w) =>
    Math.max(1, Math.min(lastBlock, Math.round((lastBlock * w) / 13))),
  );
  const replay = new Map<string, bigint>();
  let next = 0;
  const saveAt = async (at: number): Promise<void> => {
    const held = [...replay].filter(([, b]) => b > 0n).map(([a, balance]) => ({ address: a, balance }));
    const snapshot = buildSnapshot({
      token,
      block: at,
      takenAt: blockTime.get(at) ?? START,
      holders: held,
      source: { kind: 'rpc', chainId: 1, block: at, contract: token.address ?? '' },
      totalSupply: held.reduce((s, h) => s + h.balance, 0n),
      simulated: true,
    });
    await saveSnapshot(db, snapshot, Date.now(), held);
  };
  const snapshotsWritten = Date.now();
  for (const [n, at] of snapshotBlocks.entries()) {
    while (next < rows.length && (rows[next]?.blockNumber ?? Infinity) <= at) {
      const row = rows[next++];
      if (!row) break;
      if (row.fromAddress !== zero)
        replay.set(row.fromAddress, (replay.get(row.fromAddress) ?? 0n) - BigInt(row.amount));
      replay.set(row.toAddress, (replay.get(row.toAddress) ?? 0n) + BigInt(row.amount));
    }
    if (n === snapshotBlocks.length - 1) break;
    await saveAt(at);
  }
  const cursor = {
    token: token.symbol,
    chainId: 1,
    contract: (token.address ?? '').toLowerCase(),
    scannedHash: null,
    reorgBelow: null,
    transfersFrom: 0,
    updatedAt: Date.now(),
  };
  await db.insert(tokenCursors).values({ ...cursor, nextBlock: lastBlock + 1 });
  const snapshotSeconds = (Date.now() - snapshotsWritten) / 1000;
  // Every span but the last, and the figures at the snapshot before the last: the state a scan finds.
  const warm = Date.now();
  await refreshFlows(db, token, Date.now());
  const warmSeconds = (Date.now() - warm) / 1000;
  const warmGroup = Date.now();
  await refreshEntities(db, token, Date.now());
  const warmGroupSeconds = (Date.now() - warmGroup) / 1000;
  // The new snapshot: one span more, figures 2–4 again.
  await saveAt(snapshotBlocks.at(-1) ?? lastBlock);
  const timed = Date.now();
  await refreshFlowSpans(db, token, Date.now());
  const spanSeconds = (Date.now() - timed) / 1000;
  await refreshFlowFigures(db, token, Date.now());
  const refreshSeconds = (Date.now() - timed) / 1000;
  // The owners at the new snapshot, in a process of their own: its peak memory is the grouping's alone.
  const idle = groupIn(file, token, { idleOnly: true });
  const child = groupIn(file, token, {});
  const [baseline, grouped] = [await idle, await child];
  const groupSeconds = grouped.seconds;
  const [summary] = (await entityGroupings(db, token.symbol)).slice(-1);

  const perMillion = ((after - before) / rows.length) * 1_000_000;
  console.log(
    `\n## flows: ${rows.length.toLocaleString('en')} transfers, ${holders.toLocaleString('en')} holders, 14 weekly snapshots`,
  );
  console.log(
    `transfers written in ${writeSeconds.toFixed(1)} s; storage ${(perMillion / 1e6).toFixed(0)} MB a million transfers, with their three indexes`,
  );
  console.log(
    `13 snapshots of every balance written in ${snapshotSeconds.toFixed(1)} s; every span and figure from scratch: ${warmSeconds.toFixed(2)} s`,
  );
  console.log(
    `after a new snapshot, figure 1's new span and figures 2–4: ${refreshSeconds.toFixed(2)} s (goal < 5 s; the span ${spanSeconds.toFixed(2)} s)`,
  );
  console.log(
    `owners grouped at the new snapshot: ${groupSeconds.toFixed(2)} s (goal < 10 s), peak memory ${((grouped.maxRssBytes - baseline.maxRssBytes) / 1e6).toFixed(0)} MB above the same process doing nothing (${(grouped.maxRssBytes / 1e6).toFixed(0)} MB against ${(baseline.maxRssBytes / 1e6).toFixed(0)} MB: Node's TypeScript loader and the driver); ${summary?.summary.entities ?? 0} multi-wallet owners of ${summary?.summary.groupedWallets ?? 0} wallets, ${summary?.summary.largeClusters.length ?? 0} large clusters; all 14 snapshots from scratch ${warmGroupSeconds.toFixed(1)} s`,
  );
  saveResults('flows', {
    groupSeconds,
    groupMaxRssBytes: grouped.maxRssBytes,
    groupIdleRssBytes: baseline.maxRssBytes,
    warmGroupSeconds,
    transfers: rows.length,
    holders,
    writeSeconds,
    perMillionBytes: perMillion,
    warmSeconds,
    refreshSeconds,
  });
  db.$client.close();
}
