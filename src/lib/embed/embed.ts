/**
 * Embedding a poll on another site: the frame's HTML snippet, the oEmbed
 * answer that carries it, and the origins allowed to frame it. Pure.
 */

/** The header the poll widget sends with a vote cast inside the embed page (its cookie must then be partitioned). */
export const EMBED_HEADER = 'x-poll-embed';

/** The message the embed page posts to its parent as its height changes (public/embed.js listens). */
export const RESIZE_MESSAGE = 'sentiment-desk:resize';

/** A first guess at the frame's height before the page inside reports its own: heading, options, summary. */
export const frameHeight = (options: number): number => 220 + options * 72;

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The copy-paste snippet: the frame, and the small script that resizes it to its content. */
export function embedSnippet(origin: string, poll: { id: string; question: string; options: number }): string {
  const src = new URL(`/polls/${encodeURIComponent(poll.id)}/embed/`, origin).href;
  const script = new URL('/embed.js', origin).href;
  return (
    `<iframe src="${escape(src)}" title="${escape(`Poll: ${poll.question}`)}" width="100%" ` +
    `height="${frameHeight(poll.options)}" style="border:0;max-width:40rem" loading="lazy" ` +
    `data-sentiment-desk-poll="${escape(poll.id)}"></iframe>` +
    `<script src="${escape(script)}" async></script>`
  );
}

/** The poll an oEmbed `url` names, if it is one of this site's poll pages (or their embed pages). */
export function pollIdFromUrl(url: string, origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.origin !== new URL(origin).origin) return null;
  const match = /^\/polls\/([a-z0-9-]+)\/(?:embed\/?)?$/.exec(parsed.pathname);
  return match?.[1] ?? null;
}
