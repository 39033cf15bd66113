import type { APIRoute } from 'astro';
import { pollCardResponse } from '../../../../lib/cards/poll-card.server';
import { isLocaleParam, toLocale } from '../../../../lib/i18n/locales';
import { getServices } from '../../../../app/app.server';

export const prerender = false;

/**
 * A poll's live share card (see pollCardUrl), in the language of the path
 * (/zh/polls/<id>/card.png is the Chinese one): the current split, redrawn at
 * most once per POLL_CARD_TTL.
 */
export const GET: APIRoute = async ({ params, request }) => {
  if (!isLocaleParam(params.locale)) return new Response(null, { status: 404 });
  return pollCardResponse(await getServices(), params.id ?? '', request.headers, toLocale(params.locale));
};
