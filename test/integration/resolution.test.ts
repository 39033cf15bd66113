import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress } from 'viem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import { weightingTokenOf } from '../../src/lib/cohorts/weighting.ts';
import { castVotes, syncPollDefinitions } from '../../src/lib/polls/repo.server.ts';
import { pollDefinitionSchema } from '../../src/lib/polls/schemas.ts';
import { getStoredResolution, resolvePolls } from '../../src/lib/resolution/repo.server.ts';
import type { TrackRecord } from '../../src/lib/resolution/track-record.ts';
import type { ResolutionView } from '../../src/lib/resolution/view.ts';
import type { Database } from '../../src/lib/server/db.server.ts';
import { startServer } from '../helpers/server.ts';
import { importSnapshots, testAddress, type HolderExport } from '../helpers/snapshots.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

let db: Database;
let url: string;
let dispose: () => void;

beforeEach(async () => {
  ({ db, url, dispose } = await tempDatabase());
});
afterEach(() => dispose());

const POLL_INPUT = {
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
};
const POLL = pollDefinitionSchema.parse(POLL_INPUT);
/** The same poll still open: pending until 2099. */
const OPEN_INPUT = {
  ...POLL_INPUT,
  id: 'top-ten-by-2099',
  closesAt: '2099-01-01T00:00:00Z',
  resolution: { ...POLL_INPUT.resolution, at: '2099-02-01' },
};

const weighting = (symbol: string) => {
  const token = loadTokenDefinition(symbol);
  return token && weightingTokenOf(token);
};

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
    await syncPollDefinitions(db, [POLL], weighting);
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
    const open = pollDefinitionSchema.parse(OPEN_INPUT);
    await syncPollDefinitions(db, [open], weighting);
    importSnapshots(url, 'OPG', [
      [100, '2025-12-20', holders(1_000_000)],
      [200, '2026-03-05', holders(400_000)],
    ]);
    expect(await resolvePolls(db, Date.now())).toEqual([]);
    expect(await getStoredResolution(db, open.id)).toBeNull();
  }, 60_000);
});

describe('the resolution in GET /api/polls/<id>', () => {
  it('shows a settled poll with the accuracy of each tally, and a pending one with the change so far', async () => {
    const polls = [POLL, pollDefinitionSchema.parse(OPEN_INPUT)];
    await syncPollDefinitions(db, polls, weighting);
    importSnapshots(url, 'OPG', [[100, '2025-12-20', holders(1_000_000)]]);
    // Ballots written through the group commit, as the demo's past ballots are: six by cookie, two by wallet.
    const anonymous = ['less', 'less', 'less', 'more', 'unsure', 'unsure'];
    const wallets: [string, string][] = [
      [getAddress(testAddress(0x100)), 'more'],
      [getAddress(testAddress(0x101)), 'less'],
    ];
    const now = Date.parse('2026-01-15T00:00:00Z');
    for (const poll of polls) {
      await castVotes(db, [
        ...anonymous.map((optionId, i) => ({
          pollId: poll.id,
          voterId: `cookie-${i}`,
          optionIds: [optionId],
          now,
          allowChange: false,
          tokenPoll: true,
        })),
        ...wallets.map(([address, optionId], i) => ({
          pollId: poll.id,
          voterId: `wallet-${i}`,
          address,
          optionIds: [optionId],
          now,
          allowChange: false,
          tokenPoll: true,
        })),
      ]);
    }
    importSnapshots(url, 'OPG', [[200, '2026-03-05', holders(400_000)]]);

    const dir = mkdtempSync(join(tmpdir(), 'resolution-polls-'));
    writeFileSync(join(dir, `${POLL.id}.yaml`), stringify(POLL_INPUT));
    writeFileSync(join(dir, `${OPEN_INPUT.id}.yaml`), stringify(OPEN_INPUT));
    copyFileSync(
      new URL('../../src/content/polls/opg-liquidity-ghost.yaml', import.meta.url),
      join(dir, 'opg-liquidity-ghost.yaml'),
    );
    const server = await startServer({
      databaseUrl: url,
      env: { POLLS_DIR: dir, DEMO_FIXTURE: 'none' },
      timeoutMs: 60_000,
    });
    try {
      const settled = (await (await fetch(`${server.url}/api/polls/${POLL.id}`)).json()) as {
        resolution: ResolutionView;
      };
      const from = topTenShare(holders(1_000_000));
      const to = topTenShare(holders(400_000));
      expect(settled.resolution).toMatchObject({
        status: 'resolved',
        resolvesOn: '2026-03-01',
        reason: null,
        start: { block: 100, takenAt: '2025-12-20T00:00:00.000Z' },
        end: { block: 200, takenAt: '2026-03-05T00:00:00.000Z' },
        change: Number((to - from).toFixed(6)),
        outcome: 'less',
        description: `top-10 share of the whole supply fell from ${(from * 100).toFixed(1)}% to ${(to * 100).toFixed(1)}%`,
      });
      // Ballots: 4 less, 2 more, 0 same (the two "unsure" are not scored); wallets: 1 less, 1 more.
      expect(settled.resolution.accuracy?.ballots).toEqual({ right: 4, scored: 6, share: 4 / 6 });
      expect(settled.resolution.accuracy?.wallets).toEqual({ right: 1, scored: 2, share: 0.5 });
      // Two wallets: no token tally is shown, so none is scored, and every cohort is under the floor.
      expect(settled.resolution.accuracy?.tokens).toBeNull();
      const cohorts = settled.resolution.accuracy?.cohorts ?? [];
      expect(cohorts.filter((c) => c.id !== 'unverified').every((c) => c.hidden && c.accuracy === null)).toBe(true);
      expect(cohorts.find((c) => c.id === 'unverified')?.accuracy).toEqual({ right: 3, scored: 4, share: 0.75 });

      const pending = (await (await fetch(`${server.url}/api/polls/${OPEN_INPUT.id}`)).json()) as {
        resolution: ResolutionView;
      };
      expect(pending.resolution).toMatchObject({
        status: 'pending',
        reason: 'open',
        resolvesOn: '2099-02-01',
        start: { block: 100 },
        end: { block: 200 },
        change: Number((to - from).toFixed(6)),
        outcome: null,
        accuracy: null,
      });
      // A poll without a resolution has no such field.
      // The track record lists the settled poll only, pooled across resolved polls (here one).
      const record = (await (await fetch(`${server.url}/api/track-record`)).json()) as TrackRecord;
      expect(record.polls.map((p) => [p.id, p.chain.id, p.crowd.map((c) => c.id)])).toEqual([
        [POLL.id, 'less', ['less']],
      ]);
      expect(record.pooled.ballots).toEqual({ right: 4, scored: 6, share: 4 / 6 });
      expect(record.pooled.wallets).toEqual({ right: 1, scored: 2, share: 0.5 });
      expect(record.pooled.cohorts).toEqual([
        { id: 'unverified', label: expect.any(String), polls: 1, accuracy: { right: 3, scored: 4, share: 0.75 } },
      ]);
      expect((await (await fetch(`${server.url}/api/track-record?token=opg`)).json()) as TrackRecord).toEqual(record);
      expect(((await (await fetch(`${server.url}/api/track-record?token=NONE`)).json()) as TrackRecord).polls).toEqual(
        [],
      );
      const csv = await fetch(`${server.url}/api/track-record?format=csv`);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toBe('poll_id,token,settled_at,chain_option,crowd_options,tally,right,scored,accuracy');
      expect(lines).toContain(`${POLL.id},OPG,2026-03-05T00:00:00.000Z,less,less,ballots,4,6,0.6667`);
      expect(lines).toContain('all,,,,,cohort:unverified,3,4,0.7500');
      for (const bad of ['format=xml', 'token=not%20a%20token']) {
        const refused = await fetch(`${server.url}/api/track-record?${bad}`);
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: string }).error).toBe('bad_request');
      }

      const plainResponse = await fetch(`${server.url}/api/polls/opg-liquidity-ghost`);
      expect(plainResponse.status).toBe(200);
      expect('resolution' in ((await plainResponse.json()) as object)).toBe(false);
    } finally {
      await server.stop();
      server.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
