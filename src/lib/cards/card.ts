/**
 * Share cards (Open Graph images) as satori element trees, built from plain
 * data: a post's card and a poll's. Pure: no fonts, no rendering, no clock;
 * render.server.ts turns a tree into a PNG.
 */
import { formatDate } from '../i18n/dates.ts';

/** The size X, Telegram and Facebook expect of a large summary image. */
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

/** The languages a card is laid out for: a post's `lang` narrowed to the fonts the cards carry. */
export type CardLang = 'en' | 'zh';

/** A satori element: `type` and `props` as React would give them, without React. */
export interface CardNode {
  type: 'div';
  props: {
    style: Record<string, string | number>;
    children?: CardChild | CardChild[];
    /** On the root only: the card's language (satori picks locale-specific glyphs by it). */
    lang?: string;
  };
}
export type CardChild = CardNode | string;

/** The site's light palette (src/styles/global.css), as the default og.png uses it. */
const COLORS = {
  bg: '#fbfaf7',
  surface: '#ffffff',
  text: '#1c1b19',
  muted: '#5b5852',
  border: '#e3dfd6',
  accent: '#0b6e5f',
  accentSoft: '#e3f2ee',
  track: '#ece8df',
  barMuted: '#8fb8ae',
} as const;

const PADDING = 72;
const CONTENT_WIDTH = CARD_WIDTH - 2 * PADDING;

/** Card words by language. */
const WORDS: Record<CardLang, { research: string }> = {
  en: { research: 'Research' },
  zh: { research: '研究' },
};

/** A post's `lang` ('en', 'zh', 'zh-Hans', 'zh-Hant') as a card language. */
export function cardLang(lang: string): CardLang {
  return lang.startsWith('zh') ? 'zh' : 'en';
}

/** The BCP 47 tag satori reads from the root's `lang` to choose glyph forms. */
const SATORI_LOCALE: Record<CardLang, string> = { en: 'en-US', zh: 'zh-CN' };

/**
 * A date on a card: the site's one date format (day first, in UTC; dates.ts),
 * so a card names the day the way the page it shares does.
 *
 * @example formatCardDate(new Date('2026-11-18'), 'en') // '18 Nov 2026'
 * @example formatCardDate(new Date('2026-11-18'), 'zh') // '2026年11月18日'
 */
export function formatCardDate(date: Date, lang: CardLang): string {
  return formatDate(date, lang);
}

function div(style: CardNode['props']['style'], children?: CardChild | CardChild[]): CardNode {
  return { type: 'div', props: children === undefined ? { style } : { style, children } };
}

/** Han, kana and full-width forms take about a full em; Latin text about half of one. */
function emWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char)
      ? 1
      : 0.56;
  }
  return width;
}

/**
 * The largest of `sizes` at which `text` should fit in `maxLines` lines of
 * `width` pixels, allowing for ragged word wrapping; the smallest otherwise
 * (where a line clamp then ends it with an ellipsis).
 *
 * @example fitFontSize('A short title', [76, 64, 52], 3, 1056) // 76
 */
export function fitFontSize(text: string, sizes: readonly number[], maxLines: number, width: number): number {
  const em = emWidth(text) * 1.12;
  for (const size of sizes) {
    if (Math.ceil((em * size) / width) <= maxLines) return size;
  }
  return sizes[sizes.length - 1] ?? 48;
}

/** Clamped text: satori ends a block cut at `lines` with an ellipsis. */
function clamped(text: string, lines: number, style: CardNode['props']['style']): CardNode {
  return div({ display: 'block', lineClamp: lines, ...style }, text);
}

/** The site's mark: the three-bar logo (public/favicon.svg) and the name. */
function siteMark(): CardNode {
  const bar = (height: number): CardNode =>
    div({ width: 9, height, borderRadius: 2, backgroundColor: COLORS.accent, marginLeft: 6 });
  return div({ display: 'flex', alignItems: 'center' }, [
    div(
      {
        display: 'flex',
        alignItems: 'flex-end',
        justifyContent: 'center',
        boxSizing: 'border-box',
        width: 56,
        height: 56,
        paddingBottom: 13,
        paddingRight: 6,
        borderRadius: 13,
        backgroundColor: COLORS.accentSoft,
      },
      [bar(17), bar(28), bar(38)],
    ),
    div({ marginLeft: 18, fontSize: 34, fontWeight: 700, color: COLORS.text, letterSpacing: -0.5 }, 'sentiment-desk'),
  ]);
}

function kicker(text: string): CardNode {
  return div(
    {
      display: 'flex',
      fontSize: 24,
      fontWeight: 700,
      color: COLORS.accent,
      textTransform: 'uppercase',
      letterSpacing: 2,
    },
    text,
  );
}

function chip(text: string): CardNode {
  return div(
    {
      display: 'flex',
      marginLeft: 14,
      padding: '8px 20px',
      borderRadius: 999,
      backgroundColor: COLORS.accentSoft,
      color: COLORS.accent,
      fontSize: 28,
      fontWeight: 700,
    },
    text,
  );
}

function frame(lang: CardLang, padding: { top: number; bottom: number }, children: CardChild[]): CardNode {
  return {
    type: 'div',
    props: {
      lang: SATORI_LOCALE[lang],
      style: {
        display: 'flex',
        flexDirection: 'column',
        // The padding and the accent border come out of the card's size.
        boxSizing: 'border-box',
        width: CARD_WIDTH,
        height: CARD_HEIGHT,
        backgroundColor: COLORS.bg,
        color: COLORS.text,
        borderTop: `14px solid ${COLORS.accent}`,
        paddingTop: padding.top,
        paddingRight: PADDING,
        paddingBottom: padding.bottom,
        paddingLeft: PADDING,
      },
      children,
    },
  };
}

export interface PostCardData {
  title: string;
  publishedAt: Date;
  lang: CardLang;
  /** Token symbols, as the post's front matter lists them. */
  tokens: readonly string[];
}

/** Token chips that fit beside the date: the first few, then "+N". */
const MAX_CHIPS = 4;

/**
 * A post's card: the site's mark, the title large (wrapped, clamped to four
 * lines), the date in the post's language and its tokens as chips.
 */
export function postCard(post: PostCardData): CardNode {
  const size = fitFontSize(post.title, [76, 66, 58, 50], 3, CONTENT_WIDTH);
  const tokens = post.tokens.slice(0, MAX_CHIPS).map((symbol) => chip(`$${symbol}`));
  if (post.tokens.length > MAX_CHIPS) tokens.push(chip(`+${post.tokens.length - MAX_CHIPS}`));
  return frame(post.lang, { top: 58, bottom: 64 }, [
    div({ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }, [
      siteMark(),
      kicker(WORDS[post.lang].research),
    ]),
    div({ display: 'flex', flexGrow: 1, alignItems: 'center' }, [
      clamped(post.title, 4, {
        width: CONTENT_WIDTH,
        fontSize: size,
        fontWeight: 700,
        lineHeight: post.lang === 'zh' ? 1.3 : 1.15,
        letterSpacing: post.lang === 'zh' ? 0 : -1,
        color: COLORS.text,
      }),
    ]),
    div({ display: 'flex', justifyContent: 'space-between', alignItems: 'center', minHeight: 56 }, [
      div({ display: 'flex', fontSize: 30, color: COLORS.muted }, formatCardDate(post.publishedAt, post.lang)),
      div({ display: 'flex' }, tokens),
    ]),
  ]);
}

/** What a poll's card shows, already worded and filtered for visibility (see poll-view.ts). */
export interface PollCardData {
  /** The card's language (its glyph forms and fonts); English when absent. */
  lang?: CardLang;
  question: string;
  /** "Community poll" */
  kicker: string;
  /** "Voting open until 30 Nov 2026", "Voting closed 18 Nov 2026", ... */
  status: string;
  /** null percent: the poll hides its counts; the options are shown without numbers. */
  options: readonly { label: string; percent: number | null; leading: boolean }[];
  /** Options left off the card for room. */
  moreOptions: number;
  /** "+2 more options", in the card's language; worded in English from moreOptions when absent. */
  more?: string | null;
  /** "1,234 votes · small sample", or null while counts are hidden. */
  summary: string | null;
  /** A token poll's line by holder cohort, or null. */
  cohortLine: string | null;
  /** When the counts appear, while they are hidden; else null. */
  hiddenNote: string | null;
}

/** Rows of options the poll card has room for (poll-view.ts counts the rest). */
export const POLL_CARD_ROWS = 5;

function optionRow(option: PollCardData['options'][number], compact: boolean): CardNode {
  const labelSize = compact ? 25 : 28;
  if (option.percent === null) {
    return div(
      {
        display: 'flex',
        alignItems: 'center',
        marginTop: compact ? 8 : 12,
        padding: compact ? '6px 22px' : '10px 24px',
        border: `2px solid ${COLORS.border}`,
        borderRadius: 12,
        backgroundColor: COLORS.surface,
      },
      [clamped(option.label, 1, { fontSize: labelSize, color: COLORS.text, width: CONTENT_WIDTH - 52 })],
    );
  }
  const percent = Math.max(0, Math.min(100, option.percent));
  return div({ display: 'flex', flexDirection: 'column', marginTop: compact ? 8 : 12 }, [
    div({ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end' }, [
      clamped(option.label, 1, {
        fontSize: labelSize,
        lineHeight: 1.2,
        fontWeight: option.leading ? 700 : 400,
        color: COLORS.text,
        width: CONTENT_WIDTH - 130,
      }),
      div(
        {
          display: 'flex',
          fontSize: labelSize,
          lineHeight: 1.2,
          fontWeight: 700,
          color: option.leading ? COLORS.accent : COLORS.muted,
        },
        `${option.percent}%`,
      ),
    ]),
    div({ display: 'flex', marginTop: 5, height: compact ? 10 : 12, borderRadius: 6, backgroundColor: COLORS.track }, [
      div({
        display: 'flex',
        width: `${percent}%`,
        height: '100%',
        borderRadius: 6,
        backgroundColor: option.leading ? COLORS.accent : COLORS.barMuted,
      }),
    ]),
  ]);
}

/**
 * A poll's card: the question, each option with its share as a bar (or,
 * while counts are hidden, the options alone and when results appear), a
 * token poll's line by cohort, the total and the voting dates.
 */
export function pollCard(poll: PollCardData): CardNode {
  const compact = poll.options.length > 3;
  const questionSize = fitFontSize(poll.question, compact ? [42, 36] : [50, 44, 38], 2, CONTENT_WIDTH);
  const more =
    poll.more !== undefined
      ? poll.more
      : poll.moreOptions > 0
        ? `+${poll.moreOptions} more ${poll.moreOptions === 1 ? 'option' : 'options'}`
        : null;
  const line = (text: string, style: CardNode['props']['style'] = {}): CardNode =>
    clamped(text, 1, { marginTop: 10, fontSize: 24, lineHeight: 1.3, color: COLORS.muted, ...style });
  const notes: CardNode[] = [];
  if (poll.hiddenNote !== null) notes.push(line(poll.hiddenNote, { fontWeight: 700, color: COLORS.accent }));
  if (poll.cohortLine !== null) notes.push(line(poll.cohortLine, { color: COLORS.accent }));
  const left = [poll.summary, more].filter((part): part is string => part !== null).join(' · ');
  return frame(poll.lang ?? 'en', { top: 44, bottom: 44 }, [
    div({ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }, [siteMark(), kicker(poll.kicker)]),
    clamped(poll.question, 2, {
      marginTop: 22,
      width: CONTENT_WIDTH,
      fontSize: questionSize,
      fontWeight: 700,
      lineHeight: 1.15,
      letterSpacing: -0.5,
      color: COLORS.text,
    }),
    div(
      { display: 'flex', flexDirection: 'column', flexGrow: 1, justifyContent: 'center' },
      poll.options.map((option) => optionRow(option, compact)),
    ),
    ...notes,
    div({ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end' }, [
      line(left),
      line(poll.status, { marginLeft: 24 }),
    ]),
  ]);
}

/** Every string in a card, for choosing the font subsets it needs. */
export function cardText(node: CardChild): string {
  if (typeof node === 'string') return node;
  const { children } = node.props;
  if (children === undefined) return '';
  return (Array.isArray(children) ? children : [children]).map(cardText).join('');
}
