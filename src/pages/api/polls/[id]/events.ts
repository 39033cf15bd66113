import type { APIRoute } from 'astro';
import { isStreamResult, streamResponse, toResponse } from '../../../../lib/platform/http/results';
import { readerOf } from '../../../../lib/polls/http/api.server';
import { openPollStream } from '../../../../lib/polls/http/live-stream.server';
import { getServices } from '../../../../app/app.server';

export const prerender = false;

/** The built server answers this path itself (POLL_FAST_ROUTES); this file serves it under `astro dev`. */
export const GET: APIRoute = async ({ params, locals, request, url }) => {
  const result = await openPollStream(
    await getServices(),
    params.id ?? '',
    url.searchParams.get('also'),
    readerOf(locals),
  );
  return isStreamResult(result) ? streamResponse(result, request.signal) : toResponse(result);
};
