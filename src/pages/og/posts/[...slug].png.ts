import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection, type CollectionEntry } from 'astro:content';
import { cardLang, postCard } from '../../../lib/cards/card';
import { renderCard } from '../../../lib/cards/render.server';
import { publishedNewestFirst } from '../../../lib/content/posts';

/**
 * Each post's Open Graph image (see postCardPath), drawn once at build:
 * the posts the site lists (no drafts; no demo when DEMO=off, which the
 * collection already leaves out), translations under their folder
 * (`zh/<slug>`).
 */
export const prerender = true;

export const getStaticPaths = (async () => {
  const posts = publishedNewestFirst(await getCollection('posts'));
  return posts.map((post) => ({ params: { slug: post.id }, props: { post } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ post: CollectionEntry<'posts'> }> = async ({ props }) => {
  const { title, publishedAt, lang, tokens } = props.post.data;
  const png = await renderCard(postCard({ title, publishedAt, lang: cardLang(lang), tokens }));
  return new Response(new Uint8Array(png), { headers: { 'content-type': 'image/png' } });
};
