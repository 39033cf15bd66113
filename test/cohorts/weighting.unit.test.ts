import { describe, expect, it } from 'vitest';
import {
  ballotWeigher,
  chooseWeightingBlock,
  weightingTokenOf,
  weightsKey,
  type WeightingMode,
} from '../../src/lib/cohorts/weighting.ts';

const SNAPSHOTS = [
  { block: 10, takenAt: 1_000 },
  { block: 20, takenAt: 2_000 },
  { block: 30, takenAt: 3_000 },
];

describe('chooseWeightingBlock', () => {
  const poll = (mode: WeightingMode, over: Partial<Parameters<typeof chooseWeightingBlock>[0]> = {}) => ({
    mode,
    opensAt: 2_500,
    closesAt: null,
    pin: null,
    current: null,
    now: 5_000,
    ...over,
  });
  it.each([
    ['open: the last snapshot at or before opening', poll('open'), SNAPSHOTS, 20],
    ['open: a snapshot taken exactly at opening counts as before', poll('open', { opensAt: 2_000 }), SNAPSHOTS, 20],
    ['open: none before, so the first after', poll('open', { opensAt: 500 }), SNAPSHOTS, 10],
    ['open: keeps its choice once made', poll('open', { current: 10 }), SNAPSHOTS, 10],
    ['open: a kept choice whose snapshot is gone is made again', poll('open', { current: 99 }), SNAPSHOTS, 20],
    ['open: no snapshot at all', poll('open'), [], null],
    ['latest: the newest', poll('latest'), SNAPSHOTS, 30],
    ['latest: closed, the newest before closing', poll('latest', { closesAt: 2_400 }), SNAPSHOTS, 20],
    ['latest: closed before any snapshot, the first', poll('latest', { closesAt: 100 }), SNAPSHOTS, 10],
    ['block: the pinned one', poll('block', { pin: 10 }), SNAPSHOTS, 10],
    ['block: not taken yet', poll('block', { pin: 40 }), SNAPSHOTS, null],
  ])('%s', (_name, input, snapshots, expected) => {
    expect(chooseWeightingBlock(input, snapshots)).toBe(expected);
  });

  it('does not depend on the order snapshots arrive in', () => {
    expect(chooseWeightingBlock(poll('open'), [...SNAPSHOTS].reverse())).toBe(20);
  });
});

describe('ballotWeigher', () => {
  const token = weightingTokenOf({
    symbol: 'TST',
    decimals: 2,
    cohorts: { whale: 10, dolphin: 1, fish: 0.1 },
    labels: {
      '0x00000000000000000000000000000000000000AA': { name: 'Exchange', kind: 'exchange' },
      '0x00000000000000000000000000000000000000bb': { name: 'Team', kind: 'team' },
    },
  });
  const supply = 10_000n;
  it.each([
    ['a cookie ballot', null, 0n, { cohort: 'unverified', weight: 0n, sqrtWeight: 0 }],
    ['exactly the whale threshold', '0x01', 1_000n, { cohort: 'whale', weight: 1_000n, sqrtWeight: Math.sqrt(10) }],
    ['one base unit under it', '0x01', 999n, { cohort: 'dolphin', weight: 999n, sqrtWeight: Math.sqrt(9.99) }],
    ['a wallet not in the snapshot', '0x02', 0n, { cohort: 'none', weight: 0n, sqrtWeight: 0 }],
    [
      'an exchange (labels match whatever the case)',
      '0x00000000000000000000000000000000000000aa',
      5_000n,
      { cohort: 'none', weight: 0n, sqrtWeight: 0 },
    ],
    [
      'a team wallet keeps its weight as an insider',
      '0x00000000000000000000000000000000000000BB',
      400n,
      { cohort: 'insiders', weight: 400n, sqrtWeight: 2 },
    ],
  ] as const)('%s', (_name, address, balance, expected) => {
    expect(ballotWeigher(supply, token)(address, balance)).toEqual(expected);
  });
});

describe('weights keys', () => {
  it('change with the snapshot id, so a re-import at the same block re-weights', () => {
    expect(weightsKey({ id: 1, block: 5 }, null)).not.toBe(weightsKey({ id: 2, block: 5 }, null));
  });
});
