import type { APIRoute } from 'astro';
import { toResponse } from '../../lib/platform/http/results';
import { getTrackRecord } from '../../lib/resolution/api.server';
import { getServices } from '../../app/app.server';

export const prerender = false;

export const GET: APIRoute = async ({ url, locals }) =>
  toResponse(
    await getTrackRecord(
      await getServices(),
      { token: url.searchParams.get('token'), format: url.searchParams.get('format') },
      Date.now(),
      locals.clientAddress,
    ),
  );
