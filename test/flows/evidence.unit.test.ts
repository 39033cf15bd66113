import { describe, expect, it } from 'vitest';
import type { RewardFigures, UnlockFigures } from '../../db/json-columns.ts';
import { FLOW_GROUPS } from '../../src/lib/flows/groups.ts';
import { EVIDENCE_GROUPS, evidenceSchema } from '../../src/lib/flows/evidence-schema.ts';
import { evidenceLine, type EvidenceData } from '../../src/lib/flows/evidence.ts';
import type { FlowsView } from '../../src/lib/flows/query.ts';
import { pollDefinitionSchema } from '../../src/lib/polls/schemas.ts';
import { translator } from '../../src/lib/i18n/i18n.ts';

const en = translator('en');
const zh = translator('zh');
const DAY = 86_400_000;
const AS_OF = Date.parse('2026-12-01T00:00:00Z');
const UNIT = 10n ** 18n;

const view: FlowsView = {
  kind: 'transfers',
  blocks: { from: 100, to: 200 },
  groups: [{ group: 'whale', net: (2_100n * UNIT).toString(), share: 0.021, addresses: 4 }],
  matrix: {},
  spans: [
    {
      fromBlock: 100,
      toBlock: 200,
      at: '2026-12-01T00:00:00.000Z',
      kind: 'transfers',
      transfers: 37,
      scopeSupply: (100_000n * UNIT).toString(),
      net: {},
      addresses: {},
    },
  ],
};
const stored = <T>(data: T) => ({ fromBlock: 0, toBlock: 200, asOf: AS_OF, computedAt: AS_OF, data });
const rewards: RewardFigures = {
  kind: 'rewards',
  period: 'week',
  payers: [],
  mintsSince: 3,
  floorPerWeek: (1_000n * UNIT).toString(),
  periods: [
    {
      key: '2026-W48',
      start: Date.parse('2026-11-23T00:00:00Z'),
      end: Date.parse('2026-11-30T00:00:00Z'),
      incomplete: false,
      paid: (355_950n * UNIT).toString(),
      recipients: 34,
      top10Share: 0.921,
      gini: 0.8,
      median: UNIT.toString(),
      belowFloor: 9,
      floor: (1_000n * UNIT).toString(),
      toExchange: {
        d7: { reached: '0', known: '0', pending: '1', share: null },
        d30: { reached: '0', known: '0', pending: '1', share: null },
      },
    },
    {
      key: '2026-W49',
      start: Date.parse('2026-11-30T00:00:00Z'),
      end: Date.parse('2026-12-07T00:00:00Z'),
      incomplete: true,
      paid: '1',
      recipients: 1,
      top10Share: 1,
      gini: 0,
      median: '1',
      belowFloor: 1,
      floor: '1',
      toExchange: {
        d7: { reached: '0', known: '0', pending: '1', share: null },
        d30: { reached: '0', known: '0', pending: '1', share: null },
      },
    },
  ],
};
const unlocks: UnlockFigures = {
  kind: 'unlocks',
  windows: [
    {
      at: AS_OF - 21 * DAY,
      kind: 'linear-cliff',
      recipient: 'team',
      released: (4_000n * UNIT).toString(),
      from: AS_OF - 28 * DAY,
      to: AS_OF + 9 * DAY,
      direct: (1_000n * UNIT).toString(),
      viaHop: '0',
      share: 0.25,
      daily: [],
      hops: 0,
      overlaps: [],
      open: true,
    },
    // Not yet: an event after the snapshot is never "the latest unlock".
    { ...({} as UnlockFigures['windows'][number]), at: AS_OF + DAY, open: true },
  ],
};
const data: EvidenceData = {
  symbol: 'OPGSIM',
  decimals: 18,
  flows: new Map([['whales', { view, days: 30, scope: 'circulating' }]]),
  rewards: { week: stored(rewards) },
  unlocks: stored(unlocks),
  exchanges: null,
};

describe('evidence beside a poll’s options', () => {
  it('names only groups figure 1 has', () => {
    for (const group of EVIDENCE_GROUPS) expect(FLOW_GROUPS).toContain(group);
  });

  it('says what the chain shows for each kind of figure, with its source, in both languages', () => {
    const flows = evidenceLine('whales', { figure: 'flows', group: 'whale', scope: 'circulating', days: 30 }, data, en);
    // One span: its wallets are distinct, so the sentence can count them.
    expect(flows.text).toBe('Whales: +2,100 OPGSIM (+2.1% of circulating supply) in the last 30 days, 4 wallets.');
    expect(flows.source).toBe('From 37 transfers between blocks 100 and 200, in 1 spans between snapshots.');
    const floor = evidenceLine('nodes', { figure: 'rewards', measure: 'belowFloor', period: 'week' }, data, en);
    // The last complete week, not the running one.
    expect(floor.text).toBe(
      'In the week of 23 Nov 2026, 9 / 34 recipients got less than the publisher’s floor for running a node.',
    );
    const sold = evidenceLine('unlock', { figure: 'unlocks' }, data, en);
    expect(sold.text).toBe(
      'Of the 4,000 OPGSIM the unlock of 10 Nov 2026 released, 1,000 (25%) has gone to exchanges so far.',
    );
    // An unlock named by its day, and a day with none.
    const day = new Date(AS_OF - 21 * DAY).toISOString().slice(0, 10);
    expect(evidenceLine('unlock', { figure: 'unlocks', at: day }, data, en).text).toBe(sold.text);
    expect(evidenceLine('unlock', { figure: 'unlocks', at: '2026-01-01' }, data, en).text).toBe(
      'No unlock on 1 Jan 2026 has happened by the latest snapshot.',
    );
    expect(evidenceSchema.parse({ figure: 'unlocks', at: new Date('2026-10-13T00:00:00Z') })).toEqual({
      figure: 'unlocks',
      at: '2026-10-13',
    });
    expect(evidenceSchema.safeParse({ figure: 'unlocks', at: 'October' }).error?.issues[0]?.message).toBe(
      'at must be a date as YYYY-MM-DD',
    );
    expect(evidenceLine('push', { figure: 'none' }, data, zh)).toMatchObject({ kind: 'none', source: null });
    expect(evidenceLine('push', { figure: 'none' }, data, zh).text).toContain('没有链上数据能回答');
    // No transfers kept: the figure says it needs them.
    expect(evidenceLine('x', { figure: 'exchanges', days: 30 }, data, en).text).toContain(
      'needs the token’s transfers',
    );
  });

  it('refuses evidence a poll file gets wrong, naming the field', () => {
    expect(evidenceSchema.safeParse({ figure: 'flows', group: 'minted' }).error?.issues[0]?.message).toBe(
      `group must be one of ${EVIDENCE_GROUPS.join(', ')}`,
    );
    expect(evidenceSchema.safeParse({ figure: 'rewards', measure: 'mood' }).success).toBe(false);
    expect(evidenceSchema.safeParse({ figure: 'unlocks', days: 3 }).success).toBe(false);
    const poll = {
      id: 'p',
      question: 'Q?',
      opensAt: '2026-01-01',
      options: [
        { id: 'a', label: 'A', evidence: { figure: 'unlocks' } },
        { id: 'b', label: 'B', evidence: { figure: 'none' } },
      ],
    };
    expect(pollDefinitionSchema.safeParse(poll).error?.issues[0]).toMatchObject({
      message: 'evidence needs the poll’s token',
      path: ['options', 0, 'evidence'],
    });
    expect(pollDefinitionSchema.safeParse({ ...poll, token: 'OPGSIM' }).success).toBe(true);
  });
});
