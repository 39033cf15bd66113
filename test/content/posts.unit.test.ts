import { describe, expect, it } from 'vitest';
import { countTags, postsWithTag, publishedNewestFirst, type PostLike } from '../../src/lib/content/posts.ts';

const post = (id: string, date: string, tags: string[], draft = false): PostLike => ({
  id,
  data: { publishedAt: new Date(date), draft, tags, tokens: [] },
});

const posts = [
  post('old', '2026-01-01', ['OPG', 'DePIN']),
  post('new', '2026-03-01', ['opg']),
  post('draft', '2026-04-01', ['OPG'], true),
  post('same-day-b', '2026-02-01', []),
  post('same-day-a', '2026-02-01', ['DePIN']),
];

describe('posts', () => {
  it('lists published posts newest first, drafts hidden, ties by id', () => {
    expect(publishedNewestFirst(posts).map((p) => p.id)).toEqual(['new', 'same-day-a', 'same-day-b', 'old']);
  });

  it('counts tags case-insensitively', () => {
    expect(countTags(publishedNewestFirst(posts))).toEqual([
      { tag: 'DePIN', slug: 'depin', count: 2 },
      { tag: 'opg', slug: 'opg', count: 2 },
    ]);
  });

  it('finds posts by tag slug', () => {
    expect(postsWithTag(posts, 'opg').map((p) => p.id)).toEqual(['old', 'new', 'draft']);
  });
});
