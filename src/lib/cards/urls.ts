/**
 * Where the share cards are, for the pages' Open Graph and Twitter tags.
 * Pure: a page passes what it already has (the post's entry id).
 */

export { CARD_HEIGHT, CARD_WIDTH } from './card.ts';

/**
 * A post's card, prerendered by src/pages/og/posts/[...slug].png.ts. The
 * entry id may hold a folder (a translation: `zh/<slug>`).
 *
 * @example postCardPath('zh/opg-liquidity-ghost') // '/og/posts/zh/opg-liquidity-ghost.png'
 */
export function postCardPath(entryId: string): string {
  return `/og/posts/${entryId.split('/').map(encodeURIComponent).join('/')}.png`;
}

/** og:image:alt for a post's card. */
export function postCardAlt(title: string): string {
  return `${title} · sentiment-desk`;
}
