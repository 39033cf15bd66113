import { and, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getAddress, type Hex, type PublicClient } from 'viem';
import { chainBlocks, tokenBalances, tokenCursors, tokenSnapshots, tokenTransfers } from '../../../db/schema.ts';
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
 * Ingestion of an ERC-20's Transfer logs into per-address balances and the
 * transfers themselves, then one snapshot at the last scanned block. Each
 * block range's transfers, balance changes, block times and the cursor move
 * commit in one transaction, so an interrupted run (Ctrl-C, kill -9) resumes
 * exactly where the last commit left it and ends with the same transfers and
 * balances as an uninterrupted one.
 *
 * Reorganisations: a run stays `confirmations` blocks behind the head, and
 * first checks that the block it last scanned still has the hash it had. If
 * not, it writes nothing but the finding (the cursor's `reorgBelow`), and no
 * run writes for the token until `rewindTo` takes it back below the change.
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
  /** Blocks to stay behind the head (confirmationsFor); an explicit `toBlock` may not go nearer. */
  confirmations?: number;
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
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
}

/** A Transfer as stored (token_transfers), without its token. */
type TransferRow = Omit<typeof tokenTransfers.$inferSelect, 'token'>;

/** A block as read from the chain (chain_blocks). */
interface BlockRow {
  number: number;
  hash: string;
  timestamp: number;
}

const transferRow = fieldOf<TransferRow>();
const blockRow = fieldOf<BlockRow>();

/** Blocks asked for at once when a range's block times are read. */
const BLOCK_READS_AT_ONCE = 16;

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
 * (default: the head less the confirmations), then writes a snapshot there.
 */
export async function ingest(options: IngestOptions): Promise<{ scannedTo: number; logs: number; snapshot: Snapshot }> {
  const { db, client, token, retries = 5, backoffMs = 200, confirmations = 0 } = options;
  const contract = options.contract.toLowerCase() as Hex;
  const retry: Retry = (work) => withRetries(work, retries, backoffMs);
  const chainId = await retry(() => client.getChainId());
  if (chainId !== token.chainId) {
    throw new IngestError(`the RPC serves chain ${chainId}, but ${token.symbol} is defined on chain ${token.chainId}`);
  }
  await checkContract(client, contract, token.decimals, retry);
  const where = { token: token.symbol, chainId, contract };

  const cursor = await readCursor(db, where);
  if (cursor?.reorgBelow != null) throw reorgError(token.symbol, cursor.reorgBelow);
  if (cursor?.scannedHash && cursor.nextBlock > 0) {
    const below = await reorganisedBelow(db, client, retry, chainId, cursor.nextBlock - 1, cursor.scannedHash);
    if (below !== null) {
      // The finding is all this run writes: the token's scans stop until a rewind.
      await db.update(tokenCursors).set({ reorgBelow: below, updatedAt: Date.now() }).where(cursorIs(where));
      throw reorgError(token.symbol, below);
    }
  }
  const start = cursor ? cursor.nextBlock : (options.fromBlock ?? token.deployBlock);
  const head = Number(await retry(() => client.getBlockNumber()));
  const settled = head - confirmations;
  if (options.toBlock !== undefined && options.toBlock > settled) {
    throw new IngestError(
      `--to-block ${options.toBlock} is not yet ${confirmations} blocks deep (the head is ${head}): ` +
        `ingestion reads up to block ${settled}`,
    );
  }
  const end = options.toBlock ?? settled;
  if (end < start - 1) throw new IngestError(`--to-block ${end} is before the next block to scan (${start})`);
  const transfersFrom = cursor ? cursor.transfersFrom : start;

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
  let last: BlockRow | null = null;
  while (from <= end) {
    const range = planner.next(from, end);
    let batch: RawLog[];
    try {
      batch = await retry(
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
      );
    } catch (error) {
      if (isRangeTooLarge(error) && planner.shrink()) continue;
      throw error;
    }
    const numbers = [...new Set([...batch.map((log) => Number(log.blockNumber)), range.to])];
    const blocks = await readBlocks(db, client, retry, chainId, numbers);
    const differs = (log: RawLog): boolean => blocks.get(Number(log.blockNumber))?.hash !== log.blockHash.toLowerCase();
    // A block another token's scan stored before a reorganisation it has not found yet: the chain's own answer
    // replaces it (and the stored row, in this range's transaction).
    const stale = [...new Set(batch.filter(differs).map((log) => Number(log.blockNumber)))];
    if (stale.length > 0) {
      for (const [number, block] of await readBlocks(db, client, retry, chainId, stale, { fromChain: true })) {
        blocks.set(number, block);
      }
    }
    const changed = batch.find(differs);
    // Still another fork than the block read for it: the chain moved under this range.
    if (changed) {
      throw new IngestError(
        `block ${Number(changed.blockNumber)} changed while it was read (a reorganisation at the head): run again`,
      );
    }
    last = blocks.get(range.to) ?? null;
    await applyRange(db, { ...where, transfersFrom }, batch, blocks, range.to + 1);
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
  const [endBlock, totalSupply] = await Promise.all([
    last ?? readBlocks(db, client, retry, chainId, [end]).then((read) => read.get(end) ?? null),
    retry(() => totalSupplyAt(client, contract, end)),
  ]);
  if (!endBlock) throw new IngestError(`block ${end} could not be read`);
  // Tokens still held by the burn sink count toward totalSupply but not toward holders.
  const burned = balances.filter((h) => NON_HOLDERS.has(h.address)).reduce((sum, h) => sum + h.balance, 0n);
  const snapshot = buildSnapshot({
    token,
    block: end,
    takenAt: endBlock.timestamp,
    holders,
    source: { kind: 'rpc', chainId, block: end, contract: getAddress(contract) },
    totalSupply: totalSupply - burned,
    simulated: options.simulated ?? false,
  });
  await saveSnapshot(db, snapshot, Date.now(), holders);
  return { scannedTo: end, logs, snapshot };
}

interface CursorKey {
  token: string;
  chainId: number;
  contract: string;
}

const cursorIs = (key: CursorKey): SQL | undefined =>
  and(
    eq(tokenCursors.token, key.token),
    eq(tokenCursors.chainId, key.chainId),
    eq(tokenCursors.contract, key.contract),
  );

async function readCursor(q: Queries, key: CursorKey) {
  return q
    .select({
      nextBlock: tokenCursors.nextBlock,
      scannedHash: tokenCursors.scannedHash,
      reorgBelow: tokenCursors.reorgBelow,
      transfersFrom: tokenCursors.transfersFrom,
    })
    .from(tokenCursors)
    .where(cursorIs(key))
    .get();
}

function reorgError(symbol: string, below: number): IngestError {
  return new IngestError(
    `the chain reorganised below block ${below}, under blocks ${symbol} has scanned; nothing was written. ` +
      `Rewind with: npm run snapshot -- ${symbol} --rewind-to ${below - 1}`,
  );
}

/**
 * Whether the chain still has, at the last scanned block, the hash it had when scanned; if not, the lowest
 * block whose stored hash no longer matches, as far as the stored blocks (those with transfers) tell:
 * everything from there up is in doubt. Null when nothing changed.
 */
async function reorganisedBelow(
  db: Database,
  client: PublicClient,
  retry: Retry,
  chainId: number,
  scanned: number,
  scannedHash: string,
): Promise<number | null> {
  const hashAt = async (number: number): Promise<string> =>
    (await retry(() => client.getBlock({ blockNumber: BigInt(number) }))).hash.toLowerCase();
  if ((await hashAt(scanned)) === scannedHash) return null;
  let below = scanned;
  // Walk down the stored blocks until one still matches (a reorganisation is rarely more than a few deep).
  const stored = await db
    .select({ number: chainBlocks.number, hash: chainBlocks.hash })
    .from(chainBlocks)
    .where(and(eq(chainBlocks.chainId, chainId), sql`${chainBlocks.number} < ${scanned}`))
    .orderBy(desc(chainBlocks.number))
    .limit(256);
  for (const block of stored) {
    if ((await hashAt(block.number)) === block.hash) break;
    below = block.number;
  }
  return below;
}

/**
 * The blocks' hashes and times: those already read from the stored ones, the others from the chain, a few at
 * a time. Stored ones are the chain's as far as this scan goes: the run checked its last block first.
 */
async function readBlocks(
  db: Database,
  client: PublicClient,
  retry: Retry,
  chainId: number,
  numbers: readonly number[],
  options: { fromChain?: boolean } = {},
): Promise<Map<number, BlockRow>> {
  const found = new Map<number, BlockRow>();
  if (numbers.length === 0) return found;
  if (!options.fromChain) {
    const stored = await db
      .select({ number: chainBlocks.number, hash: chainBlocks.hash, timestamp: chainBlocks.timestamp })
      .from(chainBlocks)
      .where(and(eq(chainBlocks.chainId, chainId), inJson(chainBlocks.number, numbers)));
    for (const block of stored) found.set(block.number, block);
  }
  const missing = numbers.filter((n) => !found.has(n));
  for (let i = 0; i < missing.length; i += BLOCK_READS_AT_ONCE) {
    const read = await Promise.all(
      missing
        .slice(i, i + BLOCK_READS_AT_ONCE)
        .map((number) => retry(() => client.getBlock({ blockNumber: BigInt(number) }))),
    );
    for (const block of read) {
      const number = Number(block.number);
      found.set(number, { number, hash: block.hash.toLowerCase(), timestamp: Number(block.timestamp) * 1000 });
    }
  }
  return found;
}

/**
 * One range: its transfers, the net balance changes for the addresses it touched, its blocks and the cursor,
 * in one transaction.
 */
async function applyRange(
  db: Database,
  key: CursorKey & { transfersFrom: number | null },
  batch: RawLog[],
  blocks: Map<number, BlockRow>,
  nextBlock: number,
): Promise<void> {
  const { token, chainId } = key;
  const deltas = new Map<string, bigint>();
  const transfers: TransferRow[] = [];
  for (const log of batch) {
    if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length < 3) continue;
    const value = BigInt(log.data === '0x' ? 0 : log.data);
    const from = topicAddress(log.topics[1]);
    const to = topicAddress(log.topics[2]);
    const blockNumber = Number(log.blockNumber);
    transfers.push({
      blockNumber,
      logIndex: Number(log.logIndex),
      blockTime: blocks.get(blockNumber)?.timestamp ?? 0,
      txHash: log.transactionHash.toLowerCase(),
      fromAddress: from,
      toAddress: to,
      amount: value.toString(),
    });
    // The zero address is where mints come from and burns go: it holds nothing.
    if (from !== ZERO) deltas.set(from, (deltas.get(from) ?? 0n) - value);
    if (to !== ZERO) deltas.set(to, (deltas.get(to) ?? 0n) + value);
  }
  await writeTransaction(db, async (tx) => {
    const writes: BatchItem<'sqlite'>[] = await balanceWrites(tx, token, deltas, nextBlock - 1);
    if (transfers.length > 0) {
      writes.push(
        tx
          .insert(tokenTransfers)
          .select((qb) =>
            qb
              .select({
                token: sql<string>`${token}`.as(tokenTransfers.token.name),
                blockNumber: transferRow('blockNumber', tokenTransfers.blockNumber),
                logIndex: transferRow('logIndex', tokenTransfers.logIndex),
                blockTime: transferRow('blockTime', tokenTransfers.blockTime),
                txHash: transferRow('txHash', tokenTransfers.txHash),
                fromAddress: transferRow('fromAddress', tokenTransfers.fromAddress),
                toAddress: transferRow('toAddress', tokenTransfers.toAddress),
                amount: transferRow('amount', tokenTransfers.amount),
              })
              .from(jsonRows(transfers))
              .where(sql`true`),
          )
          .onConflictDoNothing(),
      );
    }
    // The range's blocks with transfers, and its last (the cursor's hash): what readBlocks was asked for.
    const kept = [...blocks.values()];
    if (kept.length > 0) {
      writes.push(
        tx
          .insert(chainBlocks)
          .select((qb) =>
            qb
              .select({
                chainId: sql<number>`${chainId}`.as(chainBlocks.chainId.name),
                number: blockRow('number', chainBlocks.number),
                hash: blockRow('hash', chainBlocks.hash),
                timestamp: blockRow('timestamp', chainBlocks.timestamp),
              })
              .from(jsonRows(kept))
              .where(sql`true`),
          )
          .onConflictDoUpdate({
            target: [chainBlocks.chainId, chainBlocks.number],
            set: excludedValues(chainBlocks, ['hash', 'timestamp']),
          }),
      );
    }
    const moveCursor = tx
      .insert(tokenCursors)
      .values({
        ...key,
        nextBlock,
        scannedHash: blocks.get(nextBlock - 1)?.hash ?? null,
        updatedAt: Date.now(),
      })
      .onConflictDoUpdate({
        target: [tokenCursors.token, tokenCursors.chainId, tokenCursors.contract],
        set: excludedValues(tokenCursors, ['nextBlock', 'scannedHash', 'updatedAt']),
      });
    await tx.batch([moveCursor, ...writes]);
  });
}

/** The writes that move balances by `deltas` (read inside the transaction); an address that empties leaves. */
async function balanceWrites(
  tx: Queries,
  token: string,
  deltas: Map<string, bigint>,
  atBlock: number,
): Promise<BatchItem<'sqlite'>[]> {
  const writes: BatchItem<'sqlite'>[] = [];
  if (deltas.size === 0) return writes;
  const current = await storedBalances(tx, token, [...deltas.keys()]);
  const balances = new Map(current.map((h) => [h.address, h.balance]));
  const updated: BalanceRow[] = [];
  const emptied: string[] = [];
  for (const [address, delta] of deltas) {
    const balance = (balances.get(address) ?? 0n) + delta;
    if (balance < 0n) {
      throw new IngestError(
        `${address} would hold a negative balance at block ${atBlock}: scanning must start at the token's deploy block`,
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
  return writes;
}

/**
 * Takes a token back to the end of block `toBlock` after a reorganisation: deletes its later transfers and
 * reverses their balance changes, marks its later snapshots as reorganised, and moves the cursor back, in
 * one transaction. The next run scans again from `toBlock + 1`. Refused below the first block whose
 * transfers are kept (balances there cannot be rebuilt from them).
 */
export async function rewindTo(
  db: Database,
  key: CursorKey,
  toBlock: number,
): Promise<{ transfers: number; snapshots: number }> {
  return writeTransaction(db, async (tx) => {
    const cursor = await readCursor(tx, key);
    if (!cursor) throw new IngestError(`${key.token} has never been scanned on chain ${key.chainId}`);
    const keptFrom = cursor.transfersFrom ?? cursor.nextBlock;
    if (toBlock < keptFrom - 1) {
      throw new IngestError(
        `${key.token}'s transfers are kept from block ${keptFrom} only: rewind to block ${keptFrom - 1} or later`,
      );
    }
    if (toBlock >= cursor.nextBlock - 1 && cursor.reorgBelow === null) {
      throw new IngestError(`${key.token} is scanned to block ${cursor.nextBlock - 1}: nothing to rewind`);
    }
    // Not below the reorganisation: the next run would only find it again.
    if (cursor.reorgBelow !== null && toBlock >= cursor.reorgBelow) {
      throw new IngestError(
        `the chain reorganised below block ${cursor.reorgBelow}: rewind to block ${cursor.reorgBelow - 1} or earlier`,
      );
    }
    const later = await tx
      .select({
        fromAddress: tokenTransfers.fromAddress,
        toAddress: tokenTransfers.toAddress,
        amount: tokenTransfers.amount,
      })
      .from(tokenTransfers)
      .where(and(eq(tokenTransfers.token, key.token), gt(tokenTransfers.blockNumber, toBlock)));
    const deltas = new Map<string, bigint>();
    for (const t of later) {
      const value = BigInt(t.amount);
      if (t.fromAddress !== ZERO) deltas.set(t.fromAddress, (deltas.get(t.fromAddress) ?? 0n) + value);
      if (t.toAddress !== ZERO) deltas.set(t.toAddress, (deltas.get(t.toAddress) ?? 0n) - value);
    }
    const writes = await balanceWrites(tx, key.token, deltas, toBlock);
    const block = await tx
      .select({ hash: chainBlocks.hash })
      .from(chainBlocks)
      .where(and(eq(chainBlocks.chainId, key.chainId), eq(chainBlocks.number, toBlock)))
      .get();
    const marked = await tx
      .update(tokenSnapshots)
      .set({ reorganised: true })
      .where(
        and(
          eq(tokenSnapshots.token, key.token),
          gt(tokenSnapshots.block, toBlock),
          eq(tokenSnapshots.reorganised, false),
        ),
      )
      .returning({ id: tokenSnapshots.id });
    await tx.batch([
      tx
        .delete(tokenTransfers)
        .where(and(eq(tokenTransfers.token, key.token), gt(tokenTransfers.blockNumber, toBlock))),
      // The hashes above are another fork's: read again when scanned again.
      tx.delete(chainBlocks).where(and(eq(chainBlocks.chainId, key.chainId), gt(chainBlocks.number, toBlock))),
      tx
        .update(tokenCursors)
        .set({ nextBlock: toBlock + 1, scannedHash: block?.hash ?? null, reorgBelow: null, updatedAt: Date.now() })
        .where(cursorIs(key)),
      ...writes,
    ]);
    return { transfers: later.length, snapshots: marked.length };
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
function inJson(column: SQLiteColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
