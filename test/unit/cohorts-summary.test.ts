import { describe, expect, it } from 'vitest';
import type { CohortResults } from '../../src/lib/cohorts/present.ts';
import {
  cohortLine,
  describeDecisive,
  describeWeighting,
  sharePercent,
  type CohortLineInput,
} from '../../src/lib/cohorts/summary.ts';

const OPTIONS = [
  { id: 'a', label: 'Alpha' },
  { id: 'b', label: 'Beta' },
];
const tally = (leader: string[]) => ({ leader, summary: '', options: [] });
const tallies = (tokens: string[] | null): CohortResults['tallies'] => ({
  ballots: tally(['a']),
  wallets: tally(['a']),
  tokens: tokens && tally(tokens),
  squareRoot: tokens && tally(tokens),
});
const SHOWN: CohortResults['cohorts'] = [];

describe('cohortLine', () => {
  it.each<[string, Partial<CohortLineInput>, string | null]>([
    [
      'the token lean and the wallets that decide it',
      { cohorts: SHOWN, tallies: tallies(['b']), decisiveWallets: { count: 3, share: 0.4, note: '' } },
      'tokens lean Beta · 3 wallets decide it',
    ],
    [
      'one wallet decides it; thousands are spelled with commas',
      { cohorts: SHOWN, tallies: tallies(['a']), decisiveWallets: { count: 1, share: 0.9, note: '' } },
      'tokens lean Alpha · 1 wallet decides it',
    ],
    [
      'a large count',
      { cohorts: SHOWN, tallies: tallies(['a']), decisiveWallets: { count: 1200, share: 0.5, note: '' } },
      'tokens lean Alpha · 1,200 wallets decide it',
    ],
    [
      'a tie in words; under the floor the count is left out',
      { cohorts: SHOWN, tallies: tallies(['a', 'b']), decisiveWallets: { count: null, share: null, note: '' } },
      'tokens split between Alpha and Beta',
    ],
    [
      'weighted tallies gated (fewer than 20 verified): only the way to the breakdown',
      { cohorts: SHOWN, tallies: tallies(null), decisiveWallets: null },
      'results by cohort',
    ],
    [
      'results hidden from this reader, or no snapshot yet: nothing',
      { cohorts: null, tallies: null, decisiveWallets: null },
      null,
    ],
    ['a poll without token: nothing', {}, null],
  ])('%s', (_name, fields, expected) => {
    expect(cohortLine({ options: OPTIONS, ...fields })).toBe(expected);
  });
});

describe('words for the cohort figures', () => {
  it.each<[Parameters<typeof describeWeighting>[0], string | null]>([
    [
      { block: 21_000_000, date: '2025-12-01T00:00:00.000Z' },
      'Weighted by the snapshot at block 21,000,000 (1 Dec 2025)',
    ],
    [{ block: 777, date: null }, 'Weighted by the snapshot at block 777'],
    [{ block: null, date: null }, null],
  ])('describeWeighting(%j)', (weighting, expected) => {
    expect(describeWeighting(weighting)).toBe(expected);
  });

  it.each<[number, string]>([
    [0, '0%'],
    [0.002, 'less than 1%'],
    [0.005, '1%'],
    [0.3849, '38%'],
    [0.995, '100%'],
    [1, '100%'],
  ])('sharePercent(%d) = %s', (fraction, expected) => {
    expect(sharePercent(fraction)).toBe(expected);
  });

  it.each<[Parameters<typeof describeDecisive>[0], string]>([
    [
      { share: 0.4, note: '3 wallets decide the weighted result' },
      '3 wallets decide the weighted result: together they hold 40% of the verified ballots’ token weight.',
    ],
    [{ share: null, note: 'fewer than 5 wallets decide it' }, 'Fewer than 5 wallets decide it.'],
    [
      { share: null, note: 'the weighted result is tied: no single leader to overturn' },
      'The weighted result is tied: no single leader to overturn.',
    ],
  ])('describeDecisive(%j)', (decisive, expected) => {
    expect(describeDecisive(decisive)).toBe(expected);
  });
});
