import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cardLang,
  cardText,
  fitFontSize,
  formatCardDate,
  postCard,
  type CardChild,
  type CardNode,
} from '../../src/lib/cards/card.ts';
import { parseUnicodeRange, planSubsets, type FontFamilySubsets } from '../../src/lib/cards/fonts.ts';
import { postCardPath } from '../../src/lib/cards/urls.ts';

/** Every node of a card, depth first. */
function nodes(node: CardChild): CardNode[] {
  if (typeof node === 'string') return [];
  const { children } = node.props;
  const list = children === undefined ? [] : Array.isArray(children) ? children : [children];
  return [node, ...list.flatMap(nodes)];
}

describe('formatCardDate', () => {
  it.each<[string, 'en' | 'zh', string]>([
    ['2026-11-18', 'en', 'November 18, 2026'],
    ['2026-11-18', 'zh', '2026年11月18日'],
    // UTC, not the building machine's zone: late on the 1st in UTC is still the 1st.
    ['2026-12-01T23:30:00Z', 'en', 'December 1, 2026'],
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
    for (const part of ['sentiment-desk', 'The liquidity ghost', 'November 18, 2026', '$OPG', '$BTC']) {
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

describe('card URLs', () => {
  it.each([
    ['opg-liquidity-ghost', '/og/posts/opg-liquidity-ghost.png'],
    ['zh/opg-liquidity-ghost', '/og/posts/zh/opg-liquidity-ghost.png'],
  ])('postCardPath(%s)', (id, path) => {
    expect(postCardPath(id)).toBe(path);
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
