import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  const run = spawnSync(process.execPath, ['scripts/demo-chain.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: server.databaseUrl },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`demo:chain failed:\n${run.stdout}\n${run.stderr}`);
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

describe('npm run demo:chain', () => {
  it('writes a snapshot after each phase through the RPC path, every one marked simulated', async () => {
    const { snapshots } = (await (await fetch(`${server.url}/api/tokens/opgsim/snapshots`)).json()) as {
      snapshots: {
        simulated: boolean;
        source: { kind: string; chainId: number };
        all: { holderCount: number };
        excludingLabelled: { holderCount: number };
        circulating: { holderCount: number } | null;
        circulatingBackfilledAt: string | null;
      }[];
    };
    expect(snapshots).toHaveLength(5);
    expect(snapshots.every((s) => s.simulated && s.source.kind === 'rpc' && s.source.chainId === 31337)).toBe(true);
    // The script's story: a handful of holders at launch, a retail crowd later.
    expect(snapshots[0]?.all.holderCount).toBeLessThan(10);
    expect(snapshots.at(-1)?.all.holderCount).toBeGreaterThan(200);
    // Each snapshot computes the circulating scope as it is taken: without the exchange, the vesting and the treasury.
    const latest = snapshots.at(-1);
    expect(latest?.circulatingBackfilledAt).toBeNull();
    expect(latest?.excludingLabelled.holderCount).toBe((latest?.all.holderCount ?? 0) - 1);
    expect(latest?.circulating?.holderCount).toBe((latest?.all.holderCount ?? 0) - 3);
  });

  it('labels the data as simulated on the token page, and leaves OPG itself without data', async () => {
    const page = await (await fetch(`${server.url}/tokens/opgsim/`)).text();
    expect(page).toContain('Simulated data.');
    expect(page).toContain('not from real OPGSIM holders');
    const opg = await (await fetch(`${server.url}/tokens/opg/`)).text();
    expect(opg).toContain('No data yet');
    expect(opg).not.toContain('Simulated data.');
  });
});
