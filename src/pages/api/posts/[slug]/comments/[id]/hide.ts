import type { APIRoute } from 'astro';
import { problem, toResponse } from '../../../../../../lib/platform/http/results';
import { setCommentHidden } from '../../../../../../lib/comments/repo.server';
import { hideCommentSchema } from '../../../../../../lib/comments/schemas';
import { getServices } from '../../../../../../app/app.server';
import {
  afterWrite,
  commentIdOf,
  readCommentBody,
  signInRequired,
  viewerOf,
} from '../../../../../../lib/comments/api.server';

export const prerender = false;

/** Moderators (ADMIN_ADDRESSES) hide or restore any comment: `{"hidden": true|false}`. */
export const POST: APIRoute = async ({ params, locals, request }) => {
  if (!locals.address) return toResponse(signInRequired());
  const id = commentIdOf(params.id);
  if (id === null) return problem(404, 'not_found', 'There is no such comment.');
  const body = await readCommentBody(request, hideCommentSchema);
  if (!body.ok) return toResponse(body.result);
  const services = await getServices();
  const viewer = viewerOf(services, locals.address);
  const result = await setCommentHidden(services.db, params.slug ?? '', id, viewer, body.data.hidden, Date.now());
  return toResponse(await afterWrite(services, params.slug ?? '', viewer, result, 200));
};
