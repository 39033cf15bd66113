import { LOCALES, localeParam } from '../i18n/locales.ts';
import { countTags, postSlug, postsForLocale, postsWithTag, type PostLike } from './posts.ts';

/** The static paths of the post and tag pages in every language (`[...locale]` routes). */
export function postPaths<T extends PostLike>(
  posts: readonly T[],
): { params: { locale: string | undefined; slug: string }; props: { post: T } }[] {
  return LOCALES.flatMap((locale) =>
    postsForLocale(posts, locale).map((post) => ({
      params: { locale: localeParam(locale), slug: postSlug(post.id) },
      props: { post },
    })),
  );
}

export function tagPaths<T extends PostLike>(
  posts: readonly T[],
): { params: { locale: string | undefined; tag: string }; props: { tag: string; posts: T[] } }[] {
  return LOCALES.flatMap((locale) => {
    const listed = postsForLocale(posts, locale);
    return countTags(listed).map(({ tag, slug }) => ({
      params: { locale: localeParam(locale), tag: slug },
      props: { tag, posts: postsWithTag(listed, slug) },
    }));
  });
}
