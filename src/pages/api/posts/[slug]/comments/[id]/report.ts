import type { APIRoute } from 'astro';
import { json, problem, toResponse } from '../../../../../../lib/platform/http/results';
import { reportSchema } from '../../../../../../lib/moderation/schemas';
import { reportComment, reportLimitsOf } from '../../../../../../lib/moderation/reports.server';
import { getServices } from '../../../../../../app/app.server';
import { commentIdOf, readCommentBody, signInRequired } from '../../../../../../lib/comments/api.server';

export const prerender = false;

/** A signed-in reader reports a comment: `{"reason": ..., "note"?: ...}` → 201 with the report. */
export const POST: APIRoute = async ({ params, locals, request }) => {
  if (!locals.address) return toResponse(signInRequired());
  const id = commentIdOf(params.id);
  if (id === null) return problem(404, 'not_found', 'There is no such comment.');
  const body = await readCommentBody(request, reportSchema);
  if (!body.ok) return toResponse(body.result);
  const services = await getServices();
  const outcome = await reportComment(services.db, reportLimitsOf(services), {
    postSlug: params.slug ?? '',
    commentId: id,
    address: locals.address,
    client: locals.clientAddress,
    reason: body.data.reason,
    note: body.data.note || null,
    now: Date.now(),
  });
  if (!outcome.ok) {
    const headers: Record<string, string> =
      outcome.retryAfterSeconds === undefined ? {} : { 'retry-after': String(outcome.retryAfterSeconds) };
    return problem(
      outcome.status,
      outcome.code,
      outcome.message,
      outcome.limit ? { limit: outcome.limit } : {},
      headers,
    );
  }
  return json(outcome.report, 201);
};
