import { and, count, desc, eq, inArray, max } from 'drizzle-orm';
import { commentBlocks, commentReports, comments, moderationActions } from '../../../db/schema.ts';
import { writeTransaction, type Database, type Queries } from '../platform/db/db.server.ts';
import type { ModerationActionKind, ReportReason } from './reasons.ts';

/**
 * What moderators see and do. Every change and its audit entry are written in
 * one transaction, so the log holds exactly the actions that happened.
 */

export interface QueueItem {
  commentId: number;
  postSlug: string;
  address: string;
  body: string;
  hidden: boolean;
  deleted: boolean;
  reports: number;
  lastReportedAt: number;
  reasons: { reason: ReportReason; count: number }[];
  notes: string[];
}

const QUEUE_SIZE = 200;

/** Reported comments, the most recently reported first, with their reasons and counts. */
export async function reportQueue(db: Database): Promise<QueueItem[]> {
  const last = max(commentReports.createdAt);
  const rows = await db
    .select({
      commentId: comments.id,
      postSlug: comments.postSlug,
      address: comments.address,
      body: comments.body,
      hiddenAt: comments.hiddenAt,
      deletedAt: comments.deletedAt,
      reports: count(commentReports.id),
      lastReportedAt: last,
    })
    .from(commentReports)
    .innerJoin(comments, eq(comments.id, commentReports.commentId))
    .groupBy(comments.id)
    .orderBy(desc(last), desc(comments.id))
    .limit(QUEUE_SIZE);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.commentId);
  const [reasons, notes] = await Promise.all([
    db
      .select({ commentId: commentReports.commentId, reason: commentReports.reason, count: count() })
      .from(commentReports)
      .where(inArray(commentReports.commentId, ids))
      .groupBy(commentReports.commentId, commentReports.reason)
      .orderBy(desc(count()), commentReports.reason),
    db
      .select({ commentId: commentReports.commentId, note: commentReports.note })
      .from(commentReports)
      .where(inArray(commentReports.commentId, ids))
      .orderBy(desc(commentReports.createdAt)),
  ]);
  return rows.map((r) => ({
    commentId: r.commentId,
    postSlug: r.postSlug,
    address: r.address,
    body: r.body,
    hidden: r.hiddenAt !== null,
    deleted: r.deletedAt !== null,
    reports: r.reports,
    lastReportedAt: r.lastReportedAt ?? 0,
    reasons: reasons.filter((x) => x.commentId === r.commentId).map(({ reason, count: n }) => ({ reason, count: n })),
    notes: notes.filter((x) => x.commentId === r.commentId && x.note).map((x) => x.note ?? ''),
  }));
}

export type AuditEntry = typeof moderationActions.$inferSelect;

/** The audit log, newest first. */
export async function auditLog(db: Database, limit = 200): Promise<AuditEntry[]> {
  return db
    .select()
    .from(moderationActions)
    .orderBy(desc(moderationActions.createdAt), desc(moderationActions.id))
    .limit(limit);
}

export type BlockEntry = typeof commentBlocks.$inferSelect;

/** Every block on record (expired ones too, marked by their end date), newest first. */
export async function blockList(db: Database): Promise<BlockEntry[]> {
  return db.select().from(commentBlocks).orderBy(desc(commentBlocks.createdAt));
}

export type ModerationOutcome = { ok: true } | { ok: false; status: 404; message: string };

const NO_COMMENT: ModerationOutcome = { ok: false, status: 404, message: 'There is no such comment.' };

async function audit(
  tx: Queries,
  entry: {
    moderator: string;
    action: ModerationActionKind;
    commentId?: number | undefined;
    targetAddress?: string | undefined;
    detail?: string | undefined;
    now: number;
  },
): Promise<void> {
  await tx.insert(moderationActions).values({
    moderator: entry.moderator,
    action: entry.action,
    commentId: entry.commentId ?? null,
    targetAddress: entry.targetAddress ?? null,
    detail: entry.detail ?? null,
    createdAt: entry.now,
  });
}

/** Hides a comment from readers, or shows it again; the reports stay until dismissed. */
export async function moderateComment(
  db: Database,
  moderator: string,
  commentId: number,
  action: 'hide' | 'unhide' | 'dismiss',
  now: number,
): Promise<ModerationOutcome> {
  return writeTransaction(db, async (tx) => {
    const [comment] = await tx
      .select({ id: comments.id, address: comments.address })
      .from(comments)
      .where(eq(comments.id, commentId));
    if (!comment) return NO_COMMENT;
    let detail: string | undefined;
    if (action === 'dismiss') {
      const cleared = await tx
        .delete(commentReports)
        .where(eq(commentReports.commentId, commentId))
        .returning({ id: commentReports.id });
      detail = `${cleared.length} report${cleared.length === 1 ? '' : 's'} cleared`;
    } else {
      await tx
        .update(comments)
        .set(action === 'hide' ? { hiddenAt: now, hiddenBy: moderator } : { hiddenAt: null, hiddenBy: null })
        .where(eq(comments.id, commentId));
    }
    await audit(tx, { moderator, action, commentId, targetAddress: comment.address, detail, now });
    return { ok: true };
  });
}

/** Blocks an address from commenting (replacing any earlier block on it), until `endsAt` or for good. */
export async function blockAddress(
  db: Database,
  moderator: string,
  input: { address: string; reason: string; endsAt: number | null; now: number },
): Promise<ModerationOutcome> {
  const address = input.address.toLowerCase();
  return writeTransaction(db, async (tx) => {
    const row = { reason: input.reason, blockedBy: moderator, createdAt: input.now, endsAt: input.endsAt };
    await tx
      .insert(commentBlocks)
      .values({ address, ...row })
      .onConflictDoUpdate({ target: commentBlocks.address, set: row });
    const until = input.endsAt === null ? 'no end date' : `until ${new Date(input.endsAt).toISOString().slice(0, 10)}`;
    await audit(tx, {
      moderator,
      action: 'block',
      targetAddress: address,
      detail: `${input.reason} (${until})`,
      now: input.now,
    });
    return { ok: true };
  });
}

/** Lifts a block; 404 when the address was not blocked. */
export async function unblockAddress(
  db: Database,
  moderator: string,
  input: { address: string; now: number },
): Promise<ModerationOutcome> {
  const address = input.address.toLowerCase();
  return writeTransaction(db, async (tx) => {
    const removed = await tx
      .delete(commentBlocks)
      .where(and(eq(commentBlocks.address, address)))
      .returning({ address: commentBlocks.address });
    if (removed.length === 0) return { ok: false, status: 404, message: 'That address is not blocked.' };
    await audit(tx, { moderator, action: 'unblock', targetAddress: address, now: input.now });
    return { ok: true };
  });
}
