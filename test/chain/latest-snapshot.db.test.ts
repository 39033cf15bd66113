import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestSnapshots } from '../../src/lib/chain/schedule.server.ts';
import { saveSnapshot } from '../../src/lib/chain/repo.server.ts';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import { testAddress } from '../helpers/snapshots.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * A token's latest snapshot, as /api/health and the token page state it: the
 * block and the date of one snapshot, whichever order the snapshots were
 * taken or dated in.
 */

let temp: Awaited<ReturnType<typeof tempDatabase>>;
beforeEach(async () => {
  temp = await tempDatabase();
});
afterEach(() => temp.dispose());

const holders = [
  { address: testAddress(0xa1), balance: 300n * 10n ** 18n },
  { address: testAddress(0xa2), balance: 100n * 10n ** 18n },
];

async function save(symbol: string, block: number, takenAt: number): Promise<void> {
  const token = loadTokenDefinition(symbol);
  if (!token) throw new Error(`no ${symbol} token definition`);
  const source = { kind: 'csv' as const, file: `${symbol}-${block}.csv`, sha256: 'cd'.repeat(32) };
  const snapshot = buildSnapshot({ token, block, takenAt, holders, source, totalSupply: null, simulated: true });
  await saveSnapshot(temp.db, snapshot, takenAt, holders);
}

describe('latestSnapshots', () => {
  it('gives the block and date of the snapshot at the highest block, not the latest date of another', async () => {
    // A scan at block 2,000 on 1 March, and a holder export of block 1,500 dated later, on 9 March.
    await save('OPGSIM', 2_000, Date.UTC(2026, 2, 1));
    await save('OPGSIM', 1_500, Date.UTC(2026, 2, 9));
    await save('OPGSIM', 1_000, Date.UTC(2026, 1, 1));
    await save('OPG', 7, Date.UTC(2026, 0, 5));
    const latest = await latestSnapshots(temp.db);
    expect(Object.fromEntries(latest)).toEqual({
      OPGSIM: { block: 2_000, takenAt: Date.UTC(2026, 2, 1) },
      OPG: { block: 7, takenAt: Date.UTC(2026, 0, 5) },
    });
  });

  it('knows no snapshot of a token that has none', async () => {
    expect((await latestSnapshots(temp.db)).size).toBe(0);
  });
});
