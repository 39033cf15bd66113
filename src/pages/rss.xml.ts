import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { publishedNewestFirst } from '../lib/content/posts';
import { SITE } from '../lib/site';

export const GET: APIRoute = async ({ site }) => {
  const posts = publishedNewestFirst(await getCollection('posts'));
  return rss({
    title: `${SITE.name} research`,
    description: SITE.description,
    site: site ?? 'http://localhost:4321',
    items: posts.map((post) => ({
      title: post.data.title,
      description: post.data.summary,
      pubDate: post.data.publishedAt,
      link: `/posts/${post.id}/`,
      categories: post.data.tags,
      author: post.data.author,
    })),
    customData: `<language>${SITE.locale}</language>`,
  });
};
