import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import { weightingTokenOf } from '../../src/lib/cohorts/weighting.ts';
import { syncPollDefinitions } from '../../src/lib/polls/repo.server.ts';
import { pollDefinitionSchema } from '../../src/lib/polls/schemas.ts';
import { getStoredResolution, resolvePolls } from '../../src/lib/resolution/repo.server.ts';
import type { Database } from '../../src/lib/server/db.server.ts';
import { importSnapshots, testAddress, type HolderExport } from '../helpers/snapshots.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

let db: Database;
let url: string;
let dispose: () => void;

beforeEach(async () => {
  ({ db, url, dispose } = await tempDatabase());
});
afterEach(() => dispose());

const POLL = pollDefinitionSchema.parse({
  id: 'top-ten-by-march',
  question: 'Will the ten largest holders hold less by March?',
  options: [
    { id: 'less', label: 'Less' },
    { id: 'more', label: 'More' },
    { id: 'same', label: 'About the same' },
    { id: 'unsure', label: 'Nobody can tell' },
  ],
  opensAt: '2026-01-01T00:00:00Z',
  closesAt: '2026-02-01T00:00:00Z',
  token: 'OPG',
  resolution: {
    metric: 'top10Share',
    scope: 'all',
    from: 'opens',
    at: '2026-03-01',
    outcomes: { less: { below: -0.01 }, more: { above: 0.01 }, same: { between: [-0.01, 0.01] } },
  },
});

/** Twelve holders: ten large ones of `large` tokens each and two of 500,000 each. */
function holders(large: number): [string, number][] {
  return [
    ...Array.from({ length: 10 }, (_, i): [string, number] => [testAddress(0x100 + i), large]),
    [testAddress(0x200), 500_000],
    [testAddress(0x201), 500_000],
  ];
}

/** The top-10 share worked out here from the rows themselves, not by the site's metrics. */
function topTenShare(rows: HolderExport[2]): number {
  const balances = rows.map(([, b]) => Number(b)).sort((a, b) => b - a);
  const total = balances.reduce((s, b) => s + b, 0);
  return balances.slice(0, 10).reduce((s, b) => s + b, 0) / total;
}

describe('polls that resolve against stored snapshots', () => {
  it('settles on the first snapshot after the date, from the weighting snapshot, and keeps that outcome', async () => {
    await syncPollDefinitions(db, [POLL], (symbol) => {
      const token = loadTokenDefinition(symbol);
      return token && weightingTokenOf(token);
    });
    const before: HolderExport = [100, '2025-12-20', holders(1_000_000)];
    const midway: HolderExport = [150, '2026-02-10', holders(900_000)];
    const settling: HolderExport = [200, '2026-03-05', holders(400_000)];
    // The import script weighs the poll at block 100 and, with no settling snapshot yet, leaves it unresolved.
    importSnapshots(url, 'OPG', [before, midway]);
    expect(await getStoredResolution(db, POLL.id)).toBeNull();

    importSnapshots(url, 'OPG', [settling]);
    const stored = await getStoredResolution(db, POLL.id);
    const from = topTenShare(before[2]);
    const to = topTenShare(settling[2]);
    expect(stored).toMatchObject({ fromBlock: 100, toBlock: 200, outcome: 'less' });
    expect(stored?.fromValue).toBeCloseTo(from, 12);
    expect(stored?.toValue).toBeCloseTo(to, 12);
    expect(stored?.change).toBe(Number((to - from).toFixed(6)));
    expect(stored?.fromTakenAt).toBe(Date.parse('2025-12-20T00:00:00Z'));
    expect(stored?.definition).toEqual(POLL.resolution);

    // A snapshot written later, even one dated between `at` and the settling one, changes nothing.
    importSnapshots(url, 'OPG', [[180, '2026-03-02', holders(5_000_000)]]);
    expect(await resolvePolls(db, Date.now())).toEqual([]);
    expect(await getStoredResolution(db, POLL.id)).toEqual(stored);
  }, 60_000);

  it('does not resolve a poll before it closes, whatever snapshots exist', async () => {
    const open = pollDefinitionSchema.parse({
      ...POLL,
      opensAt: '2026-01-01T00:00:00Z',
      closesAt: '2099-01-01T00:00:00Z',
      resolution: { ...POLL.resolution, at: '2099-02-01' },
    });
    await syncPollDefinitions(db, [open], (symbol) => {
      const token = loadTokenDefinition(symbol);
      return token && weightingTokenOf(token);
    });
    importSnapshots(url, 'OPG', [
      [100, '2025-12-20', holders(1_000_000)],
      [200, '2026-03-05', holders(400_000)],
    ]);
    expect(await resolvePolls(db, Date.now())).toEqual([]);
    expect(await getStoredResolution(db, open.id)).toBeNull();
  }, 60_000);
});
