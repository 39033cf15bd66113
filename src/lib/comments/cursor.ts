/**
 * Cursors for comment pages: the sort order and the last top-level comment's
 * (createdAt, id) of the page before, so a page starts where the last one
 * ended whatever has been posted since. Opaque to readers (base64url). Pure.
 */

export const THREADS_PER_PAGE = 50;

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
