import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFixtureSchema, type DemoFixture } from '../../src/lib/demo/fixture.ts';
import { getResults } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * `npm run demo:chain` end to end: the scripted history on a real local
 * chain, scripted wallets' ballots spread over the weeks, the fixture it
 * writes, and a server that loads that fixture with no chain running.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const POLL = 'opgsim-distribution-retail';
const DAY = 86_400_000;
/** The snapshot a poll opening at `opens` is weighted at: the latest before it. */
const weightingAt = (opens: string): Record<string, string> =>
  fixture.snapshots.filter((s) => s.takenAt < Date.parse(opens)).at(-1)?.holders ?? {};
let dir: string;
let fixture: DemoFixture;
let server: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-demo-chain-'));
  const out = join(dir, 'opgsim.json');
  const run = spawnSync(process.execPath, ['scripts/demo-chain.ts', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150_000,
  });
  if (run.status !== 0) throw new Error(`demo:chain failed:\n${run.stdout}\n${run.stderr}`);
  fixture = demoFixtureSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
  server = await startServer({ env: { DEMO_FIXTURE: out } });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run demo:chain', () => {
  it('records a simulated chain snapshot after each phase, with every balance', () => {
    expect(fixture.token).toBe('OPGSIM');
    // Ninety-one simulated days, a snapshot a week.
    expect(fixture.snapshots).toHaveLength(14);
    const first = fixture.snapshots[0]?.takenAt ?? 0;
    expect((fixture.snapshots.at(-1)?.takenAt ?? 0) - first).toBeGreaterThanOrEqual(90 * DAY);
    for (const s of fixture.snapshots) {
      expect(s.simulated).toBe(true);
      expect(s.source).toMatchObject({ kind: 'rpc', chainId: 31337, block: s.block });
      // Holders add up to totalSupply(): nothing left out.
      const sum = Object.values(s.holders).reduce((a, b) => a + BigInt(b), 0n);
      expect(sum).toBe(BigInt(s.totalSupply));
    }
    // The script's story: a handful of holders at launch, a retail crowd later.
    expect(Object.keys(fixture.snapshots[0]?.holders ?? {}).length).toBeLessThanOrEqual(10);
    expect(Object.keys(fixture.snapshots.at(-1)?.holders ?? {}).length).toBeGreaterThan(200);
  });

  it('records the ballots of holders who signed in, each one a holder, beside cookie ballots', () => {
    const ballots = fixture.polls.find((p) => p.id === POLL)?.ballots ?? [];
    const signed = ballots.filter((b) => b.address !== null);
    expect(signed.length).toBeGreaterThanOrEqual(40);
    expect(ballots.length - signed.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ballots.map((b) => b.voterId)).size).toBe(ballots.length);
    // Spread over the weeks the poll has been open, so the over-time charts have more than one column.
    const days = new Set(ballots.map((b) => new Date(b.at).toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(30);
    expect(ballots.every((b) => b.at > Date.parse('2026-10-01T00:00:00Z'))).toBe(true);
    const weighting = weightingAt('2026-10-01T00:00:00Z');
    for (const b of signed) expect(weighting[b.address?.toLowerCase() ?? '']).toBeDefined();
  });

  it('records the settled poll’s ballots at past dates inside its days, from holders and cookies, and resolves it', async () => {
    const ballots = fixture.polls.find((p) => p.id === 'opgsim-top-ten-november')?.ballots ?? [];
    expect(ballots.length).toBeGreaterThanOrEqual(40);
    const [opens, closes] = [Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-10-12T00:00:00Z')];
    expect(ballots.every((b) => b.at > opens && b.at < closes)).toBe(true);
    expect(ballots.some((b) => b.address === null)).toBe(true);
    const weighting = weightingAt('2026-10-01T00:00:00Z');
    for (const b of ballots.filter((x) => x.address)) expect(weighting[b.address?.toLowerCase() ?? '']).toBeDefined();
    const body = (await (await fetch(`${server.url}/api/polls/opgsim-top-ten-november`)).json()) as {
      resolution: { status: string; simulated: boolean };
    };
    expect(body.resolution).toMatchObject({ status: 'resolved', simulated: true });
  });

  it('is loaded by a server without a chain: snapshots simulated, three cohorts above the privacy floor', async () => {
    const { snapshots } = (await (await fetch(`${server.url}/api/tokens/opgsim/snapshots`)).json()) as {
      snapshots: {
        block: number;
        simulated: boolean;
        source: { kind: string; chainId: number };
        all: { holderCount: number };
        excludingLabelled: { holderCount: number };
        circulating: { holderCount: number } | null;
        circulatingBackfilledAt: string | null;
      }[];
    };
    expect(snapshots.map((s) => s.block)).toEqual(fixture.snapshots.map((s) => s.block));
    // Each snapshot computes the circulating scope as it is stored: without the exchange, the vesting and the treasury.
    const latest = snapshots.at(-1);
    expect(latest?.circulatingBackfilledAt).toBeNull();
    expect(latest?.excludingLabelled.holderCount).toBe((latest?.all.holderCount ?? 0) - 1);
    expect(latest?.circulating?.holderCount).toBe((latest?.all.holderCount ?? 0) - 3);
    expect(snapshots.every((s) => s.simulated && s.source.kind === 'rpc' && s.source.chainId === 31337)).toBe(true);
    const results = (await getResults(server.url, POLL)) as {
      totalVotes: number;
      weighting: { simulated: boolean };
      cohorts: { id: string; hidden: boolean }[];
    };
    expect(results.totalVotes).toBe(fixture.polls[0]?.ballots.length);
    expect(results.weighting.simulated).toBe(true);
    expect(results.cohorts.filter((c) => !c.hidden && c.id !== 'unverified').length).toBeGreaterThanOrEqual(3);
  });

  it('keeps every transfer, and the server answers the post’s questions from them', async () => {
    expect(fixture.transfers.rows.length).toBeGreaterThan(3_000);
    const rewards = (await (await fetch(`${server.url}/api/tokens/opgsim/rewards?period=week`)).json()) as {
      mintsSince: number;
      periods: { recipients: number; top10Share: number; belowFloor: number }[];
    };
    // A reward every day for thirteen weeks, four large operators taking most of it, many retail ones below the floor.
    expect(rewards.mintsSince).toBe(3);
    expect(rewards.periods.length).toBeGreaterThanOrEqual(13);
    for (const p of rewards.periods) {
      expect(p.recipients).toBe(34);
      expect(p.top10Share).toBeGreaterThan(0.8);
      expect(p.belowFloor).toBeGreaterThan(0);
    }
    const unlocks = (await (await fetch(`${server.url}/api/tokens/opgsim/unlocks`)).json()) as {
      windows: { kind: string; at: string; direct: string; viaHop: string; hops: number; overlaps: number[] }[];
    };
    const cliff = unlocks.windows.find((w) => w.at.startsWith('2026-10-13'));
    // The team cliff's tokens went to the exchange through an intermediate wallet.
    expect(BigInt(cliff?.viaHop ?? '0')).toBe(3_000_000n * 10n ** 18n);
    expect(cliff?.hops).toBe(1);
    expect(cliff?.overlaps.length).toBe(1);
    const exchanges = (await (
      await fetch(`${server.url}/api/tokens/opgsim/exchanges?from=2026-09-01&to=2026-12-31`)
    ).json()) as { days: { inflow: Record<string, string>; outflow: Record<string, string> }[] };
    expect(exchanges.days.length).toBeGreaterThan(30);
    // Whales' fresh wallets bought on the exchange: new addresses took tokens out.
    expect(exchanges.days.some((d) => d.outflow.new !== undefined)).toBe(true);
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
