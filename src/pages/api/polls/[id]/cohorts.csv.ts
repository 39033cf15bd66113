import type { APIRoute } from 'astro';
import { toResponse } from '../../../../lib/platform/http/results';
import { getCohortsCsv } from '../../../../lib/cohorts/api.server';
import { readerOf } from '../../../../lib/polls/http/api.server';
import { getServices } from '../../../../app/app.server';

export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) =>
  toResponse(await getCohortsCsv(await getServices(), params.id ?? '', readerOf(locals)));
