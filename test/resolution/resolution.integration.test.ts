import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import { pollDefinitionSchema } from '../../src/lib/polls/schemas.ts';
import { getStoredResolution, resolvePolls } from '../../src/lib/resolution/repo.server.ts';
import type { TrackRecord } from '../../src/lib/resolution/track-record.ts';
import type { ResolutionView } from '../../src/lib/resolution/view.ts';
import type { Database } from '../../src/lib/platform/db/db.server.ts';
import { holders, OPEN_INPUT, POLL, seedResolvingPolls, topTenShare, weighting } from '../helpers/resolution.ts';
import { startServer } from '../helpers/server.ts';
import { importSnapshots, type HolderExport } from '../helpers/snapshots.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

let db: Database;
let url: string;
let dispose: () => void;

beforeEach(async () => {
  ({ db, url, dispose } = await tempDatabase());
});
afterEach(() => dispose());

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
    const dir = await seedResolvingPolls(db, url);
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
        simulated: false,
        resolvesOn: '2026-03-01',
        reason: null,
        start: {
          block: 100,
          takenAt: '2025-12-20T00:00:00.000Z',
          source: expect.stringMatching(/^CSV file .+\.csv \(SHA-256 [0-9a-f]{64}\)$/),
        },
        end: { block: 200, takenAt: '2026-03-05T00:00:00.000Z', source: expect.stringMatching(/^CSV file /) },
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
      expect(lines[0]).toBe(
        'poll_id,token,settled_at,simulated,chain_option,crowd_options,tally,right,scored,accuracy',
      );
      expect(lines).toContain(`${POLL.id},OPG,2026-03-05T00:00:00.000Z,false,less,less,ballots,4,6,0.6667`);
      expect(lines).toContain('all,,,,,,cohort:unverified,3,4,0.7500');
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
