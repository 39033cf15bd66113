import { IdleChildProcess } from '../platform/runtime/child-process.server.ts';
import type { CardNode } from './card.ts';

/**
 * Where poll cards are drawn: a child process (scripts/card-drawer.ts,
 * bundled as dist/card-drawer.mjs) that the first card starts and that
 * exits once no card has come for CARD_DRAWER_IDLE. The renderer, its
 * WebAssembly layout engine, resvg's native library and the card fonts
 * hold over 100 MB; in the server they stayed for good after one card
 * (docs/decisions/0022-share-cards-in-a-child-process.md). The server sends
 * the card's element tree (plain data, card.ts) and gets the PNG back.
 */

export type CardDrawer = IdleChildProcess<CardNode, Uint8Array>;

/**
 * Draws that may wait behind the one being drawn. A draw takes a tenth to a
 * few tenths of a second, so the last waits a second or two; one more is
 * refused (503, Retry-After) rather than queued, so a flood of card requests
 * costs the server neither memory nor minutes of drawing. Each card is drawn
 * at most once per POLL_CARD_TTL (cache.ts), so only many distinct cards at
 * once reach this bound.
 */
export const CARD_QUEUE = 8;

/** A draw, with the child's start-up for the first, that takes longer has hung: the child is killed. */
export const CARD_DRAW_TIMEOUT_MS = 20_000;

/** When a refused card may be asked for again. */
export const CARD_RETRY_AFTER_S = 5;

/**
 * The entry from source, which Node runs as TypeScript: for tests and `astro dev`, whose modules keep their own
 * URLs. The built server names dist/card-drawer.mjs (scripts/serve.ts, ServiceOptions.cardDrawer).
 */
const SOURCE_ENTRY = new URL('../../../scripts/card-drawer.ts', import.meta.url);

export interface CardDrawerOptions {
  /** Milliseconds without a card before the child exits (CARD_DRAWER_IDLE). */
  idleMs: number;
  /** The child's entry; the source's by default. */
  script?: string | URL;
  timeoutMs?: number;
  maxQueue?: number;
}

export function cardDrawer(options: CardDrawerOptions): CardDrawer {
  return new IdleChildProcess<CardNode, Uint8Array>({
    name: 'the card drawer',
    script: options.script ?? SOURCE_ENTRY,
    idleMs: options.idleMs,
    timeoutMs: options.timeoutMs ?? CARD_DRAW_TIMEOUT_MS,
    maxQueue: options.maxQueue ?? CARD_QUEUE,
  });
}
