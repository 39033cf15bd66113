/** Who may do what with a comment, and how threads are assembled. Pure. */

import type { comments } from '../../../db/schema.ts';
import type { HolderBadge } from '../holders/badge.ts';
import { cursorAfter } from './cursor.ts';

export const EDIT_WINDOW_MS = 15 * 60 * 1000;
export const PER_MINUTE_LIMIT = 5;
export const PER_DAY_LIMIT = 100;

export type CommentRow = Pick<
  typeof comments.$inferSelect,
  'id' | 'postSlug' | 'parentId' | 'address' | 'body' | 'createdAt' | 'editedAt' | 'deletedAt' | 'hiddenAt'
>;

export interface Viewer {
  /** EIP-55 address, or null when signed out. */
  address: string | null;
  isAdmin: boolean;
}

export type CommentState = 'visible' | 'deleted' | 'hidden';

/** A comment as a reader (or API client) receives it: text only, never HTML. */
export interface CommentView {
  id: number;
  parentId: number | null;
  address: string;
  /** Null when deleted, or hidden from this viewer. */
  body: string | null;
  state: CommentState;
  createdAt: string;
  editedAt: string | null;
  canEdit: boolean;
  canDelete: boolean;
  canHide: boolean;
  /** What the post's token's latest snapshot says of the author's wallet; null without token or snapshot. */
  badge: HolderBadge | null;
  /** The replies shown with it (a reply has none): the first few, or one page of them on the thread's own page. */
  replies: CommentView[];
  /** Replies after those shown, on the thread's own page; 0 for a reply. */
  moreReplies: number;
  /** Where they start, for `GET /api/posts/<slug>/comments/<id>/replies?cursor=`; null when there are none. */
  moreRepliesCursor: string | null;
}

/** Replies this viewer may see, by thread id. */
export type ReplyCounts = ReadonlyMap<number, number>;

/** Holder badges by lower-case address. */
export type BadgesByAddress = ReadonlyMap<string, HolderBadge>;

const same = (a: string | null, b: string): boolean => a !== null && a.toLowerCase() === b.toLowerCase();

/** The author, within the edit window, of a comment neither deleted nor hidden by a moderator. */
export function canEdit(comment: CommentRow, viewer: Viewer, now: number): boolean {
  return (
    same(viewer.address, comment.address) &&
    comment.deletedAt === null &&
    comment.hiddenAt === null &&
    now - comment.createdAt < EDIT_WINDOW_MS
  );
}

export function canDelete(comment: CommentRow, viewer: Viewer): boolean {
  return same(viewer.address, comment.address) && comment.deletedAt === null;
}

function view(
  row: CommentRow,
  viewer: Viewer,
  now: number,
  badges: BadgesByAddress,
  replies: CommentView[] = [],
  more: { count: number; cursor: string | null } = { count: 0, cursor: null },
): CommentView {
  const state: CommentState = row.deletedAt !== null ? 'deleted' : row.hiddenAt !== null ? 'hidden' : 'visible';
  const readable = state === 'visible' || (state === 'hidden' && viewer.isAdmin);
  return {
    id: row.id,
    parentId: row.parentId,
    address: row.address,
    body: readable ? row.body : null,
    state,
    createdAt: new Date(row.createdAt).toISOString(),
    editedAt: row.editedAt === null ? null : new Date(row.editedAt).toISOString(),
    canEdit: state !== 'deleted' && canEdit(row, viewer, now),
    canDelete: canDelete(row, viewer),
    canHide: viewer.isAdmin && state !== 'deleted',
    badge: badges.get(row.address.toLowerCase()) ?? null,
    replies,
    moreReplies: more.count,
    moreRepliesCursor: more.count > 0 ? more.cursor : null,
  };
}

const shownTo = (viewer: Viewer) => (row: CommentRow) => row.hiddenAt === null || viewer.isAdmin;
const byTime = (a: CommentRow, b: CommentRow): number => a.createdAt - b.createdAt || a.id - b.id;

/**
 * One thread with the replies given (those of one page, any order), and how
 * many of the thread's replies come after them; null when the thread is
 * hidden from this viewer and no reply shown keeps it.
 */
export function threadView(
  top: CommentRow,
  replyRows: readonly CommentRow[],
  more: number,
  viewer: Viewer,
  now: number,
  badges: BadgesByAddress = new Map(),
): CommentView | null {
  const shown = shownTo(viewer);
  const rows = replyRows.filter(shown).sort(byTime);
  if (!shown(top) && rows.length === 0) return null;
  const last = rows.at(-1);
  const replies = rows.map((r) => view(r, viewer, now, badges));
  return view(top, viewer, now, badges, replies, {
    count: Math.max(0, more),
    cursor: last ? cursorAfter('oldest', last) : null,
  });
}

/**
 * Threads for one post: top-level comments newest or oldest first, replies
 * oldest first under them. Hidden comments are left out for everyone but
 * admins, unless replies hang from them (then they stay as a marker).
 * `replyCounts` says how many replies each thread has for this viewer, when
 * `rows` carries only the first few; each thread's `moreReplies` is the rest.
 */
export function buildThreads(
  rows: readonly CommentRow[],
  order: 'newest' | 'oldest',
  viewer: Viewer,
  now: number,
  badges: BadgesByAddress = new Map(),
  replyCounts: ReplyCounts = new Map(),
): CommentView[] {
  const byParent = new Map<number, CommentRow[]>();
  for (const row of rows) {
    if (row.parentId === null) continue;
    const list = byParent.get(row.parentId) ?? [];
    list.push(row);
    byParent.set(row.parentId, list);
  }
  const shown = shownTo(viewer);
  const tops = rows.filter((r) => r.parentId === null);
  tops.sort((a, b) => (order === 'newest' ? b.createdAt - a.createdAt : a.createdAt - b.createdAt) || a.id - b.id);
  const threads: CommentView[] = [];
  for (const top of tops) {
    const replies = byParent.get(top.id) ?? [];
    const given = replies.filter(shown).length;
    const thread = threadView(top, replies, (replyCounts.get(top.id) ?? given) - given, viewer, now, badges);
    if (thread) threads.push(thread);
  }
  return threads;
}
