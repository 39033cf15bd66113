import { and, asc, count, desc, eq, exists, gt, inArray, isNull, lt, min, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { encodeCursor, THREADS_PER_PAGE, type CommentCursor } from './cursor.ts';
import { comments } from '../../../db/schema.ts';
import { writeTransaction, type Database } from '../server/db.server.ts';
import { activeBlock, blockedMessage } from '../moderation/blocks.server.ts';
import { canDelete, canEdit, PER_DAY_LIMIT, PER_MINUTE_LIMIT, type CommentRow, type Viewer } from './rules.ts';

/** Comment storage. Writes that check and then change run in one BEGIN IMMEDIATE transaction. */

// Who hid a comment stays in the table: nothing that shows comments needs it.
const COMMENT_ROW = {
  id: comments.id,
  postSlug: comments.postSlug,
  parentId: comments.parentId,
  address: comments.address,
  body: comments.body,
  createdAt: comments.createdAt,
  editedAt: comments.editedAt,
  deletedAt: comments.deletedAt,
  hiddenAt: comments.hiddenAt,
} satisfies Record<keyof CommentRow, unknown>;

export interface CommentPage {
  /** The page's top-level comments and all their replies. */
  rows: CommentRow[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
  /** Comments under the post this viewer is shown (deleted ones stay as markers). */
  total: number;
}

/**
 * One page of a post's threads: `limit` top-level comments after the cursor
 * in the page's order (newest or oldest first, ties by id), with their
 * replies. Hidden threads without visible replies are left out here for
 * readers (as buildThreads leaves them out), so every page is full.
 */
export async function listCommentPage(
  db: Database,
  postSlug: string,
  order: 'newest' | 'oldest',
  cursor: CommentCursor | null,
  includeHidden: boolean,
  limit = THREADS_PER_PAGE,
): Promise<CommentPage> {
  const replies = alias(comments, 'replies');
  const shown = includeHidden
    ? undefined
    : or(
        isNull(comments.hiddenAt),
        exists(
          db
            .select({ one: sql`1` })
            .from(replies)
            .where(and(eq(replies.parentId, comments.id), isNull(replies.hiddenAt))),
        ),
      );
  const sameTime =
    cursor === null ? undefined : and(eq(comments.createdAt, cursor.createdAt), gt(comments.id, cursor.id));
  const after =
    cursor === null
      ? undefined
      : or(
          order === 'newest' ? lt(comments.createdAt, cursor.createdAt) : gt(comments.createdAt, cursor.createdAt),
          sameTime,
        );
  const [tops, [counted]] = await Promise.all([
    db
      .select(COMMENT_ROW)
      .from(comments)
      .where(and(eq(comments.postSlug, postSlug), isNull(comments.parentId), shown, after))
      .orderBy(order === 'newest' ? desc(comments.createdAt) : asc(comments.createdAt), asc(comments.id))
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(comments)
      .where(and(eq(comments.postSlug, postSlug), includeHidden ? undefined : isNull(comments.hiddenAt))),
  ]);
  const page = tops.slice(0, limit);
  const last = page.at(-1);
  const replyRows =
    page.length === 0
      ? []
      : await db
          .select(COMMENT_ROW)
          .from(comments)
          .where(
            inArray(
              comments.parentId,
              page.map((r) => r.id),
            ),
          )
          .orderBy(comments.createdAt, comments.id);
  return {
    rows: [...page, ...replyRows],
    nextCursor: tops.length > limit && last ? encodeCursor({ order, createdAt: last.createdAt, id: last.id }) : null,
    total: counted?.total ?? 0,
  };
}

export type CommentError =
  | { code: 'not_found'; message: string }
  | { code: 'invalid_parent'; message: string }
  | { code: 'forbidden'; message: string }
  | { code: 'blocked'; message: string }
  | { code: 'edit_window_closed'; message: string }
  | { code: 'rate_limited'; message: string; retryAfterSeconds: number };

export type CommentResult = { ok: true; comment: CommentRow } | { ok: false; error: CommentError };

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Adds a comment or a reply. Replies go one level deep and stay on their
 * post. The rate limits (5 a minute, 100 a day per address) are counted in
 * the same transaction as the insert, so parallel posts cannot slip past.
 */
export async function addComment(
  db: Database,
  input: { postSlug: string; parentId: number | null; address: string; body: string; now: number },
): Promise<CommentResult> {
  return writeTransaction(db, async (tx) => {
    const block = await activeBlock(tx, input.address, input.now);
    if (block) return { ok: false, error: { code: 'blocked', message: blockedMessage(block) } };
    if (input.parentId !== null) {
      const [parent] = await tx
        .select({ postSlug: comments.postSlug, parentId: comments.parentId })
        .from(comments)
        .where(eq(comments.id, input.parentId));
      if (!parent || parent.postSlug !== input.postSlug) {
        return { ok: false, error: { code: 'invalid_parent', message: 'That comment is not under this post.' } };
      }
      if (parent.parentId !== null) {
        return {
          ok: false,
          error: { code: 'invalid_parent', message: 'Replies go one level deep: reply to the thread instead.' },
        };
      }
    }
    const inLastMinute = sql`${comments.createdAt} > ${input.now - MINUTE}`;
    const [counts] = await tx
      .select({
        minute: sql<number>`count(*) FILTER (WHERE ${inLastMinute})`,
        day: count(),
        firstMinute: sql<number | null>`min(${comments.createdAt}) FILTER (WHERE ${inLastMinute})`,
        firstDay: min(comments.createdAt),
      })
      .from(comments)
      .where(and(eq(comments.address, input.address), gt(comments.createdAt, input.now - DAY)));
    const retry = (from: number | null | undefined, window: number): number =>
      Math.max(1, Math.ceil(((from ?? 0) + window - input.now) / 1000));
    if ((counts?.minute ?? 0) >= PER_MINUTE_LIMIT) {
      return {
        ok: false,
        error: {
          code: 'rate_limited',
          message: `At most ${PER_MINUTE_LIMIT} comments a minute.`,
          retryAfterSeconds: retry(counts?.firstMinute, MINUTE),
        },
      };
    }
    if ((counts?.day ?? 0) >= PER_DAY_LIMIT) {
      return {
        ok: false,
        error: {
          code: 'rate_limited',
          message: `At most ${PER_DAY_LIMIT} comments a day.`,
          retryAfterSeconds: retry(counts?.firstDay, DAY),
        },
      };
    }
    const [comment] = await tx
      .insert(comments)
      .values({
        postSlug: input.postSlug,
        parentId: input.parentId,
        address: input.address,
        body: input.body,
        createdAt: input.now,
      })
      .returning(COMMENT_ROW);
    if (!comment) throw new Error('insert returned no row');
    return { ok: true, comment };
  });
}

async function findOnPost(db: Database, postSlug: string, id: number): Promise<CommentRow | null> {
  const [row] = await db
    .select(COMMENT_ROW)
    .from(comments)
    .where(and(eq(comments.id, id), eq(comments.postSlug, postSlug)));
  return row ?? null;
}

const NOT_FOUND: CommentResult = {
  ok: false,
  error: { code: 'not_found', message: 'There is no such comment under this post.' },
};

/** What a write that returned the changed rows means: the comment, or that there was none to change. */
function changed([comment]: CommentRow[]): CommentResult {
  return comment ? { ok: true, comment } : NOT_FOUND;
}

/** The author edits within 15 minutes of posting; the comment is marked edited. */
export async function editComment(
  db: Database,
  postSlug: string,
  id: number,
  viewer: Viewer,
  body: string,
  now: number,
): Promise<CommentResult> {
  const comment = await findOnPost(db, postSlug, id);
  if (!comment || comment.deletedAt !== null) return NOT_FOUND;
  if (!canDelete(comment, viewer))
    return { ok: false, error: { code: 'forbidden', message: 'Only the author can edit a comment.' } };
  if (!canEdit(comment, viewer, now)) {
    return {
      ok: false,
      error: { code: 'edit_window_closed', message: 'Comments can be edited for 15 minutes after posting.' },
    };
  }
  return changed(
    await db
      .update(comments)
      .set({ body, editedAt: now })
      .where(and(eq(comments.id, id), isNull(comments.deletedAt)))
      .returning(COMMENT_ROW),
  );
}

/** The author deletes: the text goes, the row stays so replies keep their thread. */
export async function deleteComment(
  db: Database,
  postSlug: string,
  id: number,
  viewer: Viewer,
  now: number,
): Promise<CommentResult> {
  const comment = await findOnPost(db, postSlug, id);
  if (!comment || comment.deletedAt !== null) return NOT_FOUND;
  if (!canDelete(comment, viewer))
    return { ok: false, error: { code: 'forbidden', message: 'Only the author can delete a comment.' } };
  return changed(
    await db.update(comments).set({ deletedAt: now, body: '' }).where(eq(comments.id, id)).returning(COMMENT_ROW),
  );
}

/** Admins hide (or show again) any comment; hidden ones stay visible to admins only. */
export async function setCommentHidden(
  db: Database,
  postSlug: string,
  id: number,
  viewer: Viewer,
  hidden: boolean,
  now: number,
): Promise<CommentResult> {
  if (!viewer.isAdmin || !viewer.address)
    return { ok: false, error: { code: 'forbidden', message: 'Only moderators can hide comments.' } };
  return changed(
    await db
      .update(comments)
      .set({ hiddenAt: hidden ? now : null, hiddenBy: hidden ? viewer.address : null })
      .where(and(eq(comments.id, id), eq(comments.postSlug, postSlug)))
      .returning(COMMENT_ROW),
  );
}
