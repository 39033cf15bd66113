import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getResults, vote } from '../helpers/polls.ts';
import { startExpectingFailure, startServer, type TestServer } from '../helpers/server.ts';
import { importSnapshot, writeHoldersCsv } from '../helpers/snapshot-import.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Which snapshot weights a token poll, and what happens when a new one
 * lands: `snapshot: latest` polls are re-weighted, pinned ones wait for their
 * block, default ones keep the snapshot from before they opened. A poll with
 * public ballots publishes every verified ballot after close, and the
 * published file recomputes the tallies the API shows.
 */

const UNIT = 10n ** 18n;
let dir: string;
let tokensDir: string;
let pollsDir: string;
let databaseUrl: string;
let server: TestServer;
// 20: enough verified ballots for the weighted tallies to be shown.
const wallets: PrivateKeyAccount[] = Array.from({ length: 20 }, () => newAccount());
/** Multiple choice: what each wallet picks in the public poll. */
const picks = (i: number): string[] => (i === 0 ? ['a'] : i % 2 ? ['b'] : ['a', 'b']);

interface Results {
  status: string;
  weighting: { mode: string; block: number | null; note: string };
  cohorts: { id: string; voters: number | null; hidden: boolean }[] | null;
  tallies: Record<
    string,
    { options: { id: string; votes?: number; weight?: string; percent: number }[] } | null
  > | null;
  decisiveWallets: { count: number | null; note: string } | null;
}

const start = (): Promise<TestServer> =>
  startServer({ databaseUrl, env: { POLLS_DIR: pollsDir, TOKENS_DIR: tokensDir, VOTE_RATE_LIMIT: '0' } });

const results = async (id: string, cookie?: string): Promise<Results> =>
  (await getResults(server.url, id, cookie)) as unknown as Results;

function writePolls(publicBallots: boolean, closesAt: Date): void {
  const options = 'options:\n  - { id: a, label: Alpha }\n  - { id: b, label: Beta }\n';
  writeFileSync(
    join(pollsDir, 'tst-latest.yaml'),
    `id: tst-latest\nquestion: Latest?\ntoken: TST\nopensAt: 2026-01-01T00:00:00Z\nweighting: { snapshot: latest }\n${options}`,
  );
  writeFileSync(
    join(pollsDir, 'tst-open.yaml'),
    `id: tst-open\nquestion: Open?\ntoken: TST\nopensAt: 2026-01-01T00:00:00Z\n${options}`,
  );
  writeFileSync(
    join(pollsDir, 'tst-pin.yaml'),
    `id: tst-pin\nquestion: Pinned?\ntoken: TST\nopensAt: 2026-01-01T00:00:00Z\nweighting: { block: 900 }\n${options}`,
  );
  writeFileSync(
    join(pollsDir, 'tst-public.yaml'),
    `id: tst-public\nquestion: Public?\ntoken: TST\nkind: multiple\nmaxChoices: 2\npublicBallots: ${publicBallots}\n` +
      `opensAt: 2026-01-01T00:00:00Z\nclosesAt: ${closesAt.toISOString()}\n${options}`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-weighting-'));
  tokensDir = join(dir, 'tokens');
  pollsDir = join(dir, 'polls');
  mkdirSync(tokensDir);
  mkdirSync(pollsDir);
  writeFileSync(
    join(tokensDir, 'tst.yaml'),
    'symbol: TST\nname: Test token\nchainId: 31337\ndecimals: 18\nrpcEnv: RPC_URL_31337\ncohorts: { whale: 10, dolphin: 1, fish: 0.1 }\n',
  );
  writePolls(true, new Date('2099-01-01T00:00:00Z'));
  databaseUrl = `file:${join(dir, 'app.db')}`;
  // Before: wallet 0 is the only whale (9,000 of 9,950); the others hold 50 each (fish, 0.5%).
  const first = writeHoldersCsv(dir, 'first.csv', [
    [wallets[0]?.address ?? '', 9000n],
    ...wallets.slice(1).map((w): [string, bigint] => [w.address, 50n]),
  ]);
  const imported = await importSnapshot(databaseUrl, ['TST', first, '--block', '777', '--date', '2025-12-01'], {
    TOKENS_DIR: tokensDir,
  });
  expect(imported.code, imported.output).toBe(0);
  server = await startServer({
    databaseUrl,
    env: { POLLS_DIR: pollsDir, TOKENS_DIR: tokensDir, VOTE_RATE_LIMIT: '0' },
  });
  for (const [i, wallet] of wallets.entries()) {
    const cookie = await signIn(server.url, wallet);
    for (const poll of ['tst-latest', 'tst-open', 'tst-pin']) {
      expect((await vote(server.url, poll, [i === 0 ? 'b' : 'a'], { cookie })).status).toBe(201);
    }
    expect((await vote(server.url, 'tst-public', picks(i), { cookie })).status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const voters = (r: Results, cohort: string): number | null | undefined =>
  r.cohorts?.find((c) => c.id === cohort)?.voters;

const hidden = (r: Results, cohort: string): boolean | undefined => r.cohorts?.find((c) => c.id === cohort)?.hidden;

describe('the weighting snapshot', () => {
  it('weights default and latest polls by the one snapshot there is; a pinned poll waits for its block', async () => {
    for (const id of ['tst-latest', 'tst-open']) {
      const r = await results(id);
      expect(r.weighting.block).toBe(777);
      // One whale is under the floor; the 19 fish would give it away by subtraction, so they are hidden too.
      expect([hidden(r, 'whale'), hidden(r, 'fish')]).toEqual([true, true]);
      expect(r.tallies?.wallets?.options.map((o) => o.votes)).toEqual([19, 1]);
    }
    const pinned = await results('tst-pin');
    expect(pinned.weighting).toMatchObject({ mode: 'block', block: null });
    expect(pinned.weighting.note).toContain('block 900');
    expect(pinned.cohorts).toBeNull();
  });

  it('re-weights latest and pinned polls when a new snapshot lands, and leaves the default one as it was', async () => {
    // After: every holder has 1,000 (supply 20,000, 5% each): all dolphins now.
    const second = writeHoldersCsv(
      dir,
      'second.csv',
      wallets.map((w): [string, bigint] => [w.address, 1000n]),
    );
    const imported = await importSnapshot(databaseUrl, ['TST', second, '--block', '900', '--date', '2026-06-01'], {
      TOKENS_DIR: tokensDir,
    });
    expect(imported.code, imported.output).toBe(0);
    expect(imported.output).toContain('poll tst-latest: 20 ballots re-weighted at block 900');
    expect(imported.output).toContain('poll tst-pin: 20 ballots re-weighted at block 900');
    expect(imported.output).not.toContain('tst-open');
    for (const id of ['tst-latest', 'tst-pin']) {
      await expect.poll(async () => (await results(id)).weighting.block, { timeout: 5000 }).toBe(900);
      const r = await results(id);
      expect(voters(r, 'dolphin')).toBe(20);
      expect(voters(r, 'fish')).toBeNull();
    }
    const unchanged = await results('tst-open');
    expect(unchanged.weighting.block).toBe(777);
    expect(hidden(unchanged, 'whale')).toBe(true);
  });
});

describe('public ballots', () => {
  it('refuses ballots.csv while the poll is open', async () => {
    const response = await fetch(`${server.url}/api/polls/tst-public/ballots.csv`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'poll_open' });
  });

  it('after close lists every verified ballot, from which the tallies shown are recomputed', async () => {
    // Closing time moves into the past (an allowed edit), and the server restarts with it.
    await server.stop();
    writePolls(true, new Date(Date.now() - 1000));
    server = await start();
    expect((await results('tst-public')).status).toBe('closed');
    const response = await fetch(`${server.url}/api/polls/tst-public/ballots.csv`);
    expect(response.status).toBe(200);
    const [header, ...lines] = (await response.text()).trim().split('\n');
    expect(header).toBe('address,options,weight,cohort,snapshot_block');
    expect(lines).toHaveLength(wallets.length);
    const rows = lines.map((l) => l.split(','));
    const addresses = rows.map((r) => r[0]);
    // Heaviest first.
    const weights = rows.map((r) => BigInt(r[2] ?? '0'));
    expect(weights.every((w, i) => i === 0 || (weights[i - 1] ?? 0n) >= w)).toBe(true);
    expect(new Set(addresses)).toEqual(new Set(wallets.map((w) => w.address)));
    // Each chosen option gets the ballot's whole weight.
    const sums = { a: 0n, b: 0n };
    for (const [, options, weight] of rows) {
      for (const option of (options ?? '').split(' ')) sums[option as 'a' | 'b'] += BigInt(weight ?? '0');
    }
    const shown = await results('tst-public');
    const tokens = shown.tallies?.tokens?.options ?? [];
    // Published ballots: exact weights are shown too.
    expect(tokens.map((o) => o.weight)).toEqual([sums.a.toString(), sums.b.toString()]);
    // The poll opened before the second snapshot: weights from block 777, the one whale 9,000.
    expect(rows.every((r) => r[4] === '777')).toBe(true);
    expect(rows.find((r) => r[0] === wallets[0]?.address)?.slice(2, 4)).toEqual([(9000n * UNIT).toString(), 'whale']);
    // No floor: one whale is shown as one voter, and one wallet may decide it.
    expect(voters(shown, 'whale')).toBe(1);
    expect(shown.decisiveWallets?.count).not.toBeNull();
  }, 60_000);

  it('refuses to start when publicBallots would change under ballots already cast', async () => {
    await server.stop();
    writePolls(false, new Date(Date.now() - 1000));
    const failed = await startExpectingFailure({
      DATABASE_URL: databaseUrl,
      POLLS_DIR: pollsDir,
      TOKENS_DIR: tokensDir,
    });
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain('tst-public: publicBallots cannot change once ballots exist');
  });
});
