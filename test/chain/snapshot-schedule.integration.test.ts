import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { getAddress, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchedule } from '../../db/schema.ts';
import { listSnapshots, snapshotBalances } from '../../src/lib/chain/repo.server.ts';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { deployToken, mintMany, startChain, TOKEN_ABI, type LocalChain } from '../helpers/chain.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startSqld, type Sqld } from '../helpers/sqld.ts';

/**
 * Scheduled snapshots on a real local chain. The demo token OPGSIM is the one
 * scheduled: its address is where the first contract of a fresh Hardhat chain
 * lands, and its page is in the build. Its fixture is not loaded
 * (DEMO_FIXTURE=none), so every snapshot here is one the scheduler took.
 */

const OPGSIM = loadTokenDefinition('OPGSIM');
const holders = (n: number, from = 0): Hex[] =>
  Array.from({ length: n }, (_, i) => `0x${(0xd00d0000 + from + i).toString(16).padStart(40, '0')}` as Hex);
const units = (n: number): bigint => BigInt(n) * 10n ** 18n;

interface Health {
  ok: boolean;
  snapshots: {
    token: string;
    scheduled: boolean;
    block: number | null;
    ageSeconds: number | null;
    lastError: string | null;
    failures: number;
    nextAttemptAt: string | null;
  }[];
}

async function health(server: TestServer): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${server.url}/api/health`);
  return { status: res.status, body: (await res.json()) as Health };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const opgsimOf = async (server: TestServer) => (await health(server)).body.snapshots.find((s) => s.token === 'OPGSIM');

/** Every holder's balance as the contract reports it now. */
async function chainBalances(chain: LocalChain, token: Hex, addresses: Hex[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const address of addresses) {
    const balance = (await chain.publicClient.readContract({
      address: token,
      abi: TOKEN_ABI,
      functionName: 'balanceOf',
      args: [address],
    })) as bigint;
    if (balance > 0n) out.set(address.toLowerCase(), balance);
  }
  return out;
}

async function storedBalances(databaseUrl: string): Promise<{ blocks: number[]; balances: Map<string, bigint> }> {
  const db = await openDatabase({ url: databaseUrl });
  try {
    const snapshots = await listSnapshots(db, 'OPGSIM');
    const latest = snapshots.at(-1);
    const balances = latest ? await snapshotBalances(db, latest.id) : [];
    return { blocks: snapshots.map((s) => s.block), balances: new Map(balances.map((b) => [b.address, b.balance])) };
  } finally {
    db.$client.close();
  }
}

const ENV = { DEMO_FIXTURE: 'none', SNAPSHOT_EVERY: '2s', SNAPSHOT_LEASE: '3s' };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * For a describe block: a fresh chain with the demo token, `count` holders minted `amount(i)` each, and a
 * server scanning it on the schedule. Read them from the returned object inside tests.
 */
function scheduledChain(count: number, amount: (i: number) => bigint) {
  const state = {} as { chain: LocalChain; token: Hex; server: TestServer };
  beforeAll(async () => {
    state.chain = await startChain();
    state.token = await deployToken(state.chain, 'OpenGradient (simulated)', 'OPGSIM');
    await mintMany(
      state.chain,
      state.token,
      holders(count),
      holders(count).map((_, i) => amount(i)),
    );
    state.server = await startServer({ env: { ...ENV, RPC_URL_31337: state.chain.url }, timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await state.server?.stop();
    state.server?.cleanup();
    await state.chain?.stop();
  });
  return state;
}

describe('snapshots on a schedule', () => {
  const env = scheduledChain(40, (i) => units(100 + i));

  it('is the demo token’s address on a fresh chain', () => {
    const { token } = env;
    expect(getAddress(token)).toBe(OPGSIM?.address);
  });

  it('takes one soon after start, in a child process, and another once the chain moves', async () => {
    const { chain, token, server } = env;
    expect(server.output()).toContain('snapshots: OPGSIM every 2 s');
    const first = await until('the first snapshot', async () => (await opgsimOf(server))?.block);
    expect(first).toBe(Number(await chain.publicClient.getBlockNumber()));
    await mintMany(
      chain,
      token,
      holders(10, 40),
      holders(10).map(() => units(5)),
    );
    const moved = Number(await chain.publicClient.getBlockNumber());
    await until('a snapshot at the new block', async () => (await opgsimOf(server))?.block === moved);
    const stored = await storedBalances(server.databaseUrl);
    expect(stored.balances).toEqual(await chainBalances(chain, token, holders(50)));
    // Scanned from the local test chain for the demo token: simulated, as the page says.
    const db = await openDatabase({ url: server.databaseUrl });
    try {
      expect((await listSnapshots(db, 'OPGSIM')).every((s) => s.simulated)).toBe(true);
    } finally {
      db.$client.close();
    }
    const entry = await opgsimOf(server);
    expect(entry).toMatchObject({ scheduled: true, lastError: null, failures: 0 });
    expect(entry?.ageSeconds).toBeLessThan(60);
  });

  it('says on the token page when the last one was taken and when the next is due', async () => {
    const { server } = env;
    const block = (await opgsimOf(server))?.block ?? -1;
    const page = await (await fetch(`${server.url}/tokens/opgsim/`)).text();
    // UTC times, not "3 s ago": the line stays true for as long as a cache keeps the page.
    const time = '\\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d\\d:\\d\\d UTC';
    expect(page).toMatch(
      new RegExp(
        `data-freshness[^>]*>\\s*Updated every 2 s; last snapshot ${time} \\(block ${block}\\); the next one is due (${time}|now)\\s*<`,
      ),
    );
  });
});

describe('a reorganisation under the scheduled scans', () => {
  const env = scheduledChain(10, () => units(10));

  it('stops the scans and says so on the token page and in health, until a rewind, after which they resume', async () => {
    const { chain, token, server } = env;
    const forkedAt = Number(await chain.publicClient.getBlockNumber());
    await until('the first snapshot', async () => (await opgsimOf(server))?.block === forkedAt);
    const fork = await chain.publicClient.request({ method: 'evm_snapshot' as never });
    // A branch the scheduler scans, then the chain drops it for a longer one.
    await mintMany(
      chain,
      token,
      holders(3, 100),
      holders(3).map(() => units(7)),
    );
    await until('a snapshot of the branch', async () => (await opgsimOf(server))?.block === forkedAt + 1);
    await chain.publicClient.request({ method: 'evm_revert' as never, params: [fork] as never });
    for (const from of [200, 300])
      await mintMany(
        chain,
        token,
        holders(2, from),
        holders(2).map(() => units(3)),
      );

    const found = await until('the reorganisation', async () => {
      const entry = (await opgsimOf(server)) as
        (Health['snapshots'][number] & { reorganisedBelow: number | null }) | undefined;
      return entry?.reorganisedBelow ? entry : null;
    });
    expect(found).toMatchObject({
      reorganisedBelow: forkedAt + 1,
      problem: `chain reorganised below block ${forkedAt + 1}`,
    });
    const page = await (await fetch(`${server.url}/tokens/opgsim/`)).text();
    expect(page).toContain(`The chain reorganised below block ${forkedAt + 1}; updates stop until the data is rewound`);
    // No scan starts while it stands: the schedule's last start stays where it was over several ticks.
    const startedAt = async () => {
      const db = await openDatabase({ url: server.databaseUrl });
      try {
        return (await db.select().from(snapshotSchedule))[0]?.lastStartedAt;
      } finally {
        db.$client.close();
      }
    };
    const before = await startedAt();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await startedAt()).toBe(before);

    const rewind = spawnSync(
      process.execPath,
      ['scripts/snapshot.ts', 'OPGSIM', '--rpc', chain.url, '--simulated', '--rewind-to', String(forkedAt)],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: server.databaseUrl }, encoding: 'utf8' },
    );
    expect(rewind.status, rewind.stderr).toBe(0);
    expect(rewind.stdout).toContain(
      `OPGSIM rewound to block ${forkedAt}: 3 later transfers undone, 1 later snapshots marked`,
    );
    const head = Number(await chain.publicClient.getBlockNumber());
    await until('the scans to resume', async () => {
      const entry = (await opgsimOf(server)) as
        (Health['snapshots'][number] & { reorganisedBelow: number | null }) | undefined;
      return entry?.reorganisedBelow === null && entry.block === head;
    });
    const stored = await storedBalances(server.databaseUrl);
    expect(stored.balances).toEqual(
      await chainBalances(chain, token, [...holders(10), ...holders(3, 100), ...holders(2, 200), ...holders(2, 300)]),
    );
  });
});

describe('a failing RPC', () => {
  let rpc: Server;
  let server: TestServer;

  beforeAll(async () => {
    rpc = createServer((_req, res) => res.writeHead(429, { 'retry-after': '1' }).end('slow down'));
    await new Promise<void>((resolve) => rpc.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`;
    server = await startServer({ env: { ...ENV, RPC_URL_31337: url }, timeoutMs: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    await new Promise((resolve) => rpc?.close(resolve));
  });

  it('keeps the failure in one line, backs off, and never fails health or the site', async () => {
    const failed = await until('a recorded failure', async () => {
      const entry = await opgsimOf(server);
      return entry && entry.failures > 0 ? entry : null;
    });
    expect(failed.lastError).toBe('RPC answered 429');
    expect(failed.block).toBeNull();
    const { status, body } = await health(server);
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    const page = await fetch(`${server.url}/tokens/opgsim/`);
    expect(page.status).toBe(200);
    // The reader learns that it failed and when it is tried again; what the RPC said stays in /api/health.
    const html = await page.text();
    expect(html).toMatch(
      /data-failing="true"[^>]*>\s*Updated every 2 s; no snapshot yet; the last attempt failed(; the next is due \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC| and is being retried now)\s*</,
    );
    expect(html).not.toContain('RPC answered');
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });
});

describe('two instances on one libSQL server, and a kill -9 mid-scan', () => {
  let chain: LocalChain;
  let token: Hex;
  let sqld: Sqld;
  let proxy: Server;
  let hold: (() => void) | null = null;
  let held = 0;
  let getLogs = 0;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    chain = await startChain();
    token = await deployToken(chain, 'OpenGradient (simulated)', 'OPGSIM');
    // Ten blocks of transfers, and an RPC in front of the chain that refuses ranges of more than two blocks,
    // so a scan is many ranges, each committed with the cursor.
    for (let i = 0; i < 10; i++)
      await mintMany(
        chain,
        token,
        holders(6, i * 6),
        holders(6).map(() => units(10 + i)),
      );
    proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const call = JSON.parse(body) as {
          id: number;
          method: string;
          params: { fromBlock: string; toBlock: string }[];
        };
        const forward = () =>
          fetch(chain.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
            async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
            () => res.destroy(),
          );
        if (call.method !== 'eth_getLogs') return void forward();
        const [range] = call.params;
        if (range && Number(range.toBlock) - Number(range.fromBlock) > 1) {
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              jsonrpc: '2.0',
              id: call.id,
              error: { code: -32005, message: 'block range too large' },
            }),
          );
        }
        getLogs++;
        // The third range of the first scan waits until the test lets it go (or its caller dies).
        if (getLogs === 3) {
          held++;
          hold = () => void forward();
          return;
        }
        void forward();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    sqld = await startSqld();
    const env = {
      ...ENV,
      SNAPSHOT_EVERY: '1h',
      // Longer than ENV's 3 s, so that a renewal delayed on a busy machine (every test file runs at once)
      // cannot lose the lease mid-scan. One CI run timed out waiting for the third range, which a lost lease
      // would explain; the instances' output now comes with that timeout.
      SNAPSHOT_LEASE: '8s',
      RPC_URL_31337: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    };
    servers.push(
      ...(await Promise.all([0, 1].map(() => startServer({ databaseUrl: sqld.url, env, timeoutMs: 60_000 })))),
    );
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) {
      await s.stop();
      s.cleanup();
    }
    await new Promise((resolve) => proxy?.close(resolve));
    await sqld?.stop();
    sqld?.cleanup();
    await chain?.stop();
  });

  it('lets exactly one scan; after the holder dies another takes over: no gap, no double, balances identical', async () => {
    await until('a scan to reach its third range', async () => held === 1).catch((error: Error) => {
      throw new Error(`${error.message}\n${servers.map((s, i) => `instance ${i}:\n${s.output()}`).join('\n')}`);
    });
    const db = await openDatabase({ url: sqld.url });
    try {
      const [lease] = await db.select().from(snapshotSchedule);
      const holder = servers.find((s) => lease?.holder?.includes(`:${s.pid}:`));
      const other = servers.find((s) => s !== holder);
      if (!holder || !other) throw new Error(`no instance holds the lease: ${JSON.stringify(lease)}`);
      // Mid-scan: two ranges are committed, the third is in flight.
      await holder.kill();
      hold?.();
      const end = Number(await chain.publicClient.getBlockNumber());
      // The snapshot shows before the lease is given back (the release is the scan's last write).
      const released = async () => (await db.select().from(snapshotSchedule))[0]?.holder === null;
      await until(
        'the other instance to finish the scan and give the lease back',
        async () => (await opgsimOf(other))?.block === end && (await released()),
        60_000,
      );
      const stored = await storedBalances(sqld.url);
      // One snapshot, at the chain's head, whose balances are the contract's: nothing skipped, nothing counted twice.
      expect(stored.blocks).toEqual([end]);
      expect(stored.balances).toEqual(await chainBalances(chain, token, holders(60)));
      const [after] = await db.select().from(snapshotSchedule);
      expect(after).toMatchObject({ holder: null, failures: 0, lastBlock: end });
      expect(other.output()).toContain('snapshots: OPGSIM: snapshot taken');
      // Only one instance ever ran a scan at a time: the held range was the only one held.
      expect(held).toBe(1);
    } finally {
      db.$client.close();
    }
  });
});

describe('an instance stopped mid-scan', () => {
  let chain: LocalChain;
  let proxy: Server;
  let server: TestServer;
  let held = 0;

  beforeAll(async () => {
    chain = await startChain();
    const token = await deployToken(chain, 'OpenGradient (simulated)', 'OPGSIM');
    await mintMany(
      chain,
      token,
      holders(3),
      holders(3).map(() => units(5)),
    );
    // An RPC that forwards everything but never answers eth_getLogs: the scan stays under way.
    proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if ((JSON.parse(body) as { method: string }).method === 'eth_getLogs') return void held++;
        void fetch(chain.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
          async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
          () => res.destroy(),
        );
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const rpc = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    // A lease far longer than the test: only a release can free it in time.
    server = await startServer({
      env: { ...ENV, SNAPSHOT_EVERY: '1h', SNAPSHOT_LEASE: '10m', RPC_URL_31337: rpc },
      timeoutMs: 60_000,
    });
  }, 120_000);

  afterAll(async () => {
    server?.cleanup();
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
    await chain?.stop();
  });

  it('gives its lease back as it drains, so another instance need not wait for it to lapse', async () => {
    await until('the scan to ask for logs', async () => held > 0);
    const db = await openDatabase({ url: server.databaseUrl });
    try {
      const [during] = await db.select().from(snapshotSchedule);
      expect(during?.holder).toContain(`:${server.pid}:`);
      // Nothing here has a connection open to the server, so its drain has nothing to wait for but the scan.
      await server.stop();
      expect(server.output()).toContain('drained, exiting');
      const [after] = await db.select().from(snapshotSchedule);
      expect(after).toMatchObject({ token: 'OPGSIM', holder: null, failures: 0 });
    } finally {
      db.$client.close();
    }
  });
});
