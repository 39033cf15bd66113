import { and, asc, count, desc, eq, exists, gt, inArray, isNull, lt, lte, min, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { cutPage, REPLIES_PER_PAGE, REPLIES_SHOWN, THREADS_PER_PAGE, type CommentCursor } from './cursor.ts';
import { comments } from '../../../db/schema.ts';
import { writeTransaction, type Database, type Queries } from '../platform/db/db.server.ts';
import type { CommentLimit, CommentNetworkLimiter } from './network.server.ts';
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
  /** The page's top-level comments and the first replies of each (REPLIES_SHOWN). */
  rows: CommentRow[];
  /** How many replies each of the page's threads has for this viewer (threads without any are absent). */
  replyCounts: Map<number, number>;
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
  /** Comments under the post this viewer is shown (deleted ones stay as markers). */
  total: number;
}

/** Rows strictly after a cursor, in its order (ties by id). */
function after(cursor: CommentCursor | null, order: 'newest' | 'oldest'): SQL | undefined {
  if (cursor === null) return undefined;
  return or(
    order === 'newest' ? lt(comments.createdAt, cursor.createdAt) : gt(comments.createdAt, cursor.createdAt),
    and(eq(comments.createdAt, cursor.createdAt), gt(comments.id, cursor.id)),
  );
}

/** Replies readers see: hidden ones are for moderators only. */
const repliesShown = (includeHidden: boolean): SQL | undefined =>
  includeHidden ? undefined : isNull(comments.hiddenAt);

/**
 * One page of a post's threads: `limit` top-level comments after the cursor
 * in the page's order (newest or oldest first, ties by id), with the first
 * REPLIES_SHOWN replies of each and how many each has, so no answer grows with
 * a thread. Hidden threads without visible replies are left out here for
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
  const [tops, [counted]] = await Promise.all([
    db
      .select(COMMENT_ROW)
      .from(comments)
      .where(and(eq(comments.postSlug, postSlug), isNull(comments.parentId), shown, after(cursor, order)))
      .orderBy(order === 'newest' ? desc(comments.createdAt) : asc(comments.createdAt), asc(comments.id))
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(comments)
      .where(and(eq(comments.postSlug, postSlug), includeHidden ? undefined : isNull(comments.hiddenAt))),
  ]);
  const { page, nextCursor } = cutPage(tops, limit, order);
  const first =
    page.length === 0
      ? []
      : await firstReplies(
          db,
          page.map((r) => r.id),
          includeHidden,
        );
  return {
    rows: [...page, ...first.map(({ replies: _count, ...row }) => row)],
    replyCounts: new Map(first.map((r) => [r.parentId ?? 0, r.replies])),
    nextCursor,
    total: counted?.total ?? 0,
  };
}

/**
 * The first REPLIES_SHOWN replies (oldest first) of each thread, each row
 * with its thread's reply count: one query, ranking and counting only the
 * ids, times and threads of these threads' replies (their text is read for
 * the rows kept).
 */
async function firstReplies(
  db: Database,
  threadIds: number[],
  includeHidden: boolean,
): Promise<(CommentRow & { replies: number })[]> {
  const ranked = db
    .select({
      id: comments.id,
      position:
        sql<number>`row_number() OVER (PARTITION BY ${comments.parentId} ORDER BY ${comments.createdAt}, ${comments.id})`.as(
          'position',
        ),
      replies: sql<number>`count(*) OVER (PARTITION BY ${comments.parentId})`.as('replies'),
    })
    .from(comments)
    .where(and(inArray(comments.parentId, threadIds), repliesShown(includeHidden)))
    .as('ranked');
  return db
    .select({ ...COMMENT_ROW, replies: ranked.replies })
    .from(comments)
    .innerJoin(ranked, eq(comments.id, ranked.id))
    .where(lte(ranked.position, REPLIES_SHOWN));
}

export interface ReplyPage {
  /** The thread's top-level comment. */
  top: CommentRow;
  /** One page of its replies, oldest first. */
  rows: CommentRow[];
  /** Replies after this page, for this viewer. */
  more: number;
  nextCursor: string | null;
}

/**
 * One page of a thread's replies (REPLIES_PER_PAGE, oldest first) after the
 * cursor, with its top-level comment; null when the post has no such thread.
 */
export async function listReplyPage(
  db: Database,
  postSlug: string,
  threadId: number,
  cursor: CommentCursor | null,
  includeHidden: boolean,
): Promise<ReplyPage | null> {
  const ofThread = and(eq(comments.parentId, threadId), repliesShown(includeHidden));
  const [[top], rows] = await Promise.all([
    db
      .select(COMMENT_ROW)
      .from(comments)
      .where(and(eq(comments.id, threadId), eq(comments.postSlug, postSlug), isNull(comments.parentId))),
    db
      .select(COMMENT_ROW)
      .from(comments)
      .where(and(ofThread, after(cursor, 'oldest')))
      .orderBy(asc(comments.createdAt), asc(comments.id))
      .limit(REPLIES_PER_PAGE + 1),
  ]);
  if (!top) return null;
  const { page, nextCursor } = cutPage(rows, REPLIES_PER_PAGE, 'oldest');
  const last = page.at(-1);
  const [rest] =
    nextCursor === null || !last
      ? [{ more: 0 }]
      : await db
          .select({ more: count() })
          .from(comments)
          .where(and(ofThread, after({ order: 'oldest', createdAt: last.createdAt, id: last.id }, 'oldest')));
  return { top, rows: page, more: rest?.more ?? 0, nextCursor };
}

export type CommentError =
  | { code: 'not_found'; message: string }
  | { code: 'invalid_parent'; message: string }
  | { code: 'forbidden'; message: string }
  | { code: 'blocked'; message: string }
  | { code: 'hidden'; message: string }
  | { code: 'edit_window_closed'; message: string }
  | { code: 'rate_limited'; message: string; retryAfterSeconds: number; limit: CommentLimit };

export type CommentResult = { ok: true; comment: CommentRow } | { ok: false; error: CommentError };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A refusal that must undo what the transaction counted: thrown out of it, so it rolls back. */
class Refused extends Error {
  readonly error: CommentError;
  constructor(error: CommentError) {
    super(error.message);
    this.error = error;
  }
}

/** Where a comment comes from, for the limits per network. */
export interface CommentSource {
  limiter: CommentNetworkLimiter;
  /** The client's address (see clientBucket). */
  client: string;
}

/**
 * Adds a comment or a reply. Replies go one level deep and stay on their
 * post. The rate limits (5 a minute, 100 a day per address, and those of the
 * client's network when `source` is given) are counted in the same
 * transaction as the insert, so parallel posts cannot slip past, and a
 * refused comment counts against none of them.
 */
export async function addComment(
  db: Database,
  input: { postSlug: string; parentId: number | null; address: string; body: string; now: number },
  source: CommentSource | null = null,
): Promise<CommentResult> {
  try {
    return await writeTransaction(db, (tx) => insertComment(tx, input, source));
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: error.error };
    throw error;
  }
}

async function insertComment(
  tx: Queries,
  input: { postSlug: string; parentId: number | null; address: string; body: string; now: number },
  source: CommentSource | null,
): Promise<CommentResult> {
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
        limit: 'minute',
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
        limit: 'day',
        message: `At most ${PER_DAY_LIMIT} comments a day.`,
        retryAfterSeconds: retry(counts?.firstDay, DAY),
      },
    };
  }
  if (source) {
    const first = (counts?.day ?? 0) === 0 && !(await hasCommented(tx, input.address));
    const refused = await source.limiter.count(tx, source.client, first, input.now);
    if (refused) throw new Refused({ code: 'rate_limited', ...refused });
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
}

/** Whether this wallet has ever commented on the site (deleted comments keep their rows). */
async function hasCommented(tx: Queries, address: string): Promise<boolean> {
  const [row] = await tx.select({ id: comments.id }).from(comments).where(eq(comments.address, address)).limit(1);
  return row !== undefined;
}

async function findOnPost(db: Queries, postSlug: string, id: number): Promise<CommentRow | null> {
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

/**
 * The author edits within 15 minutes of posting; the comment is marked
 * edited. Not while blocked (403 blocked, as posting), and not once a
 * moderator has hidden the comment (409 hidden): an edit would change what they
 * judged. Checked and written in one transaction, so a block or a hide that
 * lands meanwhile is not slipped past.
 */
export async function editComment(
  db: Database,
  postSlug: string,
  id: number,
  viewer: Viewer,
  body: string,
  now: number,
): Promise<CommentResult> {
  return writeTransaction(db, async (tx): Promise<CommentResult> => {
    const comment = await findOnPost(tx, postSlug, id);
    if (!comment || comment.deletedAt !== null) return NOT_FOUND;
    if (!canDelete(comment, viewer))
      return { ok: false, error: { code: 'forbidden', message: 'Only the author can edit a comment.' } };
    const block = viewer.address === null ? null : await activeBlock(tx, viewer.address, now);
    if (block) return { ok: false, error: { code: 'blocked', message: blockedMessage(block) } };
    if (comment.hiddenAt !== null) {
      return {
        ok: false,
        error: { code: 'hidden', message: 'A moderator has hidden this comment, so it can no longer be edited.' },
      };
    }
    if (!canEdit(comment, viewer, now)) {
      return {
        ok: false,
        error: { code: 'edit_window_closed', message: 'Comments can be edited for 15 minutes after posting.' },
      };
    }
    return changed(
      await tx
        .update(comments)
        .set({ body, editedAt: now })
        .where(and(eq(comments.id, id), isNull(comments.deletedAt)))
        .returning(COMMENT_ROW),
    );
  });
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
