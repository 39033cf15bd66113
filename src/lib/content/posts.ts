import { tagSlug } from './social-links.ts';

/** The part of a post entry these helpers need, so tests can pass plain objects. */
export interface PostLike {
  id: string;
  data: { publishedAt: Date; draft: boolean; tags: string[]; tokens: string[] };
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
