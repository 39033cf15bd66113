import { describe, expect, it } from 'vitest';
import { flowsCsv, flowsView, parseFlowsQuery, type StoredSpan } from '../../src/lib/flows/query.ts';

const NOW = Date.parse('2026-12-07T15:00:00Z');
const query = (text: string) => parseFlowsQuery(new URLSearchParams(text), NOW);

describe('the flows query', () => {
  it('defaults to the last 90 days, all holders, JSON', () => {
    expect(query('')).toEqual({
      from: '2026-09-09',
      to: '2026-12-07',
      fromMs: Date.parse('2026-09-09T00:00:00Z'),
      toMs: Date.parse('2026-12-08T00:00:00Z') - 1,
      scope: 'all',
      format: 'json',
    });
    expect(query('to=2026-01-31&scope=circulating&format=csv')).toMatchObject({
      from: '2025-11-03',
      to: '2026-01-31',
      scope: 'circulating',
      format: 'csv',
    });
    // One day is a window.
    expect(query('from=2026-03-01&to=2026-03-01')).toMatchObject({
      fromMs: Date.parse('2026-03-01T00:00:00Z'),
      toMs: Date.parse('2026-03-02T00:00:00Z') - 1,
    });
  });

  it.each([
    ['from=2026-3-1', 'from must be a UTC date, YYYY-MM-DD'],
    ['to=2026-02-30', 'to is not a calendar date'],
    ['from=2026-05-02&to=2026-05-01', 'from (2026-05-02) is after to (2026-05-01)'],
    ['scope=whales', 'scope must be one of all, excludingLabelled, circulating'],
    ['format=xml', 'format must be "json" or "csv"'],
    ['window=30', 'unknown parameter window'],
  ])('refuses %s, naming it', (text, message) => {
    expect(query(text)).toEqual({ problem: message });
  });
});

const span = (
  fromBlock: number,
  toBlock: number,
  net: Record<string, string>,
  extra: Partial<StoredSpan['figures']> = {},
): StoredSpan => ({
  fromBlock,
  toBlock,
  toTime: Date.UTC(2026, 10, toBlock),
  figures: {
    kind: 'transfers',
    net,
    matrix: {},
    addresses: Object.fromEntries(Object.keys(net).map((g) => [g, 1])),
    transfers: 2,
    scopeSupply: '1000',
    ...extra,
  },
});

describe('the flows view', () => {
  it('adds the spans up, group by group, with shares of the first span’s supply', () => {
    const view = flowsView([
      span(20, 30, { whale: '30', shrimp: '-30' }, { matrix: { shrimp: { whale: '30' } } }),
      span(10, 20, { whale: '50', new: '10', exchange: '-60' }, { matrix: { exchange: { whale: '50', new: '10' } } }),
    ]);
    expect(view.kind).toBe('transfers');
    expect(view.blocks).toEqual({ from: 10, to: 30 });
    expect(view.groups).toEqual([
      { group: 'whale', net: '80', share: 0.08, addresses: 2 },
      { group: 'shrimp', net: '-30', share: -0.03, addresses: 1 },
      { group: 'exchange', net: '-60', share: -0.06, addresses: 1 },
      { group: 'new', net: '10', share: 0.01, addresses: 1 },
    ]);
    expect(view.groups.reduce((sum, g) => sum + BigInt(g.net), 0n)).toBe(0n);
    expect(view.matrix).toEqual({ exchange: { whale: '50', new: '10' }, shrimp: { whale: '30' } });
    expect(view.spans.map((s) => s.toBlock)).toEqual([20, 30]);
  });

  it('says when the spans are balance changes, or a mix, or when there are none', () => {
    expect(flowsView([span(1, 2, { whale: '1', unaccounted: '-1' }, { kind: 'net' })]).kind).toBe('net');
    expect(flowsView([span(1, 2, {}, { kind: 'net' }), span(2, 3, {})]).kind).toBe('mixed');
    expect(flowsView([])).toMatchObject({ kind: 'none', blocks: null, groups: [] });
  });

  it('writes one CSV row per span and group', () => {
    const csv = flowsCsv(flowsView([span(10, 20, { whale: '50', exchange: '-50' })]));
    expect(csv.split('\n')).toEqual([
      'from_block,to_block,to_time,kind,group,net_base_units,share_of_scope_supply,addresses',
      '10,20,2026-11-20T00:00:00.000Z,transfers,whale,50,0.05,1',
      '10,20,2026-11-20T00:00:00.000Z,transfers,exchange,-50,-0.05,1',
      '',
    ]);
  });
});
