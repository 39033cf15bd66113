/** What moderation records, as names shared by the schema, the API and the pages. Pure. */

/** Why a reader reports a comment. */
export const REPORT_REASONS = ['spam', 'scam', 'harassment', 'off-topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** What a moderator did, as the audit log names it. */
export const MODERATION_ACTIONS = ['hide', 'unhide', 'dismiss', 'block', 'unblock'] as const;
export type ModerationActionKind = (typeof MODERATION_ACTIONS)[number];

/** Reports a reader may file per minute (counted in the shared rate-limit store). */
export const REPORTS_PER_MINUTE = 10;

export const MAX_REPORT_NOTE_CHARS = 500;
export const MAX_BLOCK_REASON_CHARS = 500;
