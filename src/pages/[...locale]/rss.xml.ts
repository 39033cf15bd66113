import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { postSlug, postsForLocale } from '../../lib/content/posts';
import { localeStaticPaths, translator } from '../../lib/i18n/i18n';
import { SITE } from '../../lib/site/site';

/** One feed per language: /rss.xml and /zh/rss.xml, each listing what that language's home page lists. */
export const getStaticPaths = localeStaticPaths;

const xml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const GET: APIRoute = async ({ site, currentLocale }) => {
  const i = translator(currentLocale);
  const posts = postsForLocale(await getCollection('posts'), i.locale);
  const origin = site ?? new URL('http://localhost:4321');
  return rss({
    title: i.t('site.rssTitle', { site: SITE.name }),
    description: i.t('site.description'),
    site: origin,
    xmlns: { atom: 'http://www.w3.org/2005/Atom', dc: 'http://purl.org/dc/elements/1.1/' },
    items: posts.map((post) => ({
      title: post.data.title,
      description: post.data.summary,
      pubDate: post.data.publishedAt,
      link: i.path(`/posts/${postSlug(post.id)}/`),
      categories: post.data.tags,
      // RSS's <author> is an e-mail address; a byline is Dublin Core's creator.
      customData: `<dc:creator>${xml(post.data.author)}</dc:creator>`,
    })),
    customData:
      `<language>${i.lang}</language>` +
      `<atom:link href="${xml(new URL(i.path('/rss.xml'), origin).href)}" rel="self" type="application/rss+xml"/>`,
  });
};
