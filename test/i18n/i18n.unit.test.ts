import { describe, expect, it } from 'vitest';
import { EN } from '../../src/i18n/en.ts';
import { ZH } from '../../src/i18n/zh.ts';
import { contentLocale } from '../../src/lib/content/content-locale.ts';
import { postSlug, postsForLocale, translationsOf } from '../../src/lib/content/posts.ts';
import { CLIENT_KEYS } from '../../src/lib/i18n/client.ts';
import {
  isLocaleParam,
  localeOfPath,
  localizePath,
  pickMessages,
  toLocale,
  translator,
} from '../../src/lib/i18n/i18n.ts';
import { describeStatus, formatVotes } from '../../src/lib/polls/format.ts';
import { localLabel } from '../../src/lib/polls/labels.ts';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('message catalogues', () => {
  it('have the same keys in every language', () => {
    const en = Object.keys(EN).sort();
    const zh = Object.keys(ZH).sort();
    expect(en.filter((key) => !zh.includes(key))).toEqual([]);
    expect(zh.filter((key) => !en.includes(key))).toEqual([]);
  });

  it('fill the same {values} in both languages, and leave no entry empty', () => {
    for (const key of Object.keys(EN) as (keyof typeof EN)[]) {
      expect(placeholders(ZH[key]), key).toEqual(placeholders(EN[key]));
      expect(ZH[key].trim(), key).not.toBe('');
    }
  });

  it('keep plural pairs whole', () => {
    for (const key of Object.keys(EN)) {
      if (key.endsWith('.one')) expect(Object.keys(EN), key).toContain(key.replace(/\.one$/, '.other'));
    }
  });

  it('give client scripts only keys that exist', () => {
    for (const keys of Object.values(CLIENT_KEYS)) {
      for (const key of keys) expect(Object.keys(EN)).toContain(key);
      expect(Object.keys(pickMessages('zh', keys))).toEqual([...keys]);
    }
  });
});

describe('locale paths', () => {
  it.each([
    ['/', 'zh', '/zh/'],
    ['/about/', 'zh', '/zh/about/'],
    ['/zh/about/', 'en', '/about/'],
    ['/zh/', 'en', '/'],
    ['/zh', 'en', '/'],
    ['/zh/polls/x/', 'zh', '/zh/polls/x/'],
    ['/zhong/', 'en', '/zhong/'],
    ['/zhong/', 'zh', '/zh/zhong/'],
  ] as const)('%s in %s is %s', (path, locale, expected) => expect(localizePath(path, locale)).toBe(expected));

  it.each([
    ['/', 'en'],
    ['/zh/', 'zh'],
    ['/zh', 'zh'],
    ['/zhong/', 'en'],
    ['/polls/zh/', 'en'],
  ] as const)('%s belongs to %s', (path, locale) => expect(localeOfPath(path)).toBe(locale));

  it('knows only its own languages as route prefixes', () => {
    expect(isLocaleParam(undefined)).toBe(true);
    expect(isLocaleParam('zh')).toBe(true);
    expect(isLocaleParam('en')).toBe(false);
    expect(isLocaleParam('fr')).toBe(false);
    expect(isLocaleParam('zh/x')).toBe(false);
  });

  it.each([
    ['zh-Hans', 'zh'],
    ['zh-Hant', 'zh'],
    ['ZH', 'zh'],
    ['en', 'en'],
    [undefined, 'en'],
    ['fr', 'en'],
  ] as const)('language %s is locale %s', (lang, locale) => expect(toLocale(lang)).toBe(locale));

  it.each([
    ['/r/src/content/posts/zh/opg.mdx', 'zh'],
    ['C:\\r\\src\\content\\posts\\zh\\opg.mdx', 'zh'],
    ['/r/src/content/posts/opg.mdx', 'en'],
    ['/r/src/content/zh-notes/posts/opg.mdx', 'en'],
    [undefined, 'en'],
  ] as const)('content file %s is written for %s', (path, locale) => expect(contentLocale(path)).toBe(locale));
});

describe('translator', () => {
  it('formats counts, dates and statuses for each language', () => {
    const en = translator('en');
    const zh = translator('zh');
    expect(en.plural('tag.count', 1, { tag: 'OPG' })).toBe('One post tagged #OPG.');
    expect(en.plural('tag.count', 1200, { tag: 'OPG' })).toBe('1,200 posts tagged #OPG.');
    expect(zh.plural('tag.count', 2, { tag: 'OPG' })).toBe('共 2 篇带有 #OPG 标签的文章。');
    expect(en.date(new Date('2026-11-18T00:00:00Z'))).toBe('18 Nov 2026');
    expect(zh.date(new Date('2026-11-18T00:00:00Z'))).toBe('2026年11月18日');
    expect(formatVotes(3, zh)).toBe('3 票');
    expect(formatVotes(1, en)).toBe('1 vote');
    const closes = new Date(Date.UTC(2026, 0, 3)).toISOString();
    expect(describeStatus('open', '', closes, Date.UTC(2026, 0, 1), zh)).toBe('2 天后结束');
    expect(describeStatus('closed', '', null, 0, zh)).toBe('投票已结束');
  });
});

describe('posts by language', () => {
  const post = (id: string, lang: string, day: number) => ({
    id,
    data: { publishedAt: new Date(Date.UTC(2026, 10, day)), draft: false, tags: [], tokens: [], lang },
  });
  const posts = [post('ghost', 'en', 18), post('zh/ghost', 'zh', 18), post('demo', 'en', 30), post('zh/only', 'zh', 1)];

  it('lists each slug once, in the page language where translated, otherwise as written', () => {
    expect(postsForLocale(posts, 'zh').map((p) => p.id)).toEqual(['demo', 'zh/ghost', 'zh/only']);
    expect(postsForLocale(posts, 'en').map((p) => p.id)).toEqual(['demo', 'ghost', 'zh/only']);
  });

  it('finds a post’s translations by its shared slug', () => {
    expect(postSlug('zh/ghost')).toBe('ghost');
    const versions = translationsOf(posts, 'ghost');
    expect(versions.en?.id).toBe('ghost');
    expect(versions.zh?.id).toBe('zh/ghost');
  });
});

describe('poll labels', () => {
  it.each([
    ['en', 'Whales?', [{ lang: 'zh-Hans', text: '大户默默在吸筹吗' }]],
    ['zh', '大户默默在吸筹吗', [{ lang: 'en', text: 'Whales?' }]],
  ] as const)('a %s page shows its own label first', (locale, text, others) => {
    expect(localLabel('Whales?', { zh: '大户默默在吸筹吗', en: 'Whales?' }, locale)).toEqual({ text, others });
  });

  it('falls back to the definition’s text, with nothing secondary, where there is no translation', () => {
    expect(localLabel('Whales?', {}, 'zh')).toEqual({ text: 'Whales?', others: [] });
  });
});
