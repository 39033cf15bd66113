import { createHash } from 'node:crypto';
import { etagMatches } from '../platform/http/etag.ts';
import { problem } from '../platform/http/results.ts';
import { presentResults } from '../polls/results.ts';
import type { PollReadDeps } from '../polls/deps.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import { isChildBusy, isChildStopped } from '../platform/runtime/child-process.server.ts';
import { RenderCache } from './cache.ts';
import { pollCard, type CardLang, type CardNode } from './card.ts';
import { pollCardView } from './poll-view.ts';
import { CARD_RETRY_AFTER_S, type CardDrawer } from './drawer.server.ts';
import { OnePer } from '../platform/caching/identity.ts';

/** What drawing a poll's card needs of the application's services. */
type PollCardDeps = Pick<PollReadDeps, 'poll' | 'cohorts'> & {
  config: Pick<ServerConfig, 'pollCardTtlMs'>;
  /** The server's one card drawer (drawer.server.ts). */
  cards: CardDrawer;
};

/**
 * GET /polls/<id>/card.png: a poll's live share card, drawn at most once
 * per POLL_CARD_TTL per poll (in the card drawer process, drawer.server.ts)
 * and served from memory in between.
 */

export interface PollCardImage {
  png: Uint8Array<ArrayBuffer>;
  /** A strong validator from the bytes: it moves exactly when the picture does. */
  etag: string;
}

/** Poll ids as definitions allow them (polls/schemas.ts), checked before any read. */
const POLL_ID = /^[a-z0-9-]{1,100}$/;

/**
 * Draws a poll's card as a reader without a ballot sees the poll: the card
 * is one image for everyone, so neither a ballot nor a session may open
 * hidden counts on it. The cohort figures come through the same reads as
 * the page, with the privacy floor applied. Null for an unknown poll.
 */
export async function drawPollCard(
  services: Pick<PollReadDeps, 'poll' | 'cohorts'>,
  draw: (node: CardNode) => Promise<Uint8Array>,
  pollId: string,
  now: number,
  lang: CardLang = 'en',
): Promise<PollCardImage | null> {
  const poll = await services.poll(pollId);
  if (!poll) return null;
  const results = presentResults(poll, null, now);
  const cohorts = await services.cohorts.results(poll, results.resultsVisible);
  const png = new Uint8Array(await draw(pollCard(pollCardView(results, cohorts, lang))));
  return { png, etag: `"${createHash('sha256').update(png).digest('base64url').slice(0, 27)}"` };
}

/** One cache per set of services (one per process), with its TTL. */
const caches = new OnePer<PollCardDeps, RenderCache<PollCardImage>>(
  (services) => new RenderCache(services.config.pollCardTtlMs),
);

function cacheFor(services: PollCardDeps): RenderCache<PollCardImage> {
  return caches.get(services);
}

/** The drawer's refusals as the API's 503s: too many cards at once, or a drawer that died or hung. */
function drawerProblem(error: unknown): Response | null {
  if (isChildBusy(error)) {
    return problem(
      503,
      'busy',
      `Too many share cards are being drawn at once; try again in ${CARD_RETRY_AFTER_S} seconds.`,
      {},
      { 'retry-after': String(CARD_RETRY_AFTER_S) },
    );
  }
  if (isChildStopped(error)) {
    return problem(
      503,
      'card_unavailable',
      `The share card could not be drawn: ${error.message}. Try again.`,
      {},
      { 'retry-after': '1' },
    );
  }
  return null;
}

/**
 * The card as a response: 200 with the PNG, or 304 when the client holds
 * it; caches may keep it for what is left of its TTL. An unknown poll is the
 * API's 404.
 */
export async function pollCardResponse(
  services: PollCardDeps,
  pollId: string,
  request: Headers,
  lang: CardLang = 'en',
): Promise<Response> {
  const missing = (): Response => problem(404, 'not_found', `There is no poll "${pollId}".`);
  if (!POLL_ID.test(pollId)) return missing();
  const card = await cacheFor(services)
    .get(`${lang}:${pollId}`, () =>
      drawPollCard(services, (node) => services.cards.run(node), pollId, Date.now(), lang),
    )
    .catch((error: unknown) => {
      const refusal = drawerProblem(error);
      if (refusal) return refusal;
      throw error;
    });
  if (card instanceof Response) return card;
  if (!card) return missing();
  const maxAge = Math.max(0, Math.ceil((card.expiresAt - Date.now()) / 1000));
  const headers = {
    // The picture is the same for everyone, but a request with cookies may be answered with a refreshed session
    // cookie (src/middleware.ts): no shared cache may keep that answer. Preview fetchers send no cookies.
    'cache-control': `${request.has('cookie') ? 'private' : 'public'}, max-age=${maxAge}`,
    etag: card.value.etag,
    'last-modified': new Date(card.renderedAt).toUTCString(),
  };
  if (etagMatches(request.get('if-none-match'), card.value.etag)) return new Response(null, { status: 304, headers });
  return new Response(card.value.png, {
    headers: { ...headers, 'content-type': 'image/png', 'content-length': String(card.value.png.length) },
  });
}
