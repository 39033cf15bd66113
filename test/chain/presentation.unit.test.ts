import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n/i18n.ts';
import { snapshotsCsv, snapshotView } from '../../src/lib/chain/export.ts';
import { formatPercent } from '../../src/lib/chain/format.ts';
import {
  chartData,
  latestFigures,
  parseChainChartQuery,
  scopeDescription,
  scopeNotes,
  sentimentVsChain,
  whaleTable,
  type MetricSeries,
} from '../../src/lib/chain/presentation.ts';
import type { StoredSnapshot } from '../../src/lib/chain/repo.server.ts';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../../src/lib/chain/scopes.ts';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';

const en = translator('en');
const zh = translator('zh');

describe('sentimentVsChain', () => {
  const day = (d: string): number => Date.parse(`${d}T00:00:00Z`);
  const series: MetricSeries = {
    metric: 'top10Share',
    label: 'Top-10 holders’ share',
    percent: true,
    bounded: true,
    simulated: false,
    source: 'x',
    points: [
      // Snapshots are taken at any moment of a day.
      { at: day('2026-11-02') + 9 * 3_600_000, block: 10, value: 0.8 },
      { at: day('2026-11-04') + 60_000, block: 20, value: 0.7 },
    ],
  };

  it('puts poll shares and the on-chain measure on one time axis, a row a day, leaving missing days empty', () => {
    const data = sentimentVsChain(
      {
        options: [{ label: 'Yes' }, { label: 'No' }],
        // History points mark the end of a day: 2026-11-03 00:00 closes 2026-11-02.
        points: [
          { at: day('2026-11-03'), percent: [60, 40] },
          { at: day('2026-11-04'), percent: [55, 45] },
        ],
      },
      series,
      [],
      en,
    );
    expect(data.days).toEqual([day('2026-11-02'), day('2026-11-03'), day('2026-11-04')]);
    expect(data.options[0]?.shares).toEqual([0.6, 0.55, null]);
    expect(data.metric?.values).toEqual([0.8, null, 0.7]);
    // The chart's points: each day's answers on the day they were cast, each snapshot when it was taken.
    expect(data.options[0]?.points).toEqual([
      { x: day('2026-11-02'), y: 0.6 },
      { x: day('2026-11-03'), y: 0.55 },
    ]);
    expect(data.metric?.points).toEqual([
      { x: day('2026-11-02') + 9 * 3_600_000, y: 0.8 },
      { x: day('2026-11-04') + 60_000, y: 0.7 },
    ]);
  });

  it('marks the unlocks inside the charted days, each at its moment, and leaves out those beyond', () => {
    const unlocks = [
      { kind: 'cliff' as const, date: new Date('2026-11-03T00:00:00Z'), amount: '15000000', recipient: 'team cliff' },
      { kind: 'cliff' as const, date: new Date('2027-06-01T00:00:00Z'), amount: '1', recipient: 'far off' },
      {
        kind: 'linear' as const,
        start: new Date('2026-10-01T00:00:00Z'),
        end: new Date('2027-10-01T00:00:00Z'),
        cliff: new Date('2026-11-04T12:00:00Z'),
        amount: '3650',
        recipient: 'investors',
      },
    ];
    const data = sentimentVsChain(
      { options: [{ label: 'Yes' }], points: [{ at: day('2026-11-03'), percent: [60] }] },
      series,
      unlocks,
      en,
    );
    expect(data.unlocks).toEqual([
      { at: day('2026-11-03'), day: day('2026-11-03'), label: 'team cliff: 15,000,000 tokens unlock' },
      // 34 days and a half accrued since 1 October, at 10 a day, unlock at the cliff.
      { at: day('2026-11-04') + 12 * 3_600_000, day: day('2026-11-04'), label: 'investors: 345 tokens unlock' },
    ]);
    expect(data.days).toEqual([day('2026-11-02'), day('2026-11-03'), day('2026-11-04')]);
    // The same days and amounts in Chinese: only the words change.
    const inChinese = sentimentVsChain(
      { options: [{ label: 'Yes' }], points: [{ at: day('2026-11-03'), percent: [60] }] },
      series,
      unlocks,
      zh,
    );
    expect(inChinese.unlocks.map((u) => u.label)).toEqual([
      'team cliff：解锁 15,000,000 枚代币',
      'investors：解锁 345 枚代币',
    ]);
    expect(inChinese.days).toEqual(data.days);
  });

  it('draws sentiment alone when the token has no data, and nothing at all before the first answer', () => {
    const data = sentimentVsChain(
      { options: [{ label: 'Yes' }], points: [{ at: 86_400_000, percent: [100] }] },
      null,
      [],
      en,
    );
    expect(data.metric).toBeNull();
    expect(data.days).toEqual([0]);
    const empty = sentimentVsChain({ options: [{ label: 'Yes' }], points: [] }, null, [], en);
    expect(empty.days).toEqual([]);
    expect(empty.unlocks).toEqual([]);
  });
});

describe('a post chart’s own page', () => {
  it.each([
    [
      { poll: 'p', symbol: null, metric: 'top10Share' },
      { poll: 'p', symbol: null, metric: 'top10Share' },
    ],
    [
      { poll: null, symbol: ' OPG ', metric: 'gini' },
      { poll: null, symbol: 'OPG', metric: 'gini' },
    ],
    [
      { poll: null, symbol: 'OPG', metric: 'price' },
      { error: expect.stringMatching(/^metric must be one of top1Share/) },
    ],
    [{ poll: null, symbol: 'OPG', metric: null }, { error: expect.stringMatching(/^metric must be one of/) }],
    [{ poll: 'p', symbol: 'OPG', metric: 'gini' }, { error: 'give either a poll or a symbol' }],
    [{ poll: '', symbol: null, metric: 'gini' }, { error: 'give either a poll or a symbol' }],
  ])('reads %o', (query, expected) => {
    expect(parseChainChartQuery(query)).toEqual(expected);
  });
});

describe('the token page in three scopes', () => {
  const EXCHANGE = '0x00000000000000000000000000000000000e0e0e';
  const TEAM = '0x000000000000000000000000000000000000feed';
  const holder = (i: number): string => `0x${(i + 0x5000).toString(16).padStart(40, '0')}`;
  const token = {
    symbol: 'TST',
    decimals: 0,
    labels: {
      [EXCHANGE]: { name: 'Exchange', kind: 'exchange' as const },
      [TEAM]: { name: 'Team', kind: 'team' as const },
    },
    cohorts: { whale: 0.1, dolphin: 0.01, fish: 0.001 },
    unlocks: [],
  };
  const stored = (id: number, block: number, balances: bigint[]): StoredSnapshot => {
    const holders = [
      { address: EXCHANGE, balance: 300n },
      { address: TEAM, balance: 500n },
      ...balances.map((balance, i) => ({ address: holder(i), balance })),
    ];
    const s = buildSnapshot({
      token,
      block,
      takenAt: Date.UTC(2026, 10, block),
      holders,
      source: { kind: 'csv', file: 'x.csv', sha256: 'ab' },
      totalSupply: null,
      simulated: false,
    });
    return {
      id,
      token: s.token,
      block,
      takenAt: s.takenAt,
      source: s.source,
      simulated: false,
      supply: s.supply.toString(),
      totalSupply: null,
      supplyDifference: null,
      metrics: s.metrics,
      reorganised: false,
    };
  };
  // An older snapshot whose balances were never stored: the backfill marked its circulating scope null.
  const old = stored(1, 1, [100n, 100n]);
  const older = {
    ...old,
    metrics: { ...old.metrics, circulating: null, circulatingBackfilledAt: Date.UTC(2026, 11, 1) },
  };
  const latest = stored(2, 2, [150n, 50n]);

  it('lists every figure for all three scopes', () => {
    const rows = latestFigures(latest, token, en);
    const row = (label: string): Record<string, string | null> | undefined =>
      rows.find((r) => r.label === label)?.values;
    expect(row('Supply counted (tokens)')).toEqual({ all: '1,000', excludingLabelled: '700', circulating: '200' });
    expect(row('Holders')).toEqual({ all: '4', excludingLabelled: '3', circulating: '2' });
    expect(row('Largest holder')).toEqual({ all: '50.00%', excludingLabelled: '71.43%', circulating: '75.00%' });
    expect(rows.map((r) => r.label)).toContain('Shrimp (< 0.001%)');
    expect(rows.every((r) => Object.keys(r.values).length === 3)).toBe(true);
    expect(latestFigures(older, token, en).find((r) => r.label === 'Holders')?.values.circulating).toBeNull();
  });

  it('gives the same figures in Chinese, with Chinese labels', () => {
    const english = latestFigures(latest, token, en);
    const chinese = latestFigures(latest, token, zh);
    expect(chinese.map((r) => r.values)).toEqual(english.map((r) => r.values));
    expect(chinese.map((r) => r.label)).toContain('虾米（<0.001%）');
    expect(chinese.find((r) => r.label === '持有者数')?.values).toEqual({
      all: '4',
      excludingLabelled: '3',
      circulating: '2',
    });
    expect(scopeNotes([older, latest], zh)).toEqual([
      expect.stringMatching(/^1 个快照（区块 1）存储时尚未保存全部余额/),
    ]);
  });

  it('describes each scope from the label roles, in English as scopes.ts does', () => {
    for (const scope of SCOPES) expect(scopeDescription(scope, en)).toBe(SCOPE_DESCRIPTIONS[scope]);
    expect(scopeDescription('excludingLabelled', zh)).toBe(
      '去掉标记为交易所、流动性池、跨链桥、销毁地址、合约或奖励分发的地址：它们替许多人持有，或者不属于任何人。',
    );
  });

  it('charts one scope, leaving out snapshots that lack it, with cohort counts and shares', () => {
    const data = chartData([older, latest], token, 'circulating', 0, en);
    expect(data.scope).toBe('circulating');
    expect(data.missing).toBe(1);
    expect(data.points.map((p) => p.block)).toEqual([2]);
    expect(data.points[0]?.cohorts.whale).toEqual({ holders: 2, share: 1 });
    expect(chartData([older, latest], token, 'all', 0, en).points).toHaveLength(2);
  });

  it('gives each large holder its share in every scope that counts it', () => {
    const rows = whaleTable(
      token,
      {
        supply: latest.supply,
        metrics: latest.metrics,
        holders: [
          { rank: 1, address: TEAM, balance: '500' },
          { rank: 2, address: EXCHANGE, balance: '300' },
          { rank: 3, address: holder(0), balance: '150' },
        ],
      },
      null,
    );
    expect(rows.map((r) => r.shares)).toEqual([
      { all: 0.5, excludingLabelled: 500 / 700, circulating: null },
      { all: 0.3, excludingLabelled: null, circulating: null },
      { all: 0.15, excludingLabelled: 150 / 700, circulating: 0.75 },
    ]);
  });

  it('says which snapshots got the scope later, and which cannot have it', () => {
    const backfilled = { ...old, metrics: { ...old.metrics, circulatingBackfilledAt: Date.UTC(2026, 11, 1) } };
    expect(scopeNotes([backfilled, latest], en)).toEqual([
      expect.stringMatching(
        /^Circulating figures for 1 snapshot stored before that scope existed were computed on 1 Dec 2026/,
      ),
    ]);
    expect(scopeNotes([older, latest], en)).toEqual([
      expect.stringMatching(/^1 snapshot \(block 1\) was stored before/),
    ]);
    expect(scopeNotes([latest], en)).toEqual([]);
  });

  it('exports the circulating scope, empty where a snapshot lacks it', () => {
    const lines = snapshotsCsv([older, latest]).trim().split('\n');
    expect(lines.map((l) => l.split(',')[2])).toEqual([
      'scope',
      'all',
      'excludingLabelled',
      'circulating',
      'all',
      'excludingLabelled',
      'circulating',
    ]);
    expect(lines[3]).toMatch(/,circulating,false,csv:x\.csv:ab,1000,,,,/);
    expect(snapshotView(older).circulating).toBeNull();
    expect(snapshotView(older).circulatingBackfilledAt).toBe('2026-12-01T00:00:00.000Z');
    expect(snapshotView(latest)).toMatchObject({ circulating: { holderCount: 2 }, circulatingBackfilledAt: null });
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0.00%'],
    [0.003, '0.30%'],
    [0.00004, '< 0.01%'],
    [0.00005, '0.01%'],
    [0.991, '99.10%'],
  ])('%f prints as %s', (n, text) => {
    expect(formatPercent(n)).toBe(text);
  });
});
