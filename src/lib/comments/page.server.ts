import type { AstroGlobal } from 'astro';
import type { CommentView, Viewer } from './rules.ts';
import { getServices } from '../server/app.server.ts';
import { postExists, postThreads, viewerOf } from './api.server.ts';

export interface CommentsState {
  threads: CommentView[];
  viewer: Viewer;
  order: 'newest' | 'oldest';
}

/** What the comments island and the comments page render; null for an unknown post. */
export async function loadComments(Astro: AstroGlobal, slug: string): Promise<CommentsState | null> {
  if (!(await postExists(slug))) return null;
  const services = await getServices();
  const viewer = viewerOf(services, Astro.locals.address);
  const order = Astro.url.searchParams.get('order') === 'oldest' ? 'oldest' : 'newest';
  Astro.response.headers.set('cache-control', 'private, no-store');
  return { threads: await postThreads(services, slug, viewer, order), viewer, order };
}
