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
  { id: 'a', label: 'Alpha', labels: {}, votes: 1, percent: 50 },
  { id: 'b', label: 'Beta', labels: {}, votes: 1, percent: 50 },
];
const tally = (leader: string[]) => ({ leader, summary: '', options: [] });
const tallies = (tokens: string[] | null): CohortResults['tallies'] => ({
  ballots: tally(['a']),
  wallets: tally(['a']),
  tokens: tokens && tally(tokens),
  squareRoot: tokens && tally(tokens),
});

describe('cohortLine', () => {
  it.each<[string, Partial<CohortLineInput>, string[]]>([
    [
      'every figure there',
      {
        totalVotes: 312,
        verifiedVotes: 41,
        tallies: tallies(['b']),
        decisiveWallets: { count: 3, share: 0.4, note: '' },
      },
      ['312 votes', '41 wallet-verified', 'tokens lean Beta', '3 wallets decide it'],
    ],
    [
      'one wallet decides it; thousands are spelled with commas',
      {
        totalVotes: 1200,
        verifiedVotes: 1001,
        tallies: tallies(['a']),
        decisiveWallets: { count: 1, share: 0.9, note: '' },
      },
      ['1,200 votes', '1,001 wallet-verified', 'tokens lean Alpha', '1 wallet decides it'],
    ],
    [
      'a tie in words',
      {
        totalVotes: 40,
        verifiedVotes: 30,
        tallies: tallies(['a', 'b']),
        decisiveWallets: { count: null, share: null, note: '' },
      },
      ['40 votes', '30 wallet-verified', 'tokens split between Alpha and Beta'],
    ],
    [
      'weighted tallies gated (fewer than 20 verified): no token lean, no decisive count',
      { totalVotes: 12, verifiedVotes: 4, tallies: tallies(null), decisiveWallets: null },
      ['12 votes', '4 wallet-verified'],
    ],
    [
      'no verified ballots: that part is left out too',
      { totalVotes: 3, verifiedVotes: 0, tallies: tallies(null), decisiveWallets: null },
      ['3 votes'],
    ],
    [
      'results hidden from this reader: nothing at all',
      { totalVotes: null, verifiedVotes: null, tallies: null, decisiveWallets: null },
      [],
    ],
    ['a poll without token: only the total', { totalVotes: 7 }, ['7 votes']],
  ])('%s', (_name, fields, expected) => {
    expect(cohortLine({ totalVotes: null, options: OPTIONS, ...fields })).toEqual(expected);
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
