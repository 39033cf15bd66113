/**
 * Cursors for comment pages: the sort order and the last comment's
 * (createdAt, id) of the page before, so a page starts where the last one
 * ended whatever has been posted since. Opaque to readers (base64url). A
 * thread's replies page the same way, oldest first. Pure.
 */

/** Top-level comments on one page of a post's discussion. */
export const THREADS_PER_PAGE = 50;
/** Replies shown under each thread on that page; the rest are on the thread's own page. */
export const REPLIES_SHOWN = 5;
/** Replies on one page of a thread's own page (and of the replies API). */
export const REPLIES_PER_PAGE = 50;
/**
 * The most comments one answer carries: a full page of threads, each with
 * its first replies. A thread's own page carries its comment and one page of
 * replies, far fewer.
 */
export const MAX_COMMENTS_PER_ANSWER = THREADS_PER_PAGE * (1 + REPLIES_SHOWN);

export interface CommentCursor {
  order: 'newest' | 'oldest';
  createdAt: number;
  id: number;
}

/**
 * @example encodeCursor({ order: 'newest', createdAt: 1700000000000, id: 7 }) // 'bjoxNzAwMDAwMDAwMDAwOjc'
 */
export function encodeCursor(cursor: CommentCursor): string {
  return Buffer.from(`${cursor.order === 'newest' ? 'n' : 'o'}:${cursor.createdAt}:${cursor.id}`).toString('base64url');
}

/** The cursor a string stands for, or null when it is not one we made. */
export function decodeCursor(raw: string): CommentCursor | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) return null;
  const match = /^([no]):(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
  if (!match) return null;
  return { order: match[1] === 'n' ? 'newest' : 'oldest', createdAt: Number(match[2]), id: Number(match[3]) };
}

/** Where a page ends: the cursor of its last row. */
export function cursorAfter(order: 'newest' | 'oldest', last: { createdAt: number; id: number }): string {
  return encodeCursor({ order, createdAt: last.createdAt, id: last.id });
}

/**
 * One page out of rows read with one row to spare (`limit + 1`, already in
 * the page's order): the page, and the cursor of the next one when that
 * spare row shows there is more.
 *
 * @example cutPage([a, b, c], 2, 'oldest') // { page: [a, b], nextCursor: cursorAfter('oldest', b) }
 */
export function cutPage<T extends { createdAt: number; id: number }>(
  rows: readonly T[],
  limit: number,
  order: 'newest' | 'oldest',
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? cursorAfter(order, last) : null };
}
