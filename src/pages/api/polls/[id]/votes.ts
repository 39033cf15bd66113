import type { APIRoute } from 'astro';
import { readLimited, toResponse } from '../../../../lib/platform/http/results';
import { MAX_VOTE_BODY_BYTES } from '../../../../lib/polls/schemas';
import { getServices } from '../../../../app/app.server';
import { postVote, readerOf } from '../../../../lib/polls/api.server';
import { EMBED_HEADER } from '../../../../lib/embed/embed';

export const prerender = false;

export const POST: APIRoute = async ({ params, request, locals }) => {
  const body = await readLimited(
    request.body as AsyncIterable<Uint8Array> | null,
    request.headers.get('content-length'),
    MAX_VOTE_BODY_BYTES,
  );
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
