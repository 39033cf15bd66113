import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { publishedNewestFirst } from '../lib/content/posts';
import { SITE } from '../lib/site';

const xml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const GET: APIRoute = async ({ site }) => {
  const posts = publishedNewestFirst(await getCollection('posts'));
  const origin = site ?? new URL('http://localhost:4321');
  return rss({
    title: `${SITE.name} research`,
    description: SITE.description,
    site: origin,
    xmlns: { atom: 'http://www.w3.org/2005/Atom', dc: 'http://purl.org/dc/elements/1.1/' },
    items: posts.map((post) => ({
      title: post.data.title,
      description: post.data.summary,
      pubDate: post.data.publishedAt,
      link: `/posts/${post.id}/`,
      categories: post.data.tags,
      // RSS's <author> is an e-mail address; a byline is Dublin Core's creator.
      customData: `<dc:creator>${xml(post.data.author)}</dc:creator>`,
    })),
    customData:
      `<language>${SITE.locale}</language>` +
      `<atom:link href="${xml(new URL('/rss.xml', origin).href)}" rel="self" type="application/rss+xml"/>`,
  });
};
