import { describe, expect, it } from 'vitest';
import { postCard } from '../../src/lib/cards/card.ts';
import { fontsFor, renderCard } from '../../src/lib/cards/render.server.ts';
import { pngSize } from '../helpers/png.ts';

/**
 * The card renderer with the real fonts from npm (no server, no browser):
 * Chinese titles come out in Chinese glyphs, not in empty boxes.
 */

const post = (title: string, lang: 'en' | 'zh') =>
  postCard({ title, publishedAt: new Date('2026-11-18'), lang, tokens: ['OPG'] });

// Same length, no character in common: drawn as boxes, the two would be the same picture.
const A = '大户默默在吸筹吗';
const B = '解锁期背后的抛压';

describe('fontsFor', () => {
  it('loads only the Noto Sans SC subsets that hold a Chinese card’s characters', async () => {
    const fonts = await fontsFor(`sentiment-desk 研究 2026年11月18日 ${A} $OPG`, 'zh');
    const names = [...new Set(fonts.map((f) => f.name))];
    expect(names.some((n) => n.startsWith('Noto Sans SC '))).toBe(true);
    // A few subsets of about a hundred, each in both weights.
    expect(names.length).toBeLessThan(15);
    expect(fonts.length).toBe(names.length * 2);
    expect(new Set(fonts.map((f) => f.weight))).toEqual(new Set([400, 700]));
  });

  it('needs no Chinese font for an English card', async () => {
    const fonts = await fontsFor('sentiment-desk Research The liquidity ghost November 18, 2026 $OPG', 'en');
    expect(fonts.map((f) => f.name)).toEqual(['Noto Sans latin', 'Noto Sans latin']);
  });
});

describe('renderCard', () => {
  it('draws a Chinese title in Chinese glyphs', async () => {
    const [a, b] = await Promise.all([renderCard(post(A, 'zh')), renderCard(post(B, 'zh'))]);
    expect(pngSize(a)).toEqual({ width: 1200, height: 630 });
    expect(a.equals(b)).toBe(false);

    // The control: with Latin fonts alone, both titles are the same row of empty boxes.
    const latinOnly = async (title: string): Promise<Buffer> => {
      const fonts = (await fontsFor(`${title} sentiment-desk 研究 2026年11月18日 $OPG`, 'en')).filter(
        (f) => !f.name.startsWith('Noto Sans SC'),
      );
      return renderCard(post(title, 'zh'), fonts);
    };
    const [tofuA, tofuB] = await Promise.all([latinOnly(A), latinOnly(B)]);
    expect(tofuA.equals(tofuB)).toBe(true);
    expect(a.equals(tofuA)).toBe(false);
  });
});
