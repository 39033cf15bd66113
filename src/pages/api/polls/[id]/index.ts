import type { APIRoute } from 'astro';
import { toResponse } from '../../../../lib/platform/http/results';
import { getServices } from '../../../../app/app.server';
import { getPollResults, readerOf } from '../../../../lib/polls/http/api.server';

export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) =>
  toResponse(await getPollResults(await getServices(), params.id ?? '', readerOf(locals)));
