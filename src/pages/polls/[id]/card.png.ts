import type { APIRoute } from 'astro';
import { pollCardResponse } from '../../../lib/cards/poll-card.server';
import { getServices } from '../../../lib/server/app.server';

export const prerender = false;

/** A poll's live share card (see pollCardUrl): the current split, redrawn at most once per POLL_CARD_TTL. */
export const GET: APIRoute = async ({ params, request }) =>
  pollCardResponse(await getServices(), params.id ?? '', request.headers);
