import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenderCache } from '../../src/lib/cards/cache.ts';
import {
  cardLang,
  cardText,
  fitFontSize,
  formatCardDate,
  pollCard,
  postCard,
  type CardChild,
  type CardNode,
} from '../../src/lib/cards/card.ts';
import { parseUnicodeRange, planSubsets, type FontFamilySubsets } from '../../src/lib/cards/fonts.ts';
import { pollCardStatus, pollCardView } from '../../src/lib/cards/poll-view.ts';
import { pollCardUrl, pollCardVersion, postCardPath } from '../../src/lib/cards/urls.ts';
import type { CohortResults } from '../../src/lib/cohorts/present.ts';
import type { PollRecord } from '../../src/lib/polls/records.ts';
import { presentResults } from '../../src/lib/polls/results.ts';
import { pollRecord } from '../helpers/poll-record.ts';

const NOW = Date.UTC(2026, 10, 20);
const DAY = 86_400_000;

/** Every node of a card, depth first. */
function nodes(node: CardChild): CardNode[] {
  if (typeof node === 'string') return [];
  const { children } = node.props;
  const list = children === undefined ? [] : Array.isArray(children) ? children : [children];
  return [node, ...list.flatMap(nodes)];
}

const threeOptions = (votes: [number, number, number]): PollRecord['options'] =>
  ['Alpha', 'Beta', 'Gamma'].map((label, i) => ({
    optionId: label.toLowerCase(),
    position: i,
    label,
    labels: {},
    importedVotes: 0,
    votes: votes[i] ?? 0,
  }));

describe('formatCardDate', () => {
  it.each<[string, 'en' | 'zh', string]>([
    ['2026-11-18', 'en', '18 Nov 2026'],
    ['2026-11-18', 'zh', '2026年11月18日'],
    // UTC, not the building machine's zone: late on the 1st in UTC is still the 1st.
    ['2026-12-01T23:30:00Z', 'en', '1 Dec 2026'],
    ['2026-01-05T00:00:00Z', 'zh', '2026年1月5日'],
  ])('%s in %s is %s', (iso, lang, expected) => {
    expect(formatCardDate(new Date(iso), lang)).toBe(expected);
  });
});

describe('cardLang', () => {
  it.each([
    ['en', 'en'],
    ['zh', 'zh'],
    ['zh-Hans', 'zh'],
    ['zh-Hant', 'zh'],
  ])('%s → %s', (lang, expected) => {
    expect(cardLang(lang)).toBe(expected);
  });
});

describe('fitFontSize', () => {
  const SIZES = [76, 66, 58, 50];
  it.each<[string, string, number]>([
    ['a short title', 'Short', 76],
    ['a title of two lines', 'The liquidity ghost: who really earns from $OPG inference nodes', 76],
    ['the longest title the schema allows', 'x '.repeat(70), 50],
    // Han characters are about twice as wide as Latin letters.
    ['forty Han characters', '流动性幽灵'.repeat(8), 66],
  ])('%s', (_, text, expected) => {
    expect(fitFontSize(text, SIZES, 3, 1056)).toBe(expected);
  });

  it('never gives a longer text a larger size', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), fc.string({ maxLength: 60 }), (text, more) => {
        expect(fitFontSize(text + more, SIZES, 3, 1056)).toBeLessThanOrEqual(fitFontSize(text, SIZES, 3, 1056));
      }),
    );
  });
});

describe('postCard', () => {
  const post = { title: 'The liquidity ghost', publishedAt: new Date('2026-11-18'), lang: 'en' as const, tokens: [] };

  it('shows the site mark, the title, the date in the post language and the tokens as chips', () => {
    const card = postCard({ ...post, tokens: ['OPG', 'BTC'] });
    const text = cardText(card);
    for (const part of ['sentiment-desk', 'The liquidity ghost', '18 Nov 2026', '$OPG', '$BTC']) {
      expect(text).toContain(part);
    }
    expect(card.props.lang).toBe('en-US');
    expect(card.props.style).toMatchObject({ width: 1200, height: 630 });
  });

  it('lays a Chinese post out in Chinese', () => {
    const card = postCard({ ...post, title: '流动性幽灵', lang: 'zh' });
    expect(card.props.lang).toBe('zh-CN');
    expect(cardText(card)).toContain('2026年11月18日');
    expect(cardText(card)).toContain('研究');
  });

  it('clamps the title and keeps at most four chips, counting the rest', () => {
    const card = postCard({ ...post, title: 'word '.repeat(28).trim(), tokens: ['A', 'B', 'C', 'D', 'E', 'F'] });
    const title = nodes(card).find((n) => n.props.children === 'word '.repeat(28).trim());
    expect(title?.props.style).toMatchObject({ display: 'block', lineClamp: 4 });
    const chips = nodes(card).filter((n) => typeof n.props.children === 'string' && /^(\$|\+)/.test(n.props.children));
    expect(chips.map((n) => n.props.children)).toEqual(['$A', '$B', '$C', '$D', '+2']);
  });
});

describe('pollCardView and pollCard', () => {
  const cohorts = (leader: string[], count: number | null): CohortResults =>
    ({
      cohorts: [],
      tallies: {
        ballots: { leader, summary: '', options: [] },
        wallets: { leader, summary: '', options: [] },
        tokens: { leader, summary: '', options: [] },
        squareRoot: null,
      },
      decisiveWallets: count === null ? null : { count, share: null, note: '' },
    }) as unknown as CohortResults;

  it('speaks the card’s language: Chinese words, Chinese labels where the poll has them, the same figures', () => {
    const options = threeOptions([2, 1, 0]).map((o, n) => (n === 0 ? { ...o, labels: { zh: '甲' } } : o));
    const poll = pollRecord({ options, totalVotes: 3, verifiedVotes: 1, questionLabels: { zh: '问题？' } });
    const view = pollCardView(presentResults(poll, null, NOW), null, 'zh');
    expect(view).toMatchObject({
      lang: 'zh',
      question: '问题？',
      kicker: '社区投票',
      options: [
        { label: '甲', percent: 67, leading: true },
        { label: 'Beta', percent: 33, leading: false },
        { label: 'Gamma', percent: 0, leading: false },
      ],
      summary: '3 票 · 1 票经钱包验证 · 样本较小',
      status: '投票进行中',
    });
  });

  it('shows the split, the total and a small sample when counts are public', () => {
    const poll = pollRecord({ options: threeOptions([2, 1, 0]), totalVotes: 3, verifiedVotes: 1 });
    const view = pollCardView(presentResults(poll, null, NOW), null);
    expect(view).toMatchObject({
      question: 'Q?',
      options: [
        { label: 'Alpha', percent: 67, leading: true },
        { label: 'Beta', percent: 33, leading: false },
        { label: 'Gamma', percent: 0, leading: false },
      ],
      summary: '3 votes · 1 wallet-verified · small sample',
      hiddenNote: null,
      status: 'Voting open',
    });
    const text = cardText(pollCard(view));
    expect(text).toContain('67%');
    expect(text).toContain('3 votes');
  });

  it.each<[string, Partial<PollRecord>, string]>([
    [
      'after-close',
      { results: 'after-close', closesAt: NOW + 10 * DAY },
      'Results appear when voting closes on 30 Nov 2026',
    ],
    ['after-vote, open-ended', { results: 'after-vote' }, 'Results appear after you vote'],
    [
      'after-vote with a close',
      { results: 'after-vote', closesAt: NOW + 10 * DAY },
      'Results appear after you vote, and to everyone when voting closes on 30 Nov 2026',
    ],
  ])('hides every figure while results are %s, and says when they appear', (_, overrides, note) => {
    const poll = pollRecord({ options: threeOptions([5, 4, 1]), totalVotes: 10, token: 'TST', ...overrides });
    const view = pollCardView(presentResults(poll, null, NOW), cohorts(['alpha'], 3));
    expect(view.options.map((o) => o.percent)).toEqual([null, null, null]);
    expect(view).toMatchObject({ summary: null, cohortLine: null, hiddenNote: note });
    const text = cardText(pollCard(view));
    expect(text).not.toMatch(/\d+%|\d+ votes?|lean/);
    expect(text).toContain('Alpha');
  });

  it('is built for a reader without a ballot: a voter’s own view does not open an after-vote poll', () => {
    const poll = pollRecord({ options: threeOptions([1, 0, 0]), totalVotes: 1, results: 'after-vote' });
    // What the voter sees on the page...
    expect(presentResults(poll, ['alpha'], NOW).resultsVisible).toBe(true);
    // ...is not what the card is built from.
    expect(pollCardView(presentResults(poll, null, NOW), null).hiddenNote).not.toBeNull();
  });

  it('adds the cohort line of a token poll, as the widget words it', () => {
    const poll = pollRecord({ options: threeOptions([5, 4, 1]), totalVotes: 10, token: 'TST' });
    const view = pollCardView(presentResults(poll, null, NOW), cohorts(['beta'], 3));
    expect(view.cohortLine).toBe('Tokens lean Beta · 3 wallets decide it');
    expect(cardText(pollCard(view))).toContain('Tokens lean Beta · 3 wallets decide it');
  });

  it('marks every option tied for the lead, and none before the first vote', () => {
    const tied = pollCardView(
      presentResults(pollRecord({ options: threeOptions([2, 2, 1]), totalVotes: 5 }), null, NOW),
      null,
    );
    expect(tied.options.map((o) => o.leading)).toEqual([true, true, false]);
    const empty = pollCardView(presentResults(pollRecord({ options: threeOptions([0, 0, 0]) }), null, NOW), null);
    expect(empty.options.map((o) => o.leading)).toEqual([false, false, false]);
    expect(empty.summary).toBe('0 votes · small sample');
  });

  it('follows counts, not rounded percentages: the seed poll 1, 1, 0, 1 is a three-way tie, said in words', () => {
    const three = threeOptions([1, 1, 0]);
    const delta = { ...(three[0] as PollRecord['options'][number]), optionId: 'delta', position: 3, label: 'Delta' };
    const options: PollRecord['options'] = [...three, { ...delta, votes: 1 }];
    const view = pollCardView(presentResults(pollRecord({ options, totalVotes: 3 }), null, NOW), null);
    // Largest remainder gives one of the three 34%, the others 33%...
    expect(view.options.map((o) => o.percent)).toEqual([34, 33, 0, 33]);
    // ...but none of them leads alone.
    expect(view.options.map((o) => o.leading)).toEqual([true, true, false, true]);
    expect(view.summary).toBe('3 votes · Alpha, Beta and Delta tie · small sample');
    const zh = pollCardView(presentResults(pollRecord({ options, totalVotes: 3 }), null, NOW), null, 'zh');
    expect(zh.summary).toContain('并列');
  });

  it('shows five options and counts the rest', () => {
    const options = Array.from({ length: 8 }, (_, i) => ({
      optionId: `o${i}`,
      position: i,
      label: `Option ${i}`,
      labels: {},
      importedVotes: 0,
      votes: i,
    }));
    const view = pollCardView(presentResults(pollRecord({ options, totalVotes: 28 }), null, NOW), null);
    expect(view.options).toHaveLength(5);
    expect(view.moreOptions).toBe(3);
    expect(cardText(pollCard(view))).toContain('+3 more options');
  });

  it.each<[string, { status: 'scheduled' | 'open' | 'closed'; closesAt: string | null }, string]>([
    ['scheduled', { status: 'scheduled', closesAt: null }, 'Voting opens 1 Nov 2026'],
    ['open-ended', { status: 'open', closesAt: null }, 'Voting open'],
    ['open with a close', { status: 'open', closesAt: '2026-11-30T00:00:00Z' }, 'Voting open until 30 Nov 2026'],
    ['closed', { status: 'closed', closesAt: '2026-11-18T00:00:00Z' }, 'Voting closed 18 Nov 2026'],
  ])('states the %s status with dates, which stay true as long as the image is kept', (_, results, expected) => {
    expect(pollCardStatus({ ...results, opensAt: '2026-11-01T00:00:00Z' })).toBe(expected);
  });
});

describe('card URLs', () => {
  it.each([
    ['opg-liquidity-ghost', '/og/posts/opg-liquidity-ghost.png'],
    ['zh/opg-liquidity-ghost', '/og/posts/zh/opg-liquidity-ghost.png'],
  ])('postCardPath(%s)', (id, path) => {
    expect(postCardPath(id)).toBe(path);
  });

  it('puts the version in the poll card URL, absolute when given an origin', () => {
    expect(pollCardUrl('p', 'open.3')).toBe('/polls/p/card.png?v=open.3');
    expect(pollCardUrl('p', 'open.3', 'https://desk.example')).toBe('https://desk.example/polls/p/card.png?v=open.3');
  });

  it.each<[string, Partial<PollRecord>, string]>([
    ['public counts: the write version', { results: 'always', version: 7 }, 'open.7'],
    ['hidden until close: the status only', { results: 'after-close', version: 7, closesAt: NOW + DAY }, 'open'],
    ['hidden until a vote: the status only', { results: 'after-vote', version: 7 }, 'open'],
    ['closed, counts public again', { results: 'after-close', version: 9, closesAt: NOW - DAY }, 'closed.9'],
    ['not open yet', { results: 'always', version: 1, opensAt: NOW + DAY }, 'scheduled.1'],
  ])('pollCardVersion: %s', (_, overrides, expected) => {
    expect(pollCardVersion(pollRecord(overrides), NOW)).toBe(expected);
  });

  it('never lets a hidden poll’s URL move with its votes', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const hidden = (version: number): PollRecord => pollRecord({ results: 'after-close', version });
        expect(pollCardVersion(hidden(a), NOW)).toBe(pollCardVersion(hidden(b), NOW));
      }),
    );
  });
});

describe('font subsets', () => {
  it.each<[string, [number, number][]]>([
    [
      'U+0000-00FF,U+0131',
      [
        [0, 255],
        [0x131, 0x131],
      ],
    ],
    ['U+4E??', [[0x4e00, 0x4eff]]],
    [
      'u+1f300 , U+1F302-1F308',
      [
        [0x1f300, 0x1f300],
        [0x1f302, 0x1f308],
      ],
    ],
    ['', []],
  ])('parseUnicodeRange(%j)', (value, expected) => {
    expect(parseUnicodeRange(value)).toEqual(expected);
  });

  const LATIN: FontFamilySubsets = {
    family: 'Latin',
    subsets: { 'latin-ext': 'U+0100-024F', latin: 'U+0000-00FF,U+2000-206F' },
  };
  const HAN: FontFamilySubsets = {
    family: 'Han',
    subsets: { '[1]': 'U+4E00-4EFF', '[2]': 'U+5000-5FFF', latin: 'U+0000-00FF' },
  };

  it.each<[string, string, FontFamilySubsets[], string[]]>([
    ['Latin text needs the Latin subset only', 'Hello', [LATIN, HAN], ['Latin latin']],
    [
      'Han text adds the Han subsets that hold its characters',
      'Hi 丁 大',
      [LATIN, HAN],
      ['Latin latin', 'Han [1]', 'Han [2]'],
    ],
    ['the first family that has a character draws it', 'Hi 丁', [HAN, LATIN], ['Han [1]', 'Han latin']],
    ['a character no family has needs nothing', '😀', [LATIN, HAN], []],
  ])('%s', (_, text, families, expected) => {
    expect(planSubsets(text, families).map((p) => `${p.family} ${p.subset}`)).toEqual(expected);
  });
});

describe('RenderCache', () => {
  it('renders once per TTL, shares a render in flight, and keeps no unknown key', async () => {
    let now = 1_000;
    let renders = 0;
    const cache = new RenderCache<number>(60_000, () => now);
    const render = async (): Promise<number> => ++renders;
    const [a, b] = await Promise.all([cache.get('p', render), cache.get('p', render)]);
    expect(renders).toBe(1);
    expect(a).toEqual({ value: 1, renderedAt: 1_000, expiresAt: 61_000 });
    expect(b).toBe(a);
    now = 60_999;
    expect((await cache.get('p', render))?.value).toBe(1);
    now = 61_000;
    expect(await cache.get('p', render)).toEqual({ value: 2, renderedAt: 61_000, expiresAt: 121_000 });
    expect(await cache.get('gone', async () => null)).toBeNull();
    expect(await cache.get('gone', async () => null)).toBeNull();
  });

  it('drops a kept value once its key is gone, and recovers from a failed render', async () => {
    let now = 0;
    const cache = new RenderCache<string>(10, () => now);
    await cache.get('p', async () => 'card');
    now = 10;
    expect(await cache.get('p', async () => null)).toBeNull();
    await expect(cache.get('p', () => Promise.reject(new Error('font missing')))).rejects.toThrow('font missing');
    expect((await cache.get('p', async () => 'again'))?.value).toBe('again');
  });
});
