import { describe, expect, it } from 'vitest';
import type { CohortResults } from '../../src/lib/cohorts/present.ts';
import { translator } from '../../src/lib/i18n/i18n.ts';
import { decisiveWallets, type WeightedBallot } from '../../src/lib/cohorts/decisive.ts';
import {
  cohortLine,
  describeDecisive,
  describeWeighting,
  disagreementWords,
  joinWords,
  leaderWords,
  sharePercent,
  weightingNote,
  type CohortLineInput,
} from '../../src/lib/cohorts/summary.ts';
import { describeDisagreement, describeLeader } from '../../src/lib/cohorts/tallies.ts';

const en = translator('en');
const zh = translator('zh');
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
    [
      'wallets worked out before the latest ballots say they are updating',
      { cohorts: SHOWN, tallies: tallies(['b']), decisiveWallets: { count: 3, updating: true } },
      'tokens lean Beta · 3 wallets decide it (updating)',
    ],
    [
      'a fresh count says nothing more',
      { cohorts: SHOWN, tallies: tallies(['b']), decisiveWallets: { count: 3, updating: false } },
      'tokens lean Beta · 3 wallets decide it',
    ],
  ])('%s', (_name, fields, expected) => {
    expect(cohortLine({ options: OPTIONS, ...fields }, en)).toBe(expected);
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
    expect(describeWeighting(weighting, en)).toBe(expected);
  });

  it.each<[number, string]>([
    [0, '0%'],
    [0.002, 'less than 1%'],
    [0.005, '1%'],
    [0.3849, '38%'],
    [0.995, '100%'],
    [1, '100%'],
  ])('sharePercent(%d) = %s', (fraction, expected) => {
    expect(sharePercent(fraction, en)).toBe(expected);
  });

  it.each<[Parameters<typeof describeDecisive>[0], string]>([
    [
      { count: 3, share: 0.4, note: '3 wallets decide the weighted result' },
      '3 wallets decide the weighted result: together they hold 40% of the verified ballots’ token weight.',
    ],
    [{ count: null, share: null, note: 'fewer than 5 wallets decide it' }, 'Fewer than 5 wallets decide it.'],
    [
      { count: null, share: null, note: 'the weighted result is tied: no single leader to overturn' },
      'The weighted result is tied: no single leader to overturn.',
    ],
  ])('describeDecisive(%j)', (decisive, expected) => {
    expect(describeDecisive(decisive, en)).toBe(expected);
  });
});

describe('the same words in Chinese', () => {
  const TRANSLATED = [
    { id: 'a', label: 'Alpha', labels: { zh: '甲' } },
    { id: 'b', label: 'Beta', labels: { zh: '乙' } },
  ];

  it('words the widget line with the options’ Chinese labels and Chinese numbers', () => {
    const fields = { cohorts: SHOWN, tallies: tallies(['b']), decisiveWallets: { count: 1200, share: 0.5, note: '' } };
    expect(cohortLine({ options: TRANSLATED, ...fields }, zh)).toBe('按代币加权领先：“乙” · 1,200 个钱包即可左右结果');
    expect(cohortLine({ options: TRANSLATED, ...fields }, en)).toBe('tokens lean Beta · 1,200 wallets decide it');
    expect(cohortLine({ options: TRANSLATED, cohorts: SHOWN, tallies: tallies(['a', 'b']) }, zh)).toBe(
      '按代币加权并列：“甲”和“乙”',
    );
    expect(cohortLine({ options: TRANSLATED, cohorts: SHOWN, tallies: tallies(null) }, zh)).toBe('按持仓群体查看结果');
    const updating = { ...fields, decisiveWallets: { count: 1200, updating: true } };
    expect(cohortLine({ options: TRANSLATED, ...updating }, zh)).toBe(
      '按代币加权领先：“乙” · 1,200 个钱包即可左右结果（更新中）',
    );
  });

  it('gives the weighting snapshot with a Chinese date and the same block', () => {
    expect(describeWeighting({ block: 21_000_000, date: '2025-12-01T00:00:00.000Z' }, zh)).toBe(
      '按区块 21,000,000 的快照（2025年12月1日）加权',
    );
  });

  it('says what each weighting mode means, in English as the API does', () => {
    expect(weightingNote({ mode: 'block', block: null, pin: 900 }, en)).toBe(
      'Weights will come from the snapshot at block 900, which has not been taken yet.',
    );
    expect(weightingNote({ mode: 'block', block: 900, pin: 900 }, zh)).toBe('权重来自本投票指定的区块 900 的快照。');
    for (const mode of ['open', 'latest', 'block'] as const) {
      for (const block of [null, 777]) expect(weightingNote({ mode, block, pin: 777 }, zh)).not.toMatch(/[A-Za-z]/);
    }
  });

  it('words every case decisiveWallets can give, with nothing left in English', () => {
    const rows = (...r: [string[], bigint, number][]): WeightedBallot[] =>
      r.flatMap(([optionIds, weight, times]) => Array.from({ length: times }, () => ({ optionIds, weight })));
    const cases: [WeightedBallot[], boolean, string][] = [
      [[], false, '还没有加权选票。'],
      [rows([['a'], 5n, 1], [['b'], 5n, 1]), false, '加权结果打平：没有单一的领先者可以推翻。'],
      [rows([['a'], 5n, 1]), false, '去掉任何钱包都不会改变加权结果的领先者。'],
      [rows([['a'], 100n, 1], [['b'], 1n, 50]), false, '少于 5 个钱包即可左右结果。'],
      [
        rows([['a'], 100n, 1], [['b'], 1n, 50]),
        true,
        '1 个钱包即可左右加权结果：它们合计持有已验证选票代币权重的 67%。',
      ],
    ];
    for (const [ballots, publicBallots, chinese] of cases) {
      const decisive = decisiveWallets(ballots, ['a', 'b'], { publicBallots });
      expect(describeDecisive(decisive, zh)).toBe(chinese);
      // The English sentence is the API's note, as before.
      expect(describeDecisive(decisive, en).toLowerCase()).toContain(decisive.note.toLowerCase());
    }
  });

  it('says who leads as the tallies do in English, and in Chinese from the same leaders', () => {
    const options = [
      { id: 'a', label: 'Yes' },
      { id: 'b', label: 'No' },
      { id: 'c', label: 'Later' },
    ];
    for (const leader of [[], ['a'], ['a', 'b'], ['a', 'b', 'c']]) {
      expect(leaderWords({ leader }, options, en)).toBe(describeLeader({ leader }, options));
    }
    expect(disagreementWords({ leader: ['a'] }, { leader: ['b', 'c'] }, options, en)).toBe(
      describeDisagreement({ leader: ['a'] }, { leader: ['b', 'c'] }, options),
    );
    expect(leaderWords({ leader: ['a', 'b'] }, TRANSLATED, zh)).toBe('“甲”和“乙”并列');
    expect(disagreementWords({ leader: ['a'] }, { leader: ['b'] }, TRANSLATED, zh)).toBe('钱包倾向“甲”；代币倾向“乙”');
  });

  it('joins lists as each language does', () => {
    expect(joinWords('en', ['A', 'B', 'C'])).toBe('A, B and C');
    expect(joinWords('zh-Hans', ['A', 'B', 'C'], 'disjunction')).toBe('A、B或C');
    expect(sharePercent(0.002, zh)).toBe('不到 1%');
  });
});
