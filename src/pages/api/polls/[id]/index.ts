import type { APIRoute } from 'astro';
import { toResponse } from '../../../../lib/http';
import { getServices } from '../../../../lib/server/app';
import { getPollResults } from '../../../../lib/server/poll-api';

export const prerender = false;

export const GET: APIRoute = async ({ params, locals, clientAddress, url }) =>
  toResponse(
    await getPollResults(await getServices(), params.id ?? '', {
      voterId: locals.voterId,
      address: locals.address,
      clientAddress,
      secure: url.protocol === 'https:',
      now: Date.now(),
    }),
  );
