/** What moderation records, as names shared by the schema, the API and the pages. Pure. */

/** Why a reader reports a comment, and what a moderator did: stored names, so the lists are the database's. */
export {
  MODERATION_ACTIONS,
  REPORT_REASONS,
  type ModerationActionKind,
  type ReportReason,
} from '../../../db/vocabulary.ts';

/** Reports a reader may file per minute (counted in the shared rate-limit store). */
export const REPORTS_PER_MINUTE = 10;

export const MAX_REPORT_NOTE_CHARS = 500;
export const MAX_BLOCK_REASON_CHARS = 500;
