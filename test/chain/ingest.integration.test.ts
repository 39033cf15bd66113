import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { tokenTransfers } from '../../db/schema.ts';
import { listSnapshots, snapshotBalances } from '../../src/lib/chain/repo.server.ts';
import { migrateDatabase, openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { deployToken, fund, mintMany, startChain, transferFrom, TOKEN_ABI, type LocalChain } from '../helpers/chain.ts';
import { startSqld } from '../helpers/sqld.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEAD = '0x000000000000000000000000000000000000dEaD';
const EXCHANGE = '0x00000000000000000000000000000000000e0e0e';

let chain: LocalChain;
let token: Hex;
let dir: string;
let tokensDir: string;
let endBlock: number;
const holders: Hex[] = [];

beforeAll(async () => {
  chain = await startChain();
  token = await deployToken(chain);
  dir = mkdtempSync(join(tmpdir(), 'ingest-'));
  tokensDir = join(dir, 'tokens');
  mkdirSync(tokensDir);
  writeFileSync(
    join(tokensDir, 'tst.yaml'),
    `symbol: TST\nname: Test Token\nchainId: 31337\naddress: '${token}'\ndecimals: 18\ndeployBlock: 0\nrpcEnv: RPC_URL_31337\n` +
      `labels:\n  '${EXCHANGE}': { name: 'Test Exchange', kind: exchange }\n`,
  );
  // A known history: 60 holders minted uneven amounts, then transfers between funded
  // holders, one holder emptying its wallet, a burn to 0x…dEaD, deposits to an exchange.
  const accounts = Array.from({ length: 6 }, () => privateKeyToAccount(generatePrivateKey()));
  for (let i = 0; i < 60; i++)
    holders.push(
      i < accounts.length ? (accounts[i]?.address ?? '0x') : (`0x${(i + 1000).toString(16).padStart(40, '0')}` as Hex),
    );
  await mintMany(
    chain,
    token,
    holders,
    holders.map((_, i) => BigInt((i + 1) ** 2) * 10n ** 18n),
    25,
  );
  for (const account of accounts) await fund(chain, account.address);
  const [a, b, c, d] = accounts;
  if (!a || !b || !c || !d) throw new Error('accounts');
  await transferFrom(chain, token, a, b.address, 1n * 10n ** 18n); // a sends everything it has (1 token)
  await transferFrom(chain, token, b, EXCHANGE, 3n * 10n ** 18n);
  await transferFrom(chain, token, c, DEAD, 2n * 10n ** 18n);
  await transferFrom(chain, token, d, holders[40] ?? '0x', 5n * 10n ** 17n);
  endBlock = Number(await chain.publicClient.getBlockNumber());
});

afterAll(async () => {
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A database name in the temp dir, or a libSQL server's URL. */
function urlOf(db: string): string {
  return db.startsWith('http://') ? db : `file:${join(dir, db)}`;
}

function runSnapshot(
  dbName: string,
  rpc: string,
  extra: string[] = [],
): { done: Promise<{ code: number | null; output: string }>; kill: () => void } {
  const child = spawn(process.execPath, ['scripts/snapshot.ts', 'TST', '--rpc', rpc, ...extra], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: urlOf(dbName), TOKENS_DIR: tokensDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return {
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, output }))),
    kill: () => child.kill('SIGKILL'),
  };
}

async function storedBalances(dbName: string): Promise<Map<string, bigint>> {
  const db = await openDatabase({ url: urlOf(dbName) });
  await migrateDatabase(db);
  try {
    const rows = await db.$client.execute(
      "SELECT address, balance FROM token_balances WHERE token = 'TST' ORDER BY address",
    );
    return new Map(rows.rows.map((r) => [String(r.address), BigInt(String(r.balance))]));
  } finally {
    db.$client.close();
  }
}

/** The stored transfers in chain order. */
async function storedTransfers(dbName: string) {
  const db = await openDatabase({ url: urlOf(dbName) });
  await migrateDatabase(db);
  try {
    return await db
      .select()
      .from(tokenTransfers)
      .where(eq(tokenTransfers.token, 'TST'))
      .orderBy(asc(tokenTransfers.blockNumber), asc(tokenTransfers.logIndex));
  } finally {
    db.$client.close();
  }
}

async function chainBalances(): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>();
  for (const address of [...holders, EXCHANGE, DEAD]) {
    const balance = (await chain.publicClient.readContract({
      address: token,
      abi: TOKEN_ABI,
      functionName: 'balanceOf',
      args: [address],
      blockNumber: BigInt(endBlock),
    })) as bigint;
    if (balance > 0n) result.set(address.toLowerCase(), balance);
  }
  return result;
}

/** An independent, deliberately naive computation of the metrics (O(n²) Gini by mean absolute difference). */
function naiveMetrics(values: number[]): { gini: number; top10: number; nakamoto: number } {
  const total = values.reduce((a, b) => a + b, 0);
  let diff = 0;
  for (const x of values) for (const y of values) diff += Math.abs(x - y);
  const gini = diff / (2 * values.length * values.length * (total / values.length));
  const desc = [...values].sort((a, b) => b - a);
  const top10 = desc.slice(0, 10).reduce((a, b) => a + b, 0) / total;
  let running = 0;
  let nakamoto = 0;
  for (const v of desc) {
    running += v;
    nakamoto++;
    if (running > total / 2) break;
  }
  return { gini, top10, nakamoto };
}

/** A JSON-RPC proxy to the chain that refuses wide log ranges, rate-limits, and can slow down. */
function startProxy(
  upstream: string,
  behaviour: { maxRange?: number; every429?: number; delayMs?: number },
): Promise<{ url: string; server: Server }> {
  let count = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      count++;
      const request = JSON.parse(body) as {
        id: number;
        method: string;
        params: { fromBlock: string; toBlock: string }[];
      };
      if (behaviour.every429 && count % behaviour.every429 === 0) {
        res.writeHead(429, { 'content-type': 'text/plain' });
        res.end('Too Many Requests');
        return;
      }
      const range =
        request.method === 'eth_getLogs'
          ? Number(request.params[0]?.toBlock) - Number(request.params[0]?.fromBlock) + 1
          : 0;
      if (behaviour.maxRange && range > behaviour.maxRange) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: request.id,
            error: { code: -32005, message: 'query returned more than 10000 results' },
          }),
        );
        return;
      }
      setTimeout(
        () =>
          void fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
            async (r) => {
              res.writeHead(r.status, { 'content-type': 'application/json' });
              res.end(await r.text());
            },
          ),
        request.method === 'eth_getLogs' ? (behaviour.delayMs ?? 0) : 0,
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server });
    }),
  );
}

describe('npm run snapshot against a local EVM node', () => {
  it('ingests every Transfer and matches the chain and an independent computation', async () => {
    const run = await runSnapshot('full.db', chain.url, ['--to-block', String(endBlock)]).done;
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/blocks \d+\/\d+/);
    const stored = await storedBalances('full.db');
    expect(stored).toEqual(await chainBalances());

    const db = await openDatabase({ url: `file:${join(dir, 'full.db')}` });
    const [snapshot] = await listSnapshots(db, 'TST');
    const kept = await snapshotBalances(db, snapshot?.id ?? -1);
    db.$client.close();
    // The snapshot keeps every holder's balance, the burn sink left out.
    expect(new Map(kept.map((h) => [h.address, h.balance]))).toEqual(
      new Map([...stored].filter(([a]) => a !== DEAD.toLowerCase())),
    );
    expect(snapshot).toMatchObject({ block: endBlock, supplyDifference: null, simulated: false });
    expect(snapshot?.source).toMatchObject({ kind: 'rpc', chainId: 31337, block: endBlock });

    const real = [...(await chainBalances())].filter(([a]) => a !== DEAD.toLowerCase()).map(([, b]) => Number(b));
    const expected = naiveMetrics(real);
    expect(snapshot?.metrics.all.holderCount).toBe(real.length);
    expect(snapshot?.metrics.all.gini).toBeCloseTo(expected.gini, 9);
    expect(snapshot?.metrics.all.top10Share).toBeCloseTo(expected.top10, 12);
    expect(snapshot?.metrics.all.nakamoto).toBe(expected.nakamoto);
    // The exchange is measured in "all" and left out of "excluding labelled".
    expect(snapshot?.metrics.excludingLabelled.holderCount).toBe(real.length - 1);
    // The holder that sent everything is not a holder any more.
    expect(stored.has(holders[0]?.toLowerCase() ?? '')).toBe(false);
  });

  it('ingests into a libSQL server (sqld) exactly as into a file', async () => {
    const sqld = await startSqld();
    try {
      const run = await runSnapshot(sqld.url, chain.url, ['--to-block', String(endBlock)]).done;
      expect(run.code, run.output).toBe(0);
      expect(await storedBalances(sqld.url)).toEqual(await chainBalances());
      const db = await openDatabase({ url: sqld.url });
      const [snapshot] = await listSnapshots(db, 'TST');
      db.$client.close();
      expect(snapshot).toMatchObject({ block: endBlock, supplyDifference: null });
    } finally {
      await sqld.stop();
      sqld.cleanup();
    }
  });

  it('resumes from its cursor: two partial runs end exactly like one full run', async () => {
    const half = Math.floor(endBlock / 2);
    expect((await runSnapshot('resumed.db', chain.url, ['--to-block', String(half)]).done).code).toBe(0);
    expect((await runSnapshot('resumed.db', chain.url, ['--to-block', String(endBlock)]).done).code).toBe(0);
    expect(await storedBalances('resumed.db')).toEqual(await storedBalances('full.db'));
  });

  it('gets through "range too large" and 429 answers from the node with identical balances', async () => {
    const proxy = await startProxy(chain.url, { maxRange: 3, every429: 4 });
    try {
      const run = await runSnapshot('proxied.db', proxy.url, ['--to-block', String(endBlock)]).done;
      expect(run.code, run.output).toBe(0);
      expect(await storedBalances('proxied.db')).toEqual(await storedBalances('full.db'));
    } finally {
      proxy.server.close();
    }
    // Every fourth answer is a 429 and each is waited out: on a busy two-CPU machine this can pass a minute.
  }, 180_000);

  it('survives kill -9 in the middle of a scan: the re-run ends with identical balances and transfers', async () => {
    const proxy = await startProxy(chain.url, { maxRange: 1, delayMs: 60 });
    try {
      const first = runSnapshot('killed.db', proxy.url, ['--to-block', String(endBlock)]);
      await new Promise((r) => setTimeout(r, 1200));
      first.kill();
      const killed = await first.done;
      expect(killed.code).toBeNull();
      const partial = await storedBalances('killed.db');
      expect(partial).not.toEqual(await storedBalances('full.db'));
      const again = await runSnapshot('killed.db', chain.url, ['--to-block', String(endBlock)]).done;
      expect(again.code, again.output).toBe(0);
      expect(await storedBalances('killed.db')).toEqual(await storedBalances('full.db'));
      const transfers = await storedTransfers('full.db');
      expect(transfers.length).toBeGreaterThan(60);
      expect(await storedTransfers('killed.db')).toEqual(transfers);
    } finally {
      proxy.server.close();
    }
  });

  it.each([
    ['an address with no contract', ['--address', '0x0000000000000000000000000000000000000001'], 'no contract at'],
    ['an unreachable RPC', ['--rpc', 'http://127.0.0.1:9'], 'RPC unreachable'],
    ['a malformed address', ['--address', '0x123'], 'is not an address'],
  ])('ends with one clear line and exit 1 for %s, writing nothing', async (_name, args, message) => {
    const rpcIndex = args.indexOf('--rpc');
    const rpc = rpcIndex >= 0 ? (args[rpcIndex + 1] ?? '') : chain.url;
    const rest = rpcIndex >= 0 ? args.filter((_, i) => i !== rpcIndex && i !== rpcIndex + 1) : args;
    const run = await runSnapshot(`bad-${Math.random()}.db`, rpc, rest).done;
    expect(run.code).toBe(1);
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect(run.output).toContain(message);
  });

  it('refuses an RPC on another chain than the token definition names', async () => {
    writeFileSync(
      join(tokensDir, 'oth.yaml'),
      `symbol: OTH\nname: Other\nchainId: 8453\naddress: '${token}'\nrpcEnv: RPC_URL_8453\n`,
    );
    const child = spawn(process.execPath, ['scripts/snapshot.ts', 'OTH', '--rpc', chain.url], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${join(dir, 'other.db')}`, TOKENS_DIR: tokensDir },
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('the RPC serves chain 31337, but OTH is defined on chain 8453');
  });

  it('refuses a contract that is not an ERC-20', async () => {
    // A contract whose code is a single INVALID opcode: every call fails.
    const hash = await chain.wallet.sendTransaction({
      data: '0x60fe60005360016000f3',
      account: chain.deployer,
      chain: null,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    const run = await runSnapshot('not-erc20.db', chain.url, ['--address', receipt.contractAddress ?? '']).done;
    expect(run.code).toBe(1);
    expect(run.output).toContain('does not look like an ERC-20');
    expect((await storedBalances('not-erc20.db')).size).toBe(0);
  });
});
