import { and, eq, isNull } from 'drizzle-orm';
import { commentReports, comments } from '../../../db/schema.ts';
import type { Limiter } from '../rate-limit/limiter.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import { REPORTS_PER_MINUTE, type ReportReason } from './reasons.ts';

/** A report as the API answers it. */
export interface ReportView {
  id: number;
  commentId: number;
  reason: ReportReason;
  note: string | null;
  createdAt: string;
}

export type ReportOutcome =
  | { ok: true; report: ReportView }
  | {
      ok: false;
      status: 404 | 409 | 429;
      code: string;
      message: string;
      retryAfterSeconds?: number;
      /** Which rate limit refused it: the reader's own (`minute`) or the network's (`network_minute`). */
      limit?: 'minute' | 'network_minute';
    };

/** Reports a minute per reader, and per client network (everyone behind one NAT shares that one). */
export interface ReportLimits {
  reader: Limiter;
  network: Limiter;
  networkPerMinute: number;
}

export function reportLimitsOf(services: {
  reportLimiter: Limiter;
  reportNetworkLimiter: Limiter;
  config: Pick<ServerConfig, 'networkLimits'>;
}): ReportLimits {
  return {
    reader: services.reportLimiter,
    network: services.reportNetworkLimiter,
    networkPerMinute: services.config.networkLimits.reportsPerMinute,
  };
}

/**
 * A reader reports a comment. The rate limits count every attempt; one report
 * per reader and comment is the unique index, so the insert either adds the
 * report or conflicts (never check-then-insert).
 */
export async function reportComment(
  db: Database,
  limits: ReportLimits,
  input: {
    postSlug: string;
    commentId: number;
    address: string;
    /** The client's address, for the limit per network (see clientBucket). */
    client: string;
    reason: ReportReason;
    note: string | null;
    now: number;
  },
): Promise<ReportOutcome> {
  const [comment] = await db
    .select({ id: comments.id })
    .from(comments)
    .where(and(eq(comments.id, input.commentId), eq(comments.postSlug, input.postSlug), isNull(comments.deletedAt)));
  if (!comment)
    return { ok: false, status: 404, code: 'not_found', message: 'There is no such comment under this post.' };
  const decision = await limits.reader.hit(input.address.toLowerCase(), input.now);
  if (!decision.allowed) {
    return {
      ok: false,
      status: 429,
      code: 'rate_limited',
      limit: 'minute',
      message: `At most ${REPORTS_PER_MINUTE} reports a minute.`,
      retryAfterSeconds: decision.retryAfterSeconds,
    };
  }
  const network = await limits.network.hit(input.client, input.now);
  if (!network.allowed) {
    return {
      ok: false,
      status: 429,
      code: 'rate_limited',
      limit: 'network_minute',
      message: `At most ${limits.networkPerMinute} reports a minute may come from one network, and yours has reached that; wait a minute.`,
      retryAfterSeconds: network.retryAfterSeconds,
    };
  }
  const [row] = await db
    .insert(commentReports)
    .values({
      commentId: input.commentId,
      address: input.address,
      reason: input.reason,
      note: input.note,
      createdAt: input.now,
    })
    .onConflictDoNothing({ target: [commentReports.commentId, commentReports.address] })
    .returning();
  if (!row)
    return { ok: false, status: 409, code: 'already_reported', message: 'You have already reported this comment.' };
  return {
    ok: true,
    report: {
      id: row.id,
      commentId: row.commentId,
      reason: row.reason,
      note: row.note,
      createdAt: new Date(row.createdAt).toISOString(),
    },
  };
}
