import type { APIRoute } from 'astro';
import { toResponse } from '../../../../lib/platform/http/results';
import { readLimitedBody } from '../../../../lib/platform/http/limited-body.server';
import { MAX_VOTE_BODY_BYTES } from '../../../../lib/polls/schemas';
import { getServices } from '../../../../app/app.server';
import { postVote, readerOf } from '../../../../lib/polls/http/api.server';
import { EMBED_HEADER } from '../../../../lib/embed/embed';

export const prerender = false;

export const POST: APIRoute = async ({ params, request, locals }) => {
  const body = await readLimitedBody(request, MAX_VOTE_BODY_BYTES);
  return toResponse(
    await postVote(
      await getServices(),
      params.id ?? '',
      request.headers.get('content-type'),
      body,
      readerOf(locals),
      request.headers.get(EMBED_HEADER) === '1',
    ),
  );
};
