import type { APIRoute } from 'astro';
import { toResponse } from '../../../../../lib/platform/http/results';
import { addComment } from '../../../../../lib/comments/repo.server';
import { newCommentSchema } from '../../../../../lib/comments/schemas';
import { getServices } from '../../../../../app/app.server';
import {
  afterWrite,
  cursorOf,
  invalidCursor,
  orderOf,
  postExists,
  readCommentBody,
  signInRequired,
  threadsResult,
  unknownPost,
  viewerOf,
} from '../../../../../lib/comments/api.server';

export const prerender = false;

export const GET: APIRoute = async ({ params, locals, url }) => {
  const slug = params.slug ?? '';
  if (!(await postExists(slug))) return toResponse(unknownPost(slug));
  const cursor = cursorOf(url);
  if (cursor === 'invalid') return toResponse(invalidCursor());
  const services = await getServices();
  return toResponse(await threadsResult(services, slug, viewerOf(services, locals.address), orderOf(url), 200, cursor));
};

export const POST: APIRoute = async ({ params, locals, request }) => {
  const slug = params.slug ?? '';
  if (!locals.address) return toResponse(signInRequired());
  const body = await readCommentBody(request, newCommentSchema);
  if (!body.ok) return toResponse(body.result);
  if (!(await postExists(slug))) return toResponse(unknownPost(slug));
  const services = await getServices();
  const result = await addComment(
    services.db,
    {
      postSlug: slug,
      parentId: body.data.parentId ?? null,
      address: locals.address,
      body: body.data.body,
      now: Date.now(),
    },
    { limiter: services.commentNetwork, client: locals.clientAddress },
  );
  return toResponse(await afterWrite(services, slug, viewerOf(services, locals.address), result, 201));
};
