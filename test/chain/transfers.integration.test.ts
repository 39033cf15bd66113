import { asc, eq } from 'drizzle-orm';
import { parseEventLogs, type Hex, type TransactionReceipt } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainBlocks, tokenBalances, tokenCursors, tokenTransfers } from '../../db/schema.ts';
import { ingest, IngestError, rewindTo } from '../../src/lib/chain/ingest.server.ts';
import { listSnapshots } from '../../src/lib/chain/repo.server.ts';
import type { Database } from '../../src/lib/platform/db/db.server.ts';
import { deployToken, fund, startChain, TOKEN_ABI, transferFrom, type LocalChain } from '../helpers/chain.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * Ingestion keeps every Transfer, on a real local chain (Hardhat): each row is checked against the receipts
 * of the transactions this test sent (not against what the ingestion read); runs that stop part-way end
 * with the same rows as one run; a reorganisation deeper than the confirmations is found, nothing is
 * written, and a rewind ends with the transfers and balances a fresh ingestion gives.
 */

const TOKEN = {
  symbol: 'TFR',
  chainId: 31337,
  decimals: 18,
  deployBlock: 0,
  labels: {},
  cohorts: { whale: 0.1, dolphin: 0.01, fish: 0.001 },
};
const ZERO = '0x0000000000000000000000000000000000000000';
const DEAD = '0x000000000000000000000000000000000000dead';

let chain: LocalChain;
let contract: Hex;
let accounts: PrivateKeyAccount[];
/** Every Transfer the test caused, from its own receipts, in chain order. */
const sent: ExpectedTransfer[] = [];

interface ExpectedTransfer {
  blockNumber: number;
  logIndex: number;
  txHash: string;
  fromAddress: string;
  toAddress: string;
  amount: string;
}

const units = (n: number | bigint): bigint => BigInt(n) * 10n ** 18n;

async function receiptOf(hash: Hex): Promise<TransactionReceipt> {
  return chain.publicClient.waitForTransactionReceipt({ hash });
}

/** What a receipt's Transfer events say, as the rows ingestion should store. */
function transfersIn(receipt: TransactionReceipt): ExpectedTransfer[] {
  return parseEventLogs({ abi: TOKEN_ABI, logs: receipt.logs, eventName: 'Transfer' }).map((log) => {
    const args = (log as unknown as { args: { from: Hex; to: Hex; value: bigint } }).args;
    return {
      blockNumber: Number(log.blockNumber),
      logIndex: log.logIndex,
      txHash: log.transactionHash.toLowerCase(),
      fromAddress: args.from.toLowerCase(),
      toAddress: args.to.toLowerCase(),
      amount: args.value.toString(),
    };
  });
}

async function mint(to: Hex[], amounts: bigint[]): Promise<ExpectedTransfer[]> {
  const hash = await chain.wallet.writeContract({
    address: contract,
    abi: TOKEN_ABI,
    functionName: 'mintMany',
    args: [to, amounts],
    account: chain.deployer,
    chain: null,
  });
  return transfersIn(await receiptOf(hash));
}

async function send(from: PrivateKeyAccount, to: Hex, amount: bigint): Promise<ExpectedTransfer[]> {
  return transfersIn(await transferFrom(chain, contract, from, to, amount));
}

const head = async (): Promise<number> => Number(await chain.publicClient.getBlockNumber());

const rpc = <T>(method: string, params: unknown[] = []): Promise<T> =>
  chain.publicClient.request({ method: method as never, params: params as never }) as Promise<T>;

function run(db: Database, extra: { toBlock?: number; confirmations?: number; fromBlock?: number } = {}) {
  return ingest({ db, client: chain.publicClient, token: TOKEN, contract, ...extra });
}

async function storedTransfers(db: Database) {
  return db
    .select({
      blockNumber: tokenTransfers.blockNumber,
      logIndex: tokenTransfers.logIndex,
      blockTime: tokenTransfers.blockTime,
      txHash: tokenTransfers.txHash,
      fromAddress: tokenTransfers.fromAddress,
      toAddress: tokenTransfers.toAddress,
      amount: tokenTransfers.amount,
    })
    .from(tokenTransfers)
    .where(eq(tokenTransfers.token, TOKEN.symbol))
    .orderBy(asc(tokenTransfers.blockNumber), asc(tokenTransfers.logIndex));
}

async function storedBalances(db: Database): Promise<Record<string, string>> {
  const rows = await db.select().from(tokenBalances).where(eq(tokenBalances.token, TOKEN.symbol));
  return Object.fromEntries(
    rows.map((r): [string, string] => [r.address, r.balance]).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Balances computed from the test's own transfers: what ingestion must end with. */
function balancesFrom(transfers: readonly ExpectedTransfer[]): Record<string, string> {
  const balances = new Map<string, bigint>();
  for (const t of transfers) {
    if (t.fromAddress !== ZERO) balances.set(t.fromAddress, (balances.get(t.fromAddress) ?? 0n) - BigInt(t.amount));
    if (t.toAddress !== ZERO) balances.set(t.toAddress, (balances.get(t.toAddress) ?? 0n) + BigInt(t.amount));
  }
  return Object.fromEntries(
    [...balances]
      .filter(([, b]) => b !== 0n)
      .map(([a, b]): [string, string] => [a, b.toString()])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

beforeAll(async () => {
  chain = await startChain();
  contract = await deployToken(chain, 'Transfer Token', 'TFR');
  accounts = Array.from({ length: 4 }, () => privateKeyToAccount(generatePrivateKey()));
  for (const account of accounts) await fund(chain, account.address);
  const [a, b, c, d] = accounts as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount];
  // One transaction with several logs, then single transfers over several blocks, a burn, an emptied wallet.
  sent.push(...(await mint([a.address, b.address, c.address], [units(100), units(50), units(7)])));
  sent.push(...(await send(a, b.address, units(10))));
  sent.push(...(await send(b, d.address, units(25))));
  sent.push(...(await send(c, DEAD, units(2))));
  sent.push(...(await send(c, a.address, units(5))));
  sent.push(...(await send(d, a.address, 123_456_789n)));
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

let temp: Awaited<ReturnType<typeof tempDatabase>>;
beforeEach(async () => {
  temp?.dispose();
  temp = await tempDatabase();
});
afterAll(() => temp?.dispose());

describe('ingestion keeps the transfers', () => {
  it('stores every Transfer as the receipts say, with its block’s time, in (block, log index) order', async () => {
    const result = await run(temp.db);
    const rows = await storedTransfers(temp.db);
    expect(rows.map(({ blockTime: _, ...row }) => row)).toEqual(sent);
    for (const row of rows) {
      const block = await chain.publicClient.getBlock({ blockNumber: BigInt(row.blockNumber) });
      expect(row.blockTime).toBe(Number(block.timestamp) * 1000);
    }
    expect(await storedBalances(temp.db)).toEqual(balancesFrom(sent));
    // A second run finds nothing new and adds nothing.
    const again = await run(temp.db);
    expect(again.logs).toBe(0);
    expect(await storedTransfers(temp.db)).toEqual(rows);
    expect(result.scannedTo).toBe(await head());
  });

  it('ends with the same transfers and balances after runs that stopped part-way as after one run', async () => {
    const end = await head();
    const middle = sent[Math.floor(sent.length / 2)]?.blockNumber ?? 1;
    for (const stop of [middle - 1, middle, end]) await run(temp.db, { toBlock: stop });
    const whole = await tempDatabase();
    try {
      await run(whole.db);
      expect(await storedTransfers(temp.db)).toEqual(await storedTransfers(whole.db));
      expect(await storedBalances(temp.db)).toEqual(await storedBalances(whole.db));
    } finally {
      whole.dispose();
    }
  });

  it('reads a block again from the chain when the hash stored for it (by another token’s scan) is another fork’s', async () => {
    const first = sent[0]?.blockNumber ?? 1;
    await run(temp.db, { toBlock: first - 1 });
    const later = sent.at(-1)?.blockNumber ?? 1;
    await temp.db.insert(chainBlocks).values({ chainId: 31337, number: later, hash: '0xforgotten', timestamp: 1 });
    await run(temp.db);
    expect((await storedTransfers(temp.db)).map(({ blockTime: _, ...row }) => row)).toEqual(sent);
    const [block] = await temp.db.select().from(chainBlocks).where(eq(chainBlocks.number, later));
    expect(block?.hash).toBe((await chain.publicClient.getBlock({ blockNumber: BigInt(later) })).hash.toLowerCase());
  });

  it('stays the confirmations behind the head, and refuses an explicit block nearer than that', async () => {
    const now = await head();
    const result = await run(temp.db, { confirmations: 2 });
    expect(result.scannedTo).toBe(now - 2);
    expect((await storedTransfers(temp.db)).every((t) => t.blockNumber <= now - 2)).toBe(true);
    await expect(run(temp.db, { confirmations: 2, toBlock: now })).rejects.toThrow(
      `--to-block ${now} is not yet 2 blocks deep (the head is ${now}): ingestion reads up to block ${now - 2}`,
    );
  });
});

describe('a reorganisation below what was scanned', () => {
  it('is found, writes nothing, stops every run until a rewind, and the rewind ends as a fresh ingestion', async () => {
    const [a, b] = accounts as [PrivateKeyAccount, PrivateKeyAccount];
    const before = await head();
    const fork = await rpc<Hex>('evm_snapshot');
    // The branch that will be replaced: two transfers, scanned and snapshotted.
    await send(a, b.address, units(1));
    await send(b, a.address, units(2));
    await run(temp.db);
    const scanned = {
      transfers: await storedTransfers(temp.db),
      balances: await storedBalances(temp.db),
      snapshots: (await listSnapshots(temp.db, TOKEN.symbol)).length,
    };
    // The chain drops that branch and grows another, longer, at the same heights.
    expect(await rpc<boolean>('evm_revert', [fork])).toBe(true);
    const replacing = [
      ...(await send(b, a.address, units(3))),
      ...(await send(a, accounts[2]?.address ?? ZERO, units(4))),
      ...(await send(a, accounts[3]?.address ?? ZERO, units(1))),
    ];

    const refused = run(temp.db);
    await expect(refused).rejects.toBeInstanceOf(IngestError);
    await expect(refused).rejects.toThrow(`the chain reorganised below block ${before + 1}`);
    await expect(refused).rejects.toThrow(`npm run snapshot -- TFR --rewind-to ${before}`);
    expect(await storedTransfers(temp.db)).toEqual(scanned.transfers);
    expect(await storedBalances(temp.db)).toEqual(scanned.balances);
    expect(await listSnapshots(temp.db, TOKEN.symbol)).toHaveLength(scanned.snapshots);
    const [cursor] = await temp.db.select().from(tokenCursors);
    expect(cursor?.reorgBelow).toBe(before + 1);
    // Still refused on the next run, though nothing new happened on the chain.
    await expect(run(temp.db)).rejects.toThrow('the chain reorganised below block');

    const key = { token: TOKEN.symbol, chainId: 31337, contract: contract.toLowerCase() };
    await expect(rewindTo(temp.db, key, before + 1)).rejects.toThrow(
      `the chain reorganised below block ${before + 1}: rewind to block ${before} or earlier`,
    );
    const rewound = await rewindTo(temp.db, key, before);
    expect(rewound.transfers).toBe(2);
    expect(rewound.snapshots).toBe(1);
    await run(temp.db);
    const fresh = await tempDatabase();
    try {
      await run(fresh.db);
      expect(await storedTransfers(temp.db)).toEqual(await storedTransfers(fresh.db));
      expect(await storedBalances(temp.db)).toEqual(await storedBalances(fresh.db));
      expect(await storedBalances(temp.db)).toEqual(balancesFrom([...sent, ...replacing]));
    } finally {
      fresh.dispose();
    }
    // The snapshot of the replaced branch is kept and marked; the new one is not.
    const snapshots = await listSnapshots(temp.db, TOKEN.symbol);
    expect(snapshots.filter((s) => s.reorganised).map((s) => s.block)).toEqual([before + 2]);
    expect(snapshots.at(-1)?.reorganised).toBe(false);
    // The blocks kept are the new branch's.
    const blocks = await temp.db
      .select()
      .from(chainBlocks)
      .where(eq(chainBlocks.number, before + 1));
    const block = await chain.publicClient.getBlock({ blockNumber: BigInt(before + 1) });
    expect(blocks[0]?.hash).toBe(block.hash.toLowerCase());
  });

  it('refuses a rewind below the first block whose transfers are kept, or with nothing to rewind', async () => {
    const start = (sent[2]?.blockNumber ?? 3) - 1;
    await run(temp.db, { toBlock: start - 1 });
    // Pretend the first blocks were scanned before transfers were kept (migration 0022 sets this).
    await temp.db.update(tokenCursors).set({ transfersFrom: start });
    await run(temp.db);
    const key = { token: TOKEN.symbol, chainId: 31337, contract: contract.toLowerCase() };
    await expect(rewindTo(temp.db, key, start - 2)).rejects.toThrow(
      `TFR's transfers are kept from block ${start} only: rewind to block ${start - 1} or later`,
    );
    await expect(rewindTo(temp.db, key, await head())).rejects.toThrow('nothing to rewind');
  });
});
