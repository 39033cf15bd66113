import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSnapshots } from '../../db/schema.ts';
import { backfillCirculating } from '../../src/lib/chain/backfill.server.ts';
import { saveSnapshot } from '../../src/lib/chain/repo.server.ts';
import { buildSnapshot, type SnapshotMetrics } from '../../src/lib/chain/snapshot.ts';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import type { Database } from '../../src/lib/platform/db/db.server.ts';
import { testAddress } from '../helpers/snapshots.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * Snapshots stored before the circulating scope existed: their metrics JSON
 * has only `all` and `excludingLabelled`. Start-up computes the third scope
 * from each snapshot's stored balances, once.
 */

const token = loadTokenDefinition('OPGSIM');
if (!token) throw new Error('src/content/tokens/opgsim.yaml is missing');
const holders = [
  { address: testAddress(0xe0e0e), balance: 100n * 10n ** 18n },
  { address: testAddress(0xfeed), balance: 500n * 10n ** 18n },
  { address: testAddress(0xcafe), balance: 200n * 10n ** 18n },
  { address: testAddress(0x5001), balance: 150n * 10n ** 18n },
  { address: testAddress(0x5002), balance: 50n * 10n ** 18n },
];
const source = { kind: 'csv' as const, file: 'old.csv', sha256: 'ab'.repeat(32) };
const snapshotAt = (block: number): ReturnType<typeof buildSnapshot> =>
  buildSnapshot({
    token,
    block,
    takenAt: Date.UTC(2026, 9, block),
    holders,
    source,
    totalSupply: null,
    simulated: false,
  });

/** Writes a snapshot as the code before the circulating scope did: two scopes in the metrics JSON. */
async function saveAsBefore(db: Database, block: number, withBalances: boolean): Promise<void> {
  const s = snapshotAt(block);
  const id = await saveSnapshot(db, s, 0, withBalances ? holders : []);
  const before = { all: s.metrics.all, excludingLabelled: s.metrics.excludingLabelled } as SnapshotMetrics;
  await db.update(tokenSnapshots).set({ metrics: before }).where(eq(tokenSnapshots.id, id));
}

let temp: Awaited<ReturnType<typeof tempDatabase>>;
let server: TestServer;

beforeAll(async () => {
  temp = await tempDatabase();
  await saveAsBefore(temp.db, 1, true);
  // Stored before every balance was kept: nothing to compute from.
  await saveAsBefore(temp.db, 2, false);
  // Its own OPGSIM snapshots, not the demo's.
  server = await startServer({ databaseUrl: temp.url, env: { DEMO_FIXTURE: 'none' } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
  temp?.dispose();
});

describe('snapshots stored before the circulating scope', () => {
  it('get it at start-up, from their stored balances, and say when', async () => {
    expect(server.output()).toContain('backfill: computed the circulating scope of 1 stored snapshot(s)');
    expect(server.output()).toContain('1 snapshot(s) have no stored balances');
    const { snapshots } = (await (await fetch(`${server.url}/api/tokens/opgsim/snapshots`)).json()) as {
      snapshots: {
        block: number;
        circulating: { holderCount: number; top1Share: number } | null;
        circulatingBackfilledAt: string | null;
      }[];
    };
    const [filled, unavailable] = snapshots;
    // Without the exchange, the vesting contract and the treasury: 150 and 50 are left.
    expect(filled).toMatchObject({ block: 1, circulating: { holderCount: 2, top1Share: 0.75 } });
    expect(Date.parse(filled?.circulatingBackfilledAt ?? '')).toBeGreaterThan(Date.UTC(2026, 0, 1));
    expect(unavailable).toMatchObject({ block: 2, circulating: null });
  });

  it('match what a new snapshot computes, exactly', async () => {
    const [row] = await temp.db.select().from(tokenSnapshots).where(eq(tokenSnapshots.block, 1));
    expect(row?.metrics.circulating).toEqual(snapshotAt(1).metrics.circulating);
  });

  it('say so on the token page, and leave the unavailable snapshot out of the circulating charts', async () => {
    const page = await (await fetch(`${server.url}/tokens/opgsim/?scope=circulating`)).text();
    expect(page).toMatch(
      /Circulating figures for 1 snapshot stored before that scope existed were computed on \d{1,2} [A-Z][a-z]{2} \d{4}/,
    );
    expect(page).toContain('1 snapshot (block 2) was stored before every balance was kept');
    expect(page).toContain('1 of the snapshots has no figures for this set of holders and is left out');
    // The latest snapshot is the one without balances: its circulating column says so.
    expect(page).toMatch(/Holders<\/th>\s*<td[^>]*>5<\/td>\s*<td[^>]*>4<\/td>\s*<td[^>]*>n\/a<\/td>/);
  });

  it('are done once: a second run finds nothing left to do', async () => {
    const again = await backfillCirculating(temp.db, () => token, Date.now());
    expect(again).toEqual({ filled: 0, unavailable: 0, skippedTokens: [] });
  });
});
