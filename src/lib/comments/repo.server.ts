import type { Row } from '@libsql/client';
import type { Database } from '../server/db.server.ts';
import { canDelete, canEdit, PER_DAY_LIMIT, PER_MINUTE_LIMIT, type CommentRow, type Viewer } from './rules.ts';

/** Comment storage. Writes that check and then change run in one BEGIN IMMEDIATE transaction. */

const COLUMNS = 'id, post_slug, parent_id, address, body, created_at, edited_at, deleted_at, hidden_at';

function toRow(r: Row): CommentRow {
  const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    postSlug: String(r.post_slug),
    parentId: n(r.parent_id),
    address: String(r.address),
    body: String(r.body),
    createdAt: Number(r.created_at),
    editedAt: n(r.edited_at),
    deletedAt: n(r.deleted_at),
    hiddenAt: n(r.hidden_at),
  };
}

export async function listComments(db: Database, postSlug: string): Promise<CommentRow[]> {
  const result = await db.$client.execute({
    sql: `SELECT ${COLUMNS} FROM comments WHERE post_slug = ? ORDER BY created_at, id`,
    args: [postSlug],
  });
  return result.rows.map(toRow);
}

export type CommentError =
  | { code: 'not_found'; message: string }
  | { code: 'invalid_parent'; message: string }
  | { code: 'forbidden'; message: string }
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
  const tx = await db.$client.transaction('write');
  try {
    if (input.parentId !== null) {
      const parent = await tx.execute({
        sql: 'SELECT post_slug, parent_id FROM comments WHERE id = ?',
        args: [input.parentId],
      });
      const row = parent.rows[0];
      if (!row || row.post_slug !== input.postSlug) {
        return { ok: false, error: { code: 'invalid_parent', message: 'That comment is not under this post.' } };
      }
      if (row.parent_id !== null) {
        return {
          ok: false,
          error: { code: 'invalid_parent', message: 'Replies go one level deep: reply to the thread instead.' },
        };
      }
    }
    const recent = await tx.execute({
      sql: `SELECT count(*) FILTER (WHERE created_at > ?2) AS minute, count(*) AS day,
              min(created_at) FILTER (WHERE created_at > ?2) AS first_minute, min(created_at) AS first_day
            FROM comments WHERE address = ?1 AND created_at > ?3`,
      args: [input.address, input.now - MINUTE, input.now - DAY],
    });
    const counts = recent.rows[0];
    const retry = (from: unknown, window: number): number =>
      Math.max(1, Math.ceil((Number(from) + window - input.now) / 1000));
    if (Number(counts?.minute ?? 0) >= PER_MINUTE_LIMIT) {
      return {
        ok: false,
        error: {
          code: 'rate_limited',
          message: `At most ${PER_MINUTE_LIMIT} comments a minute.`,
          retryAfterSeconds: retry(counts?.first_minute, MINUTE),
        },
      };
    }
    if (Number(counts?.day ?? 0) >= PER_DAY_LIMIT) {
      return {
        ok: false,
        error: {
          code: 'rate_limited',
          message: `At most ${PER_DAY_LIMIT} comments a day.`,
          retryAfterSeconds: retry(counts?.first_day, DAY),
        },
      };
    }
    const inserted = await tx.execute({
      sql: `INSERT INTO comments (post_slug, parent_id, address, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      args: [input.postSlug, input.parentId, input.address, input.body, input.now],
    });
    await tx.commit();
    const row = inserted.rows[0];
    if (!row) throw new Error('insert returned no row');
    return { ok: true, comment: toRow(row) };
  } finally {
    tx.close();
  }
}

async function findOnPost(db: Database, postSlug: string, id: number): Promise<CommentRow | null> {
  const result = await db.$client.execute({
    sql: `SELECT ${COLUMNS} FROM comments WHERE id = ? AND post_slug = ?`,
    args: [id, postSlug],
  });
  const row = result.rows[0];
  return row ? toRow(row) : null;
}

const NOT_FOUND: CommentResult = {
  ok: false,
  error: { code: 'not_found', message: 'There is no such comment under this post.' },
};

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
  const result = await db.$client.execute({
    sql: `UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    args: [body, now, id],
  });
  const row = result.rows[0];
  return row ? { ok: true, comment: toRow(row) } : NOT_FOUND;
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
  const result = await db.$client.execute({
    sql: `UPDATE comments SET deleted_at = ?, body = '' WHERE id = ? RETURNING ${COLUMNS}`,
    args: [now, id],
  });
  const row = result.rows[0];
  return row ? { ok: true, comment: toRow(row) } : NOT_FOUND;
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
  const result = await db.$client.execute({
    sql: `UPDATE comments SET hidden_at = ?, hidden_by = ? WHERE id = ? AND post_slug = ? RETURNING ${COLUMNS}`,
    args: [hidden ? now : null, hidden ? viewer.address : null, id, postSlug],
  });
  const row = result.rows[0];
  return row ? { ok: true, comment: toRow(row) } : NOT_FOUND;
}
