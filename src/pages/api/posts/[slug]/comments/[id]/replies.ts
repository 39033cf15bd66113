import type { APIRoute } from 'astro';
import { toResponse } from '../../../../../../lib/platform/http/results';
import { getServices } from '../../../../../../app/app.server';
import {
  commentIdOf,
  invalidCursor,
  postExists,
  repliesCursorOf,
  repliesResult,
  unknownPost,
  unknownThread,
  viewerOf,
} from '../../../../../../lib/comments/api.server';

export const prerender = false;

/** One page of a thread's replies, 50 oldest first; `?cursor=` is a thread's `moreRepliesCursor` or a `nextCursor`. */
export const GET: APIRoute = async ({ params, locals, url }) => {
  const slug = params.slug ?? '';
  if (!(await postExists(slug))) return toResponse(unknownPost(slug));
  const id = commentIdOf(params.id);
  if (id === null) return toResponse(unknownThread());
  const cursor = repliesCursorOf(url);
  if (cursor === 'invalid') return toResponse(invalidCursor());
  const services = await getServices();
  return toResponse(await repliesResult(services, slug, id, viewerOf(services, locals.address), cursor));
};
