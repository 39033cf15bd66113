import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAddress } from 'viem';
import { listSnapshots, snapshotBalances, topHolders } from '../../src/lib/chain/repo.server.ts';
import { migrateDatabase, openDatabase } from '../../src/lib/platform/db/db.server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snapshot-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function importCsv(databaseUrl: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/snapshot-import.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

const address = (i: number): string => `0x${i.toString(16).padStart(40, '0')}`;

async function snapshotsIn(databaseUrl: string) {
  const db = await openDatabase({ url: databaseUrl });
  // A refused import never created the tables; migrating an empty database lets us look anyway.
  await migrateDatabase(db);
  try {
    const snapshots = await listSnapshots(db, 'OPG');
    return { snapshots, top: snapshots[0] ? await topHolders(db, snapshots[0].id) : [] };
  } finally {
    db.$client.close();
  }
}

describe('npm run snapshot:import', () => {
  it('imports an Etherscan-style export and records the file and its sha256', async () => {
    const db = `file:${join(dir, 'a.db')}`;
    const csv = join(dir, 'etherscan.csv');
    writeFileSync(
      csv,
      `"HolderAddress","Balance","PendingBalanceUpdate"\n"${address(1)}","600","No"\n"${address(2)}","300","No"\n"${address(3)}","100","No"\n`,
    );
    const run = await importCsv(db, ['OPG', csv, '--block', '123', '--date', '2026-11-20']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('3 holders');
    const { snapshots, top } = await snapshotsIn(db);
    expect(snapshots).toHaveLength(1);
    const [snapshot] = snapshots;
    expect(snapshot).toMatchObject({
      block: 123,
      takenAt: Date.parse('2026-11-20T00:00:00Z'),
      simulated: false,
      supply: (1000n * 10n ** 18n).toString(),
    });
    expect(snapshot?.source).toMatchObject({ kind: 'csv', file: 'etherscan.csv' });
    expect((snapshot?.source as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshot?.metrics.all.top1Share).toBeCloseTo(0.6, 12);
    expect(snapshot?.metrics.all.nakamoto).toBe(1);
    expect(top.map((h) => h.address)).toEqual([address(1), address(2), address(3)]);
  });

  it('reads BscScan’s and Blockscout’s exports, and names the headers it knows when given another', async () => {
    const db = `file:${join(dir, 'explorers.db')}`;
    const bsc = join(dir, 'bscscan.csv');
    writeFileSync(
      bsc,
      `"HolderRank","HolderAddress","Balance","PendingBalanceUpdate"\n"1","${address(1)}","2,500.5","No"\n"2","${address(2)}","1,000","No"\n`,
    );
    const first = await importCsv(db, ['OPG', bsc, '--block', '10', '--date', '2026-11-01']);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('from a BscScan export: 2 holders');
    const blockscout = join(dir, 'blockscout.csv');
    writeFileSync(
      blockscout,
      `HolderAddress,Balance\r\n${getAddress(address(3))},7.25\r\n${getAddress(address(4))},1\r\n`,
    );
    const second = await importCsv(db, ['OPG', blockscout, '--block', '11', '--date', '2026-11-02']);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('from a Blockscout export: 2 holders');
    const { snapshots } = await snapshotsIn(db);
    expect(snapshots.map((s) => s.supply)).toEqual([(35005n * 10n ** 17n).toString(), (825n * 10n ** 16n).toString()]);

    const other = join(dir, 'other.csv');
    writeFileSync(other, `wallet,tokens\n${address(1)},1\n`);
    const refused = await importCsv(db, ['OPG', other, '--block', '12', '--date', '2026-11-03']);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      'other.csv:1: the header "wallet,tokens" is not one this import reads: Etherscan (',
    );
    expect(refused.output).toContain('Blockscout (HolderAddress,Balance)');
    expect((await snapshotsIn(db)).snapshots).toHaveLength(2);
  });

  it('imports a plain address,balance file, and a re-import of the same block replaces it', async () => {
    const db = `file:${join(dir, 'b.db')}`;
    const csv = join(dir, 'plain.csv');
    writeFileSync(csv, `address,balance\n${address(1)},5\n${address(2)},5\n`);
    const first = await importCsv(db, ['opg', csv, '--block', '7', '--date', '2026-11-21']);
    expect(first.code, first.output).toBe(0);
    // Named as a file of its columns, not "a address,balance export".
    expect(first.output).toContain('from a plain address,balance file: 2 holders');
    writeFileSync(csv, `address,balance\n${address(1)},9\n${address(2)},1\n`);
    expect((await importCsv(db, ['OPG', csv, '--block', '7', '--date', '2026-11-21'])).code).toBe(0);
    const { snapshots } = await snapshotsIn(db);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]?.metrics.all.top1Share).toBeCloseTo(0.9, 12);
  });

  it.each([
    ['a bad address', `address,balance\n0xnope,1\n`, 'bad.csv:2: "0xnope" is not an address'],
    ['a negative balance', `address,balance\n${address(1)},1\n${address(2)},-3\n`, 'bad.csv:3:'],
    ['a duplicate holder', `address,balance\n${address(1)},1\n${address(1)},2\n`, 'bad.csv:3:'],
    ['too many decimals', `address,balance\n${address(1)},0.1234567890123456789\n`, 'more than 18 decimal places'],
    ['a missing column', `address,balance\n${address(1)}\n`, 'expected 2 columns'],
    ['no usable header', `who,how much\n${address(1)},1\n`, 'bad.csv:1:'],
  ])('stops on %s with the file, line and reason, writing nothing', async (_name, content, message) => {
    const db = `file:${join(dir, `bad-${Math.random()}.db`)}`;
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, content);
    const run = await importCsv(db, ['OPG', csv, '--block', '1', '--date', '2026-11-20']);
    expect(run.code).toBe(1);
    expect(run.output).toContain(message);
    expect(run.output).toContain('nothing was imported');
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect((await snapshotsIn(db)).snapshots).toHaveLength(0);
  });

  it.each([
    [['OPG'], 'usage'],
    [['NOPE', 'x.csv', '--block', '1', '--date', '2026-11-20'], 'no token NOPE'],
    [['OPG', 'missing.csv', '--block', '1', '--date', '2026-11-20'], 'no such file'],
    [['OPG', 'x.csv', '--block', 'ten', '--date', '2026-11-20'], '--block'],
    [['OPG', 'x.csv', '--block', '1', '--date', '20/11/2026'], '--date'],
  ])('refuses arguments %j with one clear line', async (args, message) => {
    const run = await importCsv(`file:${join(dir, 'args.db')}`, args);
    expect(run.code).toBe(1);
    expect(run.output).toContain(message);
  });

  it('imports 100,000 holders', async () => {
    const db = `file:${join(dir, 'big.db')}`;
    const csv = join(dir, 'big.csv');
    // Offset past 0x…dead, which is a burn address and rightly not a holder.
    const rows = Array.from({ length: 100_000 }, (_, i) => `${address(i + 1_000_000)},${(i % 1000) + 1}.5`);
    writeFileSync(csv, `address,balance\n${rows.join('\n')}\n`);
    const run = await importCsv(db, ['OPG', csv, '--block', '99', '--date', '2026-11-22']);
    expect(run.code, run.output).toBe(0);
    const { snapshots, top } = await snapshotsIn(db);
    expect(snapshots[0]?.metrics.all.holderCount).toBe(100_000);
    expect(top).toHaveLength(100);
    // Σ over 100 rounds of (1..1000) + 0.5 each = 100 × 500,500 + 50,000 tokens.
    expect(snapshots[0]?.supply).toBe((50_100_000n * 10n ** 18n).toString());
  });

  it('keeps every holder’s balance in each snapshot, exactly as the file gave it', async () => {
    const url = `file:${join(dir, 'balances.db')}`;
    const csv = join(dir, 'balances.csv');
    const rows = Array.from({ length: 60_001 }, (_, i) => [address(i + 2_000_000), `${i + 1}.000000000000000001`]);
    writeFileSync(csv, `address,balance\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    expect((await importCsv(url, ['OPG', csv, '--block', '5', '--date', '2026-11-22'])).code).toBe(0);
    writeFileSync(csv, `address,balance\n${address(1)},2\n${address(2)},3\n`);
    expect((await importCsv(url, ['OPG', csv, '--block', '6', '--date', '2026-11-23'])).code).toBe(0);

    const db = await openDatabase({ url });
    try {
      const [first, second] = await listSnapshots(db, 'OPG');
      const stored = await snapshotBalances(db, first?.id ?? -1);
      // More rows than one statement carries: every one arrives, exact to the base unit.
      expect(stored).toHaveLength(60_001);
      const expected = new Map(rows.map(([a, b]) => [a, BigInt(i18(b ?? '0'))]));
      for (const holder of stored) expect(holder.balance).toBe(expected.get(holder.address));
      expect(stored.reduce((sum, h) => sum + h.balance, 0n).toString()).toBe(first?.supply);
      expect(await snapshotBalances(db, second?.id ?? -1)).toEqual(
        expect.arrayContaining([
          { address: address(1), balance: 2n * 10n ** 18n },
          { address: address(2), balance: 3n * 10n ** 18n },
        ]),
      );
      expect(await snapshotBalances(db, first?.id ?? -1, [address(2_000_004), address(9)])).toEqual([
        { address: address(2_000_004), balance: 5n * 10n ** 18n + 1n },
      ]);
    } finally {
      db.$client.close();
    }
  });
});

/** "12.000000000000000001" in base units of an 18-decimal token. */
function i18(amount: string): string {
  const [whole = '0', fraction = ''] = amount.split('.');
  return (BigInt(whole) * 10n ** 18n + BigInt(fraction.padEnd(18, '0'))).toString();
}
