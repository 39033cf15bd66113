import { toLocale, type Locale } from '../i18n/i18n.ts';
import { tagSlug } from './social-links.ts';

/** The part of a post entry these helpers need, so tests can pass plain objects. */
export interface PostLike {
  id: string;
  data: { publishedAt: Date; draft: boolean; tags: string[]; tokens: string[]; lang?: string };
}

/**
 * A post's slug: a translation lives at `<locale>/<slug>.mdx` and shares the
 * original's slug (and so its URL path after the locale, and its comments).
 * @example postSlug('zh/opg-liquidity-ghost') // 'opg-liquidity-ghost'
 */
export function postSlug(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** The language a post is written in, as one of the site's locales. */
export const postLocale = (post: PostLike): Locale => toLocale(post.data.lang);

/**
 * The posts a site in one language lists: each slug once, in that language
 * where a translation exists, otherwise in the language it was written in.
 */
export function postsForLocale<T extends PostLike>(posts: readonly T[], locale: Locale): T[] {
  const bySlug = new Map<string, T>();
  for (const post of posts) {
    const slug = postSlug(post.id);
    const held = bySlug.get(slug);
    if (!held || (postLocale(held) !== locale && postLocale(post) === locale)) bySlug.set(slug, post);
  }
  return publishedNewestFirst([...bySlug.values()]);
}

/** Every language version of a post, by locale. */
export function translationsOf<T extends PostLike>(posts: readonly T[], slug: string): Partial<Record<Locale, T>> {
  const found: Partial<Record<Locale, T>> = {};
  for (const post of posts) if (postSlug(post.id) === slug && !post.data.draft) found[postLocale(post)] ??= post;
  return found;
}

/** Published posts, newest first; ties broken by id so the order is stable. */
export function publishedNewestFirst<T extends PostLike>(posts: readonly T[]): T[] {
  return posts
    .filter((post) => !post.data.draft)
    .sort((a, b) => b.data.publishedAt.getTime() - a.data.publishedAt.getTime() || a.id.localeCompare(b.id));
}

export interface TagCount {
  tag: string;
  slug: string;
  count: number;
}

/** Every tag in use with how many posts carry it, most used first. */
export function countTags(posts: readonly PostLike[]): TagCount[] {
  const counts = new Map<string, TagCount>();
  for (const post of posts) {
    for (const tag of new Set(post.data.tags)) {
      const slug = tagSlug(tag);
      const entry = counts.get(slug) ?? { tag, slug, count: 0 };
      entry.count += 1;
      counts.set(slug, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.slug.localeCompare(b.slug));
}

/** Posts carrying a tag, compared by slug so #OPG and #opg are one tag. */
export function postsWithTag<T extends PostLike>(posts: readonly T[], slug: string): T[] {
  return posts.filter((post) => post.data.tags.some((tag) => tagSlug(tag) === slug));
}
