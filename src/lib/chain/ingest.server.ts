import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getAddress, type Hex, type PublicClient } from 'viem';
import { tokenBalances, tokenCursors } from '../../../db/schema.ts';
import {
  excludedValues,
  fieldOf,
  jsonRows,
  writeTransaction,
  type Database,
  type Queries,
} from '../platform/db/db.server.ts';
import { NON_HOLDERS, type Holder } from './holders-csv.ts';
import { isRangeTooLarge, isTransient, RangePlanner } from './ranges.ts';
import { saveSnapshot, type BalanceRow } from './repo.server.ts';
import type { TokenDefinition } from './schemas.ts';
import { buildSnapshot, type Snapshot } from './snapshot.ts';

const balanceRow = fieldOf<BalanceRow>();

/**
 * Ingestion of an ERC-20's Transfer logs into per-address balances, then one
 * snapshot at the last scanned block. Each block range's balance changes and
 * the cursor move commit in one transaction, so an interrupted run (Ctrl-C,
 * kill -9) resumes exactly where the last commit left it and ends with the
 * same balances as an uninterrupted one.
 */

/** keccak256("Transfer(address,address,uint256)") */
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const ZERO = '0x0000000000000000000000000000000000000000';

export class IngestError extends Error {
  override name = 'IngestError';
}

export interface Progress {
  fromBlock: number;
  toBlock: number;
  scannedTo: number;
  logs: number;
  logsPerSecond: number;
  etaSeconds: number | null;
}

export interface IngestOptions {
  db: Database;
  client: PublicClient;
  token: Pick<TokenDefinition, 'symbol' | 'chainId' | 'decimals' | 'deployBlock' | 'labels' | 'cohorts'>;
  contract: Hex;
  fromBlock?: number | undefined;
  toBlock?: number | undefined;
  simulated?: boolean;
  onProgress?: (progress: Progress) => void;
  /** Retries of a transient failure before giving up, with doubling waits from `backoffMs`. */
  retries?: number;
  backoffMs?: number;
  initialRange?: number;
}

interface RawLog {
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
}

type Retry = <T>(work: () => Promise<T>) => Promise<T>;

async function withRetries<T>(work: () => Promise<T>, retries: number, backoffMs: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || attempt >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** attempt));
    }
  }
}

const topicAddress = (topic: Hex | undefined): string => `0x${(topic ?? '').slice(26).toLowerCase()}`;

/** Checks the contract looks like the ERC-20 we were told about; one clear sentence when not. */
export async function checkContract(
  client: PublicClient,
  contract: Hex,
  decimals: number,
  retry: Retry,
): Promise<void> {
  const code = await retry(() => client.getCode({ address: contract }));
  if (!code || code === '0x') throw new IngestError(`there is no contract at ${contract} on this chain`);
  let onChainDecimals: number;
  try {
    const [supplyHex, decimalsHex] = await Promise.all([
      retry(() => client.call({ to: contract, data: '0x18160ddd' })), // totalSupply()
      retry(() => client.call({ to: contract, data: '0x313ce567' })), // decimals()
    ]);
    if (!supplyHex.data || supplyHex.data === '0x' || !decimalsHex.data || decimalsHex.data === '0x')
      throw new Error('empty');
    onChainDecimals = Number(BigInt(decimalsHex.data));
  } catch (error) {
    // A node that stays unreachable is not the contract's fault: say that instead.
    if (isTransient(error)) throw error;
    throw new IngestError(`${contract} does not look like an ERC-20 (totalSupply() or decimals() failed)`);
  }
  if (onChainDecimals !== decimals) {
    throw new IngestError(`${contract} has ${onChainDecimals} decimals but the token definition says ${decimals}`);
  }
}

async function totalSupplyAt(client: PublicClient, contract: Hex, block: number): Promise<bigint> {
  const result = await client.call({ to: contract, data: '0x18160ddd', blockNumber: BigInt(block) });
  return BigInt(result.data ?? '0x0');
}

/**
 * Scans from the cursor (or `fromBlock`, or the deploy block) to `toBlock`
 * (default: latest), then writes a snapshot at `toBlock`.
 */
export async function ingest(options: IngestOptions): Promise<{ scannedTo: number; logs: number; snapshot: Snapshot }> {
  const { db, client, token, retries = 5, backoffMs = 200 } = options;
  const contract = options.contract.toLowerCase() as Hex;
  const retry: Retry = (work) => withRetries(work, retries, backoffMs);
  const chainId = await retry(() => client.getChainId());
  if (chainId !== token.chainId) {
    throw new IngestError(`the RPC serves chain ${chainId}, but ${token.symbol} is defined on chain ${token.chainId}`);
  }
  await checkContract(client, contract, token.decimals, retry);

  const cursor = await db
    .select({ nextBlock: tokenCursors.nextBlock })
    .from(tokenCursors)
    .where(
      and(eq(tokenCursors.token, token.symbol), eq(tokenCursors.chainId, chainId), eq(tokenCursors.contract, contract)),
    )
    .get();
  const start = cursor ? cursor.nextBlock : (options.fromBlock ?? token.deployBlock);
  const end = options.toBlock ?? Number(await withRetries(() => client.getBlockNumber(), retries, backoffMs));
  if (end < start - 1) throw new IngestError(`--to-block ${end} is before the next block to scan (${start})`);

  const planner = new RangePlanner(options.initialRange);
  const began = performance.now();
  let logs = 0;
  let from = start;
  // Before the first range, so a failure there can say where the scan stood.
  options.onProgress?.({
    fromBlock: start,
    toBlock: end,
    scannedTo: start - 1,
    logs: 0,
    logsPerSecond: 0,
    etaSeconds: null,
  });
  while (from <= end) {
    const range = planner.next(from, end);
    let batch: RawLog[];
    try {
      batch = await withRetries(
        () =>
          client.request({
            method: 'eth_getLogs',
            params: [
              {
                address: contract,
                topics: [TRANSFER_TOPIC],
                fromBlock: `0x${range.from.toString(16)}`,
                toBlock: `0x${range.to.toString(16)}`,
              },
            ],
          }) as Promise<RawLog[]>,
        retries,
        backoffMs,
      );
    } catch (error) {
      if (isRangeTooLarge(error) && planner.shrink()) continue;
      throw error;
    }
    await applyRange(db, token.symbol, chainId, contract, batch, range.to + 1);
    planner.succeeded();
    logs += batch.length;
    from = range.to + 1;
    if (options.onProgress) {
      const seconds = (performance.now() - began) / 1000;
      const done = from - start;
      const rate = done / Math.max(seconds, 1e-3);
      options.onProgress({
        fromBlock: start,
        toBlock: end,
        scannedTo: range.to,
        logs,
        logsPerSecond: logs / Math.max(seconds, 1e-3),
        etaSeconds: rate > 0 ? (end - range.to) / rate : null,
      });
    }
  }

  const balances = await storedBalances(db, token.symbol);
  const holders = balances.filter((h) => h.balance > 0n && !NON_HOLDERS.has(h.address));
  const [block, totalSupply] = await Promise.all([
    withRetries(() => client.getBlock({ blockNumber: BigInt(end) }), retries, backoffMs),
    withRetries(() => totalSupplyAt(client, contract, end), retries, backoffMs),
  ]);
  // Tokens still held by the burn sink count toward totalSupply but not toward holders.
  const burned = balances.filter((h) => NON_HOLDERS.has(h.address)).reduce((sum, h) => sum + h.balance, 0n);
  const snapshot = buildSnapshot({
    token,
    block: end,
    takenAt: Number(block.timestamp) * 1000,
    holders,
    source: { kind: 'rpc', chainId, block: end, contract: getAddress(contract) },
    totalSupply: totalSupply - burned,
    simulated: options.simulated ?? false,
  });
  await saveSnapshot(db, snapshot, Date.now(), holders);
  return { scannedTo: end, logs, snapshot };
}

/** One range: net balance changes for the addresses it touched, and the cursor, in one transaction. */
async function applyRange(
  db: Database,
  token: string,
  chainId: number,
  contract: string,
  batch: RawLog[],
  nextBlock: number,
): Promise<void> {
  const deltas = new Map<string, bigint>();
  for (const log of batch) {
    if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length < 3) continue;
    const value = BigInt(log.data === '0x' ? 0 : log.data);
    const from = topicAddress(log.topics[1]);
    const to = topicAddress(log.topics[2]);
    // The zero address is where mints come from and burns go: it holds nothing.
    if (from !== ZERO) deltas.set(from, (deltas.get(from) ?? 0n) - value);
    if (to !== ZERO) deltas.set(to, (deltas.get(to) ?? 0n) + value);
  }
  await writeTransaction(db, async (tx) => {
    const writes: BatchItem<'sqlite'>[] = [];
    if (deltas.size > 0) {
      const current = await storedBalances(tx, token, [...deltas.keys()]);
      const balances = new Map(current.map((h) => [h.address, h.balance]));
      const updated: BalanceRow[] = [];
      const emptied: string[] = [];
      for (const [address, delta] of deltas) {
        const balance = (balances.get(address) ?? 0n) + delta;
        if (balance < 0n) {
          throw new IngestError(
            `${address} would hold a negative balance at block ${nextBlock - 1}: scanning must start at the token's deploy block`,
          );
        }
        if (balance === 0n) emptied.push(address);
        else updated.push({ address, balance: balance.toString() });
      }
      if (updated.length > 0) {
        writes.push(
          tx
            .insert(tokenBalances)
            .select((qb) =>
              qb
                .select({
                  token: sql<string>`${token}`.as(tokenBalances.token.name),
                  address: balanceRow('address', tokenBalances.address),
                  balance: balanceRow('balance', tokenBalances.balance),
                })
                .from(jsonRows(updated))
                // Without a WHERE, SQLite would read the ON of ON CONFLICT as a join constraint.
                .where(sql`true`),
            )
            .onConflictDoUpdate({
              target: [tokenBalances.token, tokenBalances.address],
              set: excludedValues(tokenBalances, ['balance']),
            }),
        );
      }
      // Addresses that sent everything are no longer holders; only this range's are checked.
      if (emptied.length > 0) {
        writes.push(
          tx.delete(tokenBalances).where(and(eq(tokenBalances.token, token), inJson(tokenBalances.address, emptied))),
        );
      }
    }
    const moveCursor = tx
      .insert(tokenCursors)
      .values({ token, chainId, contract, nextBlock, updatedAt: Date.now() })
      .onConflictDoUpdate({
        target: [tokenCursors.token, tokenCursors.chainId, tokenCursors.contract],
        set: excludedValues(tokenCursors, ['nextBlock', 'updatedAt']),
      });
    await tx.batch([moveCursor, ...writes]);
  });
}

/**
 * A token's stored balances, or only those of `addresses`. A relational
 * query because it reads the driver's rows as they come, where the select
 * builder first copies each one into an array: a quarter slower over a
 * token's 100,000 balances, which ingestion reads at the end of every run.
 */
async function storedBalances(q: Queries, token: string, addresses?: readonly string[]): Promise<Holder[]> {
  const rows = await q.query.tokenBalances.findMany({
    columns: { address: true, balance: true },
    where: and(
      eq(tokenBalances.token, token),
      addresses === undefined ? undefined : inJson(tokenBalances.address, addresses),
    ),
  });
  return rows.map((r) => ({ address: r.address, balance: BigInt(r.balance) }));
}

/**
 * `column IN` the given values, sent as one JSON parameter: a range can touch
 * thousands of addresses, more than SQLite binds as separate parameters.
 */
function inJson(column: SQLiteColumn, values: readonly string[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
