import type { APIRoute } from 'astro';
import { problem, toResponse } from '../../../../../../lib/platform/http/results';
import { deleteComment, editComment } from '../../../../../../lib/comments/repo.server';
import { editCommentSchema } from '../../../../../../lib/comments/schemas';
import { getServices } from '../../../../../../app/app.server';
import {
  afterWrite,
  commentIdOf,
  readCommentBody,
  signInRequired,
  viewerOf,
} from '../../../../../../lib/comments/api.server';

export const prerender = false;

/** The author edits within 15 minutes. */
export const PATCH: APIRoute = async ({ params, locals, request }) => {
  if (!locals.address) return toResponse(signInRequired());
  const id = commentIdOf(params.id);
  if (id === null) return problem(404, 'not_found', 'There is no such comment.');
  const body = await readCommentBody(request, editCommentSchema);
  if (!body.ok) return toResponse(body.result);
  const services = await getServices();
  const viewer = viewerOf(services, locals.address);
  const result = await editComment(services.db, params.slug ?? '', id, viewer, body.data.body, Date.now());
  return toResponse(await afterWrite(services, params.slug ?? '', viewer, result, 200));
};

/** The author deletes; replies stay. */
export const DELETE: APIRoute = async ({ params, locals }) => {
  if (!locals.address) return toResponse(signInRequired());
  const id = commentIdOf(params.id);
  if (id === null) return problem(404, 'not_found', 'There is no such comment.');
  const services = await getServices();
  const viewer = viewerOf(services, locals.address);
  const result = await deleteComment(services.db, params.slug ?? '', id, viewer, Date.now());
  return toResponse(await afterWrite(services, params.slug ?? '', viewer, result, 200));
};
