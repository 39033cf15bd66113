import { answerParent } from '../platform/runtime/child-process.server.ts';
import type { CardNode } from './card.ts';
import { renderCard } from './render.server.ts';

/**
 * The card drawer's side (run by dist/card-drawer.mjs, see drawer.server.ts):
 * each card tree it is sent, drawn as a PNG. The only code outside the build
 * that loads the renderer.
 */
export function serveCardDraws(): void {
  answerParent<CardNode, Uint8Array>((node) => renderCard(node));
}
