import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n/i18n.ts';
import { distributionMetrics } from '../../src/lib/chain/metrics.ts';
import type { SnapshotMetrics } from '../../src/lib/chain/snapshot.ts';
import { pollDefinitionSchema, type PollDefinitionInput } from '../../src/lib/polls/schemas.ts';
import {
  outcomeGaps,
  RESOLUTION_METRICS,
  RESOLUTION_SCOPES,
  type Condition,
  type ResolutionScopeName,
} from '../../src/lib/resolution/definition.ts';
import {
  accuracy,
  chainOutcome,
  type CohortAccuracy,
  cohortAccuracy,
  describeChange,
  formatAccuracy,
  meets,
  metricValue,
  pooledAccuracy,
  roundedChange,
} from '../../src/lib/resolution/resolve.ts';
import { resolutionState } from '../../src/lib/resolution/status.ts';
import { UNSCOPED_FLOW_METRICS } from '../../src/lib/flows/measures.ts';
import type { FlowMetric } from '../../db/json-columns.ts';
import { buildTrackRecord, trackRecordCsv } from '../../src/lib/resolution/track-record.ts';
import { presentResolution, type ResolutionView } from '../../src/lib/resolution/view.ts';

const en = translator('en');
const zh = translator('zh');
const THRESHOLDS = { whale: 10, dolphin: 1, fish: 0.1 };

/** Three scopes with different holders, so a scope mix-up shows. */
const METRICS: SnapshotMetrics = {
  all: distributionMetrics([5000, 2000, 1000, 500, 300, 100, 50, 30, 10, 5, 3, 2], THRESHOLDS),
  excludingLabelled: distributionMetrics([2000, 1000, 500, 300, 100, 50, 30, 10, 5, 3, 2], THRESHOLDS),
  circulating: distributionMetrics([1000, 500, 300, 100, 50, 30, 10, 5, 3, 2], THRESHOLDS),
};

const THREE_WAY = {
  'toward-retail': { below: -0.02 },
  'toward-whales': { above: 0.02 },
  unchanged: { between: [-0.02, 0.02] },
} satisfies Record<string, Condition>;

function poll(
  overrides: Partial<Omit<PollDefinitionInput, 'resolution'>> & { resolution?: unknown } = {},
): PollDefinitionInput {
  return {
    id: 'who-holds',
    question: 'Will the top ten hold less by March?',
    options: [
      { id: 'toward-retail', label: 'Toward retail' },
      { id: 'toward-whales', label: 'Toward whales' },
      { id: 'unchanged', label: 'Unchanged' },
      { id: 'nobody-knows', label: 'Nobody can tell' },
    ],
    opensAt: new Date('2027-01-01T00:00:00Z'),
    closesAt: new Date('2027-02-01T00:00:00Z'),
    token: 'OPGSIM',
    resolution: { metric: 'top10Share', scope: 'circulating', from: 'opens', at: '2027-03-01', outcomes: THREE_WAY },
    ...overrides,
  } as PollDefinitionInput;
}

/** The messages a definition is refused with, each prefixed by its field path. */
function refusals(input: PollDefinitionInput): string[] {
  const result = pollDefinitionSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('resolution definitions', () => {
  it('accepts the documented example, and leaves options without an outcome unscored', () => {
    const parsed = pollDefinitionSchema.parse(poll());
    expect(parsed.resolution?.metric).toBe('top10Share');
    expect(Object.keys(parsed.resolution?.outcomes ?? {})).not.toContain('nobody-knows');
  });

  it('takes unquoted YAML dates, which Astro’s content loader hands over as Date objects', () => {
    const dated = { from: new Date('2027-01-15T00:00:00Z'), at: new Date('2027-03-01T00:00:00Z') };
    const parsed = pollDefinitionSchema.parse(poll({ resolution: { ...(poll().resolution as object), ...dated } }));
    expect(parsed.resolution).toMatchObject({ from: '2027-01-15', at: '2027-03-01' });
    // A timestamp is not a day.
    const timed = { at: new Date('2027-03-01T12:00:00Z') };
    expect(refusals(poll({ resolution: { ...(poll().resolution as object), ...timed } }))).toEqual([
      expect.stringMatching(/^resolution\.at: /),
    ]);
  });

  it('accepts every metric, every scope it is measured over, and a start date', () => {
    for (const metric of RESOLUTION_METRICS) {
      for (const scope of Object.keys(RESOLUTION_SCOPES)) {
        if (UNSCOPED_FLOW_METRICS.includes(metric as FlowMetric) && scope !== 'all') continue;
        const resolution = { metric, scope, from: '2027-01-15', at: '2027-03-01', outcomes: THREE_WAY };
        expect(refusals(poll({ resolution })), `${metric} ${scope}`).toEqual([]);
      }
    }
  });

  it.each([
    ['an unknown metric', { metric: 'top5Share' }, 'resolution.metric: metric must be one of top1Share'],
    ['an unknown scope', { scope: 'everyone' }, 'resolution.scope: scope must be one of all, custodians-excluded'],
    ['an unknown cohort', { metric: 'cohortShare.kraken' }, 'resolution.metric: metric must be one of'],
    ['an unknown flow group', { metric: 'netFlow.outside' }, 'resolution.metric: metric must be one of'],
    [
      'a scope for rewards, which are nobody’s holdings',
      { metric: 'rewardsTop10Share', scope: 'circulating' },
      'resolution.scope: rewardsTop10Share is not measured over one set of holders: use scope: all',
    ],
    ['an impossible date', { at: '2027-02-30' }, 'resolution.at: not a calendar date'],
    ['a date that is not a day', { at: 'March' }, 'resolution.at: use a date as YYYY-MM-DD'],
    ['at before from', { from: '2027-03-05' }, 'resolution.from: from (2027-03-05) must be before at (2027-03-01)'],
    ['at before the poll closes', { at: '2027-01-20' }, 'resolution.at: at (2027-01-20) is before the poll closes'],
    [
      'overlapping ranges',
      { outcomes: { down: { below: 0.01 }, same: { between: [0, 0.02] }, up: { above: 0.02 } } },
      'resolution.outcomes: outcomes "down" and "same" overlap',
    ],
    [
      'two closed ranges sharing an end',
      { outcomes: { down: { below: 0 }, same: { between: [0, 0.02] }, up: { between: [0.02, 1] } } },
      'resolution.outcomes: outcomes "same" and "up" overlap',
    ],
    [
      'a missing range',
      { outcomes: { down: { below: -0.02 }, up: { above: 0.02 } } },
      'resolution.outcomes: no outcome for a change between -0.02 and 0.02',
    ],
    [
      'a missing point',
      { outcomes: { down: { below: 0 }, up: { above: 0 } } },
      'resolution.outcomes: no outcome for a change of exactly 0',
    ],
    [
      'no upper end',
      { outcomes: { down: { below: 0 }, up: { between: [0, 1] } } },
      'resolution.outcomes: no outcome for a change above 1',
    ],
    [
      'a reversed range',
      { outcomes: { down: { below: 0 }, up: { between: [1, 0] } } },
      'resolution.outcomes.up.between: between needs [low, high] with low ≤ high',
    ],
    [
      'an outcome for an option the poll lacks',
      { outcomes: { ...THREE_WAY, sideways: { between: [5, 6] } } },
      'resolution.outcomes.sideways: "sideways" is not an option of this poll',
    ],
  ])('refuses %s, naming the field', (_name, change, message) => {
    const resolution = {
      metric: 'top10Share',
      scope: 'circulating',
      from: 'opens',
      at: '2027-03-01',
      outcomes: THREE_WAY,
      ...change,
    };
    expect(refusals(poll({ resolution })).join('\n')).toContain(message);
  });

  it('refuses a resolving poll without closesAt, of kind multiple, or without a token', () => {
    expect(refusals(poll({ closesAt: undefined }))).toContain(
      'resolution.at: a poll that resolves needs closesAt, before its resolution date',
    );
    expect(refusals(poll({ kind: 'multiple', maxChoices: 2 }))).toContain(
      'resolution: a poll that resolves is kind: single',
    );
    expect(refusals(poll({ token: undefined }))).toContain(
      'resolution: a poll that resolves against the chain needs a token',
    );
  });

  it('finds overlaps and gaps in any order of the outcomes', () => {
    expect(outcomeGaps({ up: { above: 0.02 }, same: { between: [-0.02, 0.02] }, down: { below: -0.02 } })).toBeNull();
    expect(outcomeGaps({ only: { below: 0 } })).toBe('no outcome for a change above 0');
    expect(outcomeGaps({ only: { above: 0 } })).toBe('no outcome for a change below 0');
    expect(outcomeGaps({})).toBe('no outcomes');
    expect(outcomeGaps({ a: { below: 0 }, b: { below: 1 }, c: { above: 0 } })).toBe('outcomes "a" and "b" overlap');
  });
});

describe('scoring against the chain', () => {
  it('reads every metric in every scope from the scope it names', () => {
    for (const [name, scope] of Object.entries(RESOLUTION_SCOPES) as [ResolutionScopeName, keyof SnapshotMetrics][]) {
      const measured = METRICS[scope];
      if (!measured || typeof measured === 'number') throw new Error(`no ${scope}`);
      expect(metricValue(METRICS, 'top1Share', name)).toBe(measured.top1Share);
      expect(metricValue(METRICS, 'top10Share', name)).toBe(measured.top10Share);
      expect(metricValue(METRICS, 'top100Share', name)).toBe(measured.top100Share);
      expect(metricValue(METRICS, 'gini', name)).toBe(measured.gini);
      expect(metricValue(METRICS, 'hhi', name)).toBe(measured.hhi);
      expect(metricValue(METRICS, 'nakamoto', name)).toBe(measured.nakamoto);
      expect(metricValue(METRICS, 'holderCount', name)).toBe(measured.holderCount);
      for (const cohort of ['whale', 'dolphin', 'fish', 'shrimp'] as const) {
        expect(metricValue(METRICS, `cohortShare.${cohort}`, name)).toBe(measured.cohorts[cohort].share);
      }
    }
    // The three scopes differ here, so reading the wrong one would show.
    expect(metricValue(METRICS, 'holderCount', 'all')).toBe(12);
    expect(metricValue(METRICS, 'holderCount', 'custodians-excluded')).toBe(11);
    expect(metricValue(METRICS, 'holderCount', 'circulating')).toBe(10);
    expect(metricValue(METRICS, 'top1Share', 'circulating')).toBeCloseTo(1000 / 2000, 12);
  });

  it('has no value in a scope the snapshot lacks', () => {
    expect(metricValue({ ...METRICS, circulating: null }, 'gini', 'circulating')).toBeNull();
  });

  it('rounds the change to 6 decimals before comparing', () => {
    expect(roundedChange(0.621, 0.584)).toBe(-0.037);
    expect(roundedChange(0.1, 0.1200000004)).toBe(0.02);
    expect(roundedChange(0.5, 0.5)).toBe(0);
    expect(Object.is(roundedChange(0.3, 0.3000000001), 0)).toBe(true);
    expect(roundedChange(100, 90)).toBe(-10);
  });

  it.each([
    [-0.020001, 'toward-retail'],
    [-0.02, 'unchanged'],
    [0, 'unchanged'],
    [0.02, 'unchanged'],
    [0.020001, 'toward-whales'],
    [-1, 'toward-retail'],
    [1, 'toward-whales'],
  ])('a change of %s picks %s (below and above strict, between closed)', (change, option) => {
    expect(chainOutcome(THREE_WAY, change)).toBe(option);
  });

  it('decides at the edges after rounding, not before', () => {
    // 0.0200004 rounds to 0.02, which `between` includes; unrounded it would be "toward whales".
    expect(chainOutcome(THREE_WAY, roundedChange(0.5, 0.5200004))).toBe('unchanged');
    expect(chainOutcome(THREE_WAY, roundedChange(0.5, 0.5200006))).toBe('toward-whales');
    expect(meets({ below: 0 }, 0)).toBe(false);
    expect(meets({ above: 0 }, 0)).toBe(false);
    expect(meets({ between: [0, 0] }, 0)).toBe(true);
  });

  it('scores accuracy over scored options only', () => {
    const tally = new Map([
      ['toward-retail', 6],
      ['toward-whales', 2],
      ['unchanged', 0],
      ['nobody-knows', 40],
    ]);
    const scored = Object.keys(THREE_WAY);
    expect(accuracy(tally, scored, 'toward-retail', 0)).toEqual({ right: 6, scored: 8, share: 0.75 });
    expect(accuracy(tally, scored, 'unchanged', 0)).toEqual({ right: 0, scored: 8, share: 0 });
    // Only unscored ballots: no number to give.
    expect(accuracy(new Map([['nobody-knows', 3]]), scored, 'unchanged', 0)).toEqual({
      right: 0,
      scored: 0,
      share: null,
    });
    expect(accuracy(new Map(), scored, 'unchanged', 0).share).toBeNull();
  });

  it('scores token weights exactly, beyond a float’s integers', () => {
    const whole = 10n ** 18n;
    const tally = new Map([
      ['toward-retail', 3n * 10n ** 24n * whole],
      ['toward-whales', 10n ** 24n * whole + 1n],
    ]);
    const result = accuracy(tally, Object.keys(THREE_WAY), 'toward-retail', 0n);
    expect(result.right).toBe(3n * 10n ** 24n * whole);
    expect(result.scored).toBe(4n * 10n ** 24n * whole + 1n);
    expect(result.share).toBe(0.749999999);
  });

  it('gives hidden cohorts no accuracy, and the others theirs', () => {
    const option = (id: string, votes: number | null) => ({ id, votes, percent: null });
    const result = cohortAccuracy(
      [
        {
          id: 'whale',
          label: 'Whales',
          hidden: true,
          voters: null,
          options: [option('toward-retail', null), option('toward-whales', null)],
        },
        {
          id: 'shrimp',
          label: 'Shrimp',
          hidden: false,
          voters: 9,
          options: [option('toward-retail', 2), option('toward-whales', 6), option('nobody-knows', 1)],
        },
        { id: 'unverified', label: 'Not verified', hidden: false, voters: 1, options: [option('nobody-knows', 1)] },
      ],
      Object.keys(THREE_WAY),
      'toward-whales',
    );
    expect(result).toEqual([
      { id: 'whale', label: 'Whales', hidden: true, accuracy: null },
      { id: 'shrimp', label: 'Shrimp', hidden: false, accuracy: { right: 6, scored: 8, share: 0.75 } },
      { id: 'unverified', label: 'Not verified', hidden: false, accuracy: { right: 0, scored: 0, share: null } },
    ]);
  });

  it('pools right and scored ballots across polls instead of averaging shares', () => {
    const pooled = pooledAccuracy([
      { right: 1, scored: 1, share: 1 },
      { right: 1, scored: 9, share: 1 / 9 },
      { right: 0, scored: 0, share: null },
    ]);
    expect(pooled).toEqual({ right: 2, scored: 10, share: 0.2 });
    expect(pooledAccuracy([]).share).toBeNull();
  });

  it('says the change in words', () => {
    expect(describeChange({ metric: 'top10Share', scope: 'circulating' }, 0.621, 0.584, en)).toBe(
      'top-10 share of circulating supply fell from 62.1% to 58.4%',
    );
    expect(describeChange({ metric: 'holderCount', scope: 'all' }, 1200, 1450, en)).toBe(
      'number of holders in the whole supply rose from 1,200 to 1,450',
    );
    expect(describeChange({ metric: 'gini', scope: 'custodians-excluded' }, 0.8, 0.8, en)).toBe(
      'Gini coefficient of supply without custodians stayed at 0.800',
    );
    expect(describeChange({ metric: 'cohortShare.whale', scope: 'circulating' }, 0.9, 0.85, en)).toBe(
      'whales’ share of circulating supply fell from 90.0% to 85.0%',
    );
  });
});

describe('the resolution in Chinese', () => {
  it('says the change with the same figures', () => {
    expect(describeChange({ metric: 'top10Share', scope: 'circulating' }, 0.621, 0.584, zh)).toBe(
      '流通供应量的前十大钱包持仓占比从 62.1% 降至 58.4%',
    );
    expect(describeChange({ metric: 'holderCount', scope: 'all' }, 1200, 1450, zh)).toBe(
      '全部供应量中的持有者数量从 1,200 升至 1,450',
    );
    expect(describeChange({ metric: 'gini', scope: 'custodians-excluded' }, 0.8, 0.8, zh)).toBe(
      '不含托管地址的供应量的基尼系数保持在 0.800',
    );
    expect(formatAccuracy({ share: null }, zh)).toBe('没有计分选票');
    expect(formatAccuracy({ share: 0.164 }, zh)).toBe(formatAccuracy({ share: 0.164 }, en));
  });
});

describe('where a resolving poll stands', () => {
  const DAY_MS = 86_400_000;
  const at = Date.parse('2027-03-01T00:00:00Z');
  const closesAt = Date.parse('2027-02-01T00:00:00Z');
  /** A snapshot whose circulating top-10 share is `top10` (the other scopes are not read). */
  const snapshot = (id: number, block: number, takenAt: number, top10: number | null) => ({
    id,
    block,
    takenAt,
    metrics: {
      ...METRICS,
      circulating: top10 === null ? null : { ...METRICS.all, top10Share: top10 },
    } as SnapshotMetrics,
    source: { kind: 'csv' as const, file: `opg-${block}.csv`, sha256: 'ab'.repeat(32) },
    simulated: false,
  });
  const definition = pollDefinitionSchema.parse(poll()).resolution;
  if (!definition) throw new Error('the example poll resolves');
  const weighting = snapshot(1, 100, Date.parse('2026-12-20T00:00:00Z'), 0.621);
  const midway = snapshot(2, 200, Date.parse('2027-02-10T00:00:00Z'), 0.6);
  const settling = snapshot(3, 300, at + DAY_MS, 0.584);
  const later = snapshot(4, 400, at + 10 * DAY_MS, 0.9);
  const state = { closesAt, weightingBlock: 100 };

  it('is pending while the poll is open, with the value and the change so far', () => {
    const result = resolutionState(definition, state, [weighting, midway], closesAt - DAY_MS);
    expect(result.status).toBe('pending');
    if (result.status !== 'pending') return;
    expect(result.reason).toBe('open');
    expect(result.resolvesOn).toBe(at);
    expect(result.from?.snapshot.block).toBe(100);
    // midway was taken after `now`, so "so far" is the weighting snapshot itself.
    expect(result.current).toMatchObject({ value: 0.621, change: 0 });
  });

  it('is pending after close until a snapshot at or after the date exists', () => {
    const result = resolutionState(definition, state, [weighting, midway], at + 5 * DAY_MS);
    expect(result).toMatchObject({ status: 'pending', reason: 'no-settling-snapshot' });
    if (result.status !== 'pending') return;
    expect(result.current).toMatchObject({ value: 0.6, change: -0.021 });
  });

  it('resolves on the first snapshot at or after the date, measured from the weighting snapshot', () => {
    const result = resolutionState(definition, state, [later, settling, midway, weighting], at + 20 * DAY_MS);
    expect(result).toMatchObject({ status: 'resolved', change: -0.037, outcome: 'toward-retail' });
    if (result.status !== 'resolved') return;
    expect(result.from.snapshot.block).toBe(100);
    expect(result.to.snapshot.block).toBe(300);
    expect(result.description).toBe('top-10 share of circulating supply fell from 62.1% to 58.4%');
  });

  it('measures from the first snapshot at or after a `from` date', () => {
    const fromDate = { ...definition, from: '2027-02-05' };
    const result = resolutionState(fromDate, state, [weighting, midway, settling], at + 2 * DAY_MS);
    expect(result).toMatchObject({ status: 'resolved', change: -0.016, outcome: 'unchanged' });
  });

  it('never settles on the snapshot it measures from', () => {
    // The weighting snapshot is itself after the date (no snapshot existed before the poll opened).
    const lateWeighting = snapshot(5, 500, at + DAY_MS, 0.7);
    const onlyThat = resolutionState(definition, { closesAt, weightingBlock: 500 }, [lateWeighting], at + 2 * DAY_MS);
    expect(onlyThat).toMatchObject({ status: 'pending', reason: 'no-settling-snapshot' });
    const withNext = resolutionState(
      definition,
      { closesAt, weightingBlock: 500 },
      [lateWeighting, later],
      at + 20 * DAY_MS,
    );
    expect(withNext).toMatchObject({ status: 'resolved', change: 0.2, outcome: 'toward-whales' });
  });

  it('waits when there is nothing to measure from, or a snapshot lacks the scope', () => {
    expect(resolutionState(definition, { closesAt, weightingBlock: null }, [settling], at + 2 * DAY_MS)).toMatchObject({
      status: 'pending',
      reason: 'no-start',
    });
    const unscoped = snapshot(6, 600, at + DAY_MS, null);
    expect(resolutionState(definition, state, [weighting, unscoped], at + 2 * DAY_MS)).toMatchObject({
      status: 'pending',
      reason: 'not-measurable',
    });
  });
});

describe('a poll that resolves on a metric counted by owner', () => {
  const DAY_MS = 86_400_000;
  const at = Date.parse('2027-03-01T00:00:00Z');
  const closesAt = Date.parse('2027-02-01T00:00:00Z');
  /** Counted by address the top 10 barely move; counted by owner (one whale's wallets together) they rise. */
  const snapshot = (id: number, block: number, takenAt: number, byAddress: number, byOwner: number | null) => ({
    id,
    block,
    takenAt,
    metrics: { ...METRICS, circulating: { ...METRICS.all, top10Share: byAddress } } as SnapshotMetrics,
    ownerMetrics:
      byOwner === null
        ? null
        : ({ ...METRICS, circulating: { ...METRICS.all, top10Share: byOwner } } as SnapshotMetrics),
    source: { kind: 'csv' as const, file: `opg-${block}.csv`, sha256: 'ab'.repeat(32) },
    simulated: false,
  });
  const parsed = pollDefinitionSchema.parse(
    poll({
      resolution: {
        metric: 'top10Share',
        scope: 'circulating',
        from: 'opens',
        at: '2027-03-01',
        outcomes: THREE_WAY,
        by: 'entity',
      },
    }),
  ).resolution;
  if (!parsed) throw new Error('the poll resolves');
  const definition = parsed;
  const state = { closesAt, weightingBlock: 100 };

  it('is scored on the figures by owner, not by address, and says so', () => {
    const result = resolutionState(
      definition,
      state,
      [snapshot(1, 100, at - 60 * DAY_MS, 0.6, 0.7), snapshot(2, 200, at + DAY_MS, 0.601, 0.75)],
      at + 2 * DAY_MS,
    );
    expect(result).toMatchObject({ status: 'resolved', change: 0.05, outcome: 'toward-whales' });
    if (result.status !== 'resolved') return;
    expect(result.description).toBe('top-10 share of circulating supply counted by owner rose from 70.0% to 75.0%');
    expect(describeChange(definition, 0.7, 0.75, zh)).toContain('（按所有者计）');
    // The same poll counted by address would have stayed put.
    const byAddress = resolutionState(
      { ...definition, by: 'address' },
      state,
      [snapshot(1, 100, at - 60 * DAY_MS, 0.6, 0.7), snapshot(2, 200, at + DAY_MS, 0.601, 0.75)],
      at + 2 * DAY_MS,
    );
    expect(byAddress).toMatchObject({ status: 'resolved', outcome: 'unchanged' });
  });

  it('waits, saying why, while a snapshot it is measured at has not been grouped', () => {
    const result = resolutionState(
      definition,
      state,
      [snapshot(1, 100, at - 60 * DAY_MS, 0.6, 0.7), snapshot(2, 200, at + DAY_MS, 0.601, null)],
      at + 2 * DAY_MS,
    );
    expect(result).toMatchObject({ status: 'pending', reason: 'not-grouped' });
  });

  it('refuses by: entity on a flow, and any other value of by', () => {
    const flow = { metric: 'exchangeInflow', scope: 'all', from: 'opens', at: '2027-03-01', outcomes: THREE_WAY };
    expect(refusals(poll({ resolution: { ...flow, by: 'entity' } }))).toEqual([
      'resolution.by: exchangeInflow is a flow between groups of addresses: by: entity is for snapshot metrics',
    ]);
    expect(refusals(poll({ resolution: { ...flow, metric: 'gini', by: 'owner' } }))).toEqual([
      'resolution.by: by must be address or entity (each owner counted once)',
    ]);
  });
});

describe('a poll that resolves on a flow', () => {
  const DAY_MS = 86_400_000;
  const at = Date.parse('2027-03-01T00:00:00Z');
  const closesAt = Date.parse('2027-02-01T00:00:00Z');
  const snapshot = (id: number, block: number, takenAt: number) => ({
    id,
    block,
    takenAt,
    metrics: METRICS,
    source: { kind: 'rpc' as const, chainId: 1, block, contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
    simulated: false,
  });
  const definition = pollDefinitionSchema.parse(
    poll({
      resolution: {
        metric: 'netFlow.whale',
        scope: 'circulating',
        from: 'opens',
        at: '2027-03-01',
        outcomes: THREE_WAY,
      },
    }),
  ).resolution;
  if (!definition) throw new Error('the example poll resolves');
  const weighting = snapshot(1, 100, Date.parse('2026-12-20T00:00:00Z'));
  const midway = snapshot(2, 200, Date.parse('2027-02-10T00:00:00Z'));
  const settling = snapshot(3, 300, at + DAY_MS);
  const state = { closesAt, weightingBlock: 100 };
  /** Whales' flow: 1% by block 200, 3.5% by block 300, measured from block 100 only. */
  const between = (from: { block: number }, to: { block: number }) => {
    if (from.block !== 100) throw new Error(`measured from block ${from.block}`);
    return to.block === 200 ? 0.01 : to.block === 300 ? 0.035 : 'needs-transfers';
  };

  it('starts at zero and shows the flow so far while it waits', () => {
    const result = resolutionState(definition, state, [weighting, midway], at + 5 * DAY_MS, between);
    expect(result).toMatchObject({ status: 'pending', reason: 'no-settling-snapshot' });
    if (result.status !== 'pending') return;
    expect(result.from).toMatchObject({ value: 0 });
    expect(result.current).toMatchObject({ value: 0.01, change: 0.01 });
  });

  it('is settled by the flow itself, as the change from zero', () => {
    const result = resolutionState(definition, state, [weighting, midway, settling], at + 2 * DAY_MS, between);
    expect(result).toMatchObject({ status: 'resolved', change: 0.035, outcome: 'toward-whales' });
    if (result.status !== 'resolved') return;
    expect(result.description).toBe(
      'whales’ net flow, as a share of circulating supply came to +3.5% between the two snapshots',
    );
    expect(describeChange(definition, 0, 0.035, zh)).toBe('两次快照之间，大户的净流入（占流通供应量的比例）为 +3.5%');
  });

  it('waits, saying why, while the transfers behind it are missing or nothing it measures happened', () => {
    const missing = resolutionState(definition, state, [weighting, settling], at + 2 * DAY_MS, () => 'needs-transfers');
    expect(missing).toMatchObject({ status: 'pending', reason: 'needs-transfers', current: null });
    const nothing = resolutionState(
      definition,
      state,
      [weighting, settling],
      at + 2 * DAY_MS,
      () => 'nothing-to-measure',
    );
    expect(nothing).toMatchObject({ status: 'pending', reason: 'nothing-to-measure' });
    // Without a way to measure flows, a flow metric never reads a snapshot's own metrics.
    expect(resolutionState(definition, state, [weighting, settling], at + 2 * DAY_MS)).toMatchObject({
      status: 'pending',
      reason: 'needs-transfers',
    });
    expect(metricValue(METRICS, 'netFlow.whale', 'circulating')).toBeNull();
  });

  it('words the span metrics without a scope', () => {
    const rewards = { ...definition, metric: 'rewardsTop10Share' as const, scope: 'all' as const };
    expect(describeChange(rewards, 0, 0.88, en)).toBe(
      'ten largest recipients’ share of the node rewards paid came to 88.0% between the two snapshots',
    );
  });
});

describe('the resolution as the API gives it', () => {
  const definition = pollDefinitionSchema.parse(poll()).resolution;
  if (!definition) throw new Error('the example poll resolves');
  const settled = {
    fromBlock: 100,
    fromTakenAt: Date.parse('2026-12-20T00:00:00Z'),
    fromValue: 0.621,
    toBlock: 300,
    toTakenAt: Date.parse('2027-03-02T00:00:00Z'),
    toValue: 0.584,
    fromSource: { kind: 'rpc' as const, chainId: 8453, block: 100, contract: '0x'.padEnd(42, '1') },
    toSource: null,
    simulated: true,
    change: -0.037,
    outcome: 'toward-retail',
    definition,
  };

  it('gives no accuracy to a reader the poll hides its results from', () => {
    const view = presentResolution(definition, settled, null, null);
    expect(view).toMatchObject({ status: 'resolved', outcome: 'toward-retail', accuracy: null, change: -0.037 });
    expect(view?.description).toBe('top-10 share of circulating supply fell from 62.1% to 58.4%');
    // The stored sources in words; an outcome stored before sources were kept has none.
    expect(view?.start?.source).toBe(`chain 8453, contract ${'0x'.padEnd(42, '1')}, block 100`);
    expect(view?.end?.source).toBeNull();
    expect(view?.simulated).toBe(true);
  });

  it('scores the token tally by its exact weights and shows only the share', () => {
    const view = presentResolution(definition, settled, null, {
      ballots: new Map([['toward-retail', 1]]),
      wallets: null,
      tokens: new Map([
        ['toward-retail', 3n],
        ['toward-whales', 1n],
      ]),
      cohorts: null,
    });
    expect(view?.accuracy).toEqual({
      ballots: { right: 1, scored: 1, share: 1 },
      wallets: null,
      tokens: { share: 0.75 },
      cohorts: null,
    });
  });

  it('says a poll with no snapshot yet is pending, with nothing measured', () => {
    const view = presentResolution(
      definition,
      null,
      {
        status: 'pending',
        reason: 'no-start',
        resolvesOn: Date.parse('2027-03-01T00:00:00Z'),
        from: null,
        current: null,
      },
      null,
    );
    expect(view).toEqual({
      definition,
      status: 'pending',
      simulated: false,
      resolvesOn: '2027-03-01',
      reason: 'no-start',
      start: null,
      end: null,
      change: null,
      description: null,
      outcome: null,
      accuracy: null,
    });
  });
});

describe('the track record', () => {
  const resolved = (id: string, settledAt: string, votes: number[], cohorts: CohortAccuracy[]) => ({
    id,
    question: `${id}?`,
    questionLabels: { zh: `${id}？` },
    token: 'OPGSIM',
    options: ['toward-retail', 'toward-whales', 'unchanged'].map((o, i) => ({
      id: o,
      label: o,
      labels: { zh: `${o}（中文）` },
      votes: votes[i] ?? 0,
    })),
    resolution: {
      status: 'resolved' as const,
      simulated: false,
      outcome: 'toward-retail',
      description: 'fell',
      end: { block: 1, takenAt: settledAt, value: 0 },
      accuracy: {
        ballots: accuracy(
          new Map([
            ['toward-retail', votes[0] ?? 0],
            ['toward-whales', votes[1] ?? 0],
          ]),
          ['toward-retail', 'toward-whales'],
          'toward-retail',
          0,
        ),
        wallets: null,
        tokens: null,
        cohorts,
      },
    } as unknown as ResolutionView,
  });
  const cohort = (id: CohortAccuracy['id'], right: number, scored: number, hidden = false): CohortAccuracy => ({
    id,
    label: id,
    hidden,
    accuracy: hidden ? null : { right, scored, share: scored === 0 ? null : right / scored },
  });

  it('pools each cohort over the polls it was shown in, best first, and lists polls newest first', () => {
    const record = buildTrackRecord([
      resolved('older', '2027-01-01T00:00:00.000Z', [1, 9, 0], [cohort('whale', 1, 1), cohort('shrimp', 2, 10)]),
      resolved('newer', '2027-06-01T00:00:00.000Z', [5, 5, 0], [cohort('whale', 0, 0, true), cohort('shrimp', 6, 10)]),
    ]);
    expect(record.polls.map((p) => [p.id, p.crowd.map((c) => c.id)])).toEqual([
      ['newer', ['toward-retail', 'toward-whales']],
      ['older', ['toward-whales']],
    ]);
    // Each poll keeps its question's and options' translations, for a page in another language.
    expect(record.polls[0]?.questionLabels).toEqual({ zh: 'newer？' });
    expect(record.polls[0]?.chain).toEqual({
      id: 'toward-retail',
      label: 'toward-retail',
      labels: { zh: 'toward-retail（中文）' },
    });
    expect(record.pooled.ballots).toEqual({ right: 6, scored: 20, share: 0.3 });
    expect(record.pooled.wallets).toEqual({ right: 0, scored: 0, share: null });
    // Whales: 1 of 1 in the one poll they were shown in; shrimp: 8 of 20 over two.
    expect(record.pooled.cohorts).toEqual([
      { id: 'whale', label: 'whale', polls: 1, accuracy: { right: 1, scored: 1, share: 1 } },
      { id: 'shrimp', label: 'shrimp', polls: 2, accuracy: { right: 8, scored: 20, share: 0.4 } },
    ]);
    const csv = trackRecordCsv(record).trim().split('\n');
    expect(csv).toContain(
      'older,OPGSIM,2027-01-01T00:00:00.000Z,false,toward-retail,toward-whales,cohort:whale,1,1,1.0000',
    );
    expect(csv).toContain('all,,,,,,cohort:shrimp,8,20,0.4000');
    expect(csv).not.toContain(
      'newer,OPGSIM,2027-06-01T00:00:00.000Z,false,toward-retail,toward-retail toward-whales,cohort:whale,,,',
    );
  });

  it('leaves out polls that are not resolved or whose results are hidden', () => {
    const pending = {
      ...resolved('p', '2027-01-01T00:00:00.000Z', [1, 0, 0], []),
      resolution: { status: 'pending' } as unknown as ResolutionView,
    };
    const hidden = resolved('h', '2027-01-01T00:00:00.000Z', [1, 0, 0], []);
    hidden.resolution = { ...hidden.resolution, accuracy: null };
    expect(buildTrackRecord([pending, hidden]).polls).toEqual([]);
  });
});
