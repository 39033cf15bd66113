import { z } from 'zod';
import { MAX_BLOCK_REASON_CHARS, MAX_REPORT_NOTE_CHARS, REPORT_REASONS } from './reasons.ts';

const NO_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A short free text: trimmed, no control characters, at most `max` characters; empty becomes absent. */
const note = (max: number) =>
  z
    .string()
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .max(max, `At most ${max} characters.`)
        .refine((s) => !NO_CONTROL.test(s), 'Control characters are not allowed.'),
    );

/** POST /api/posts/<slug>/comments/<id>/report */
export const reportSchema = z.object({
  reason: z.enum(REPORT_REASONS),
  note: note(MAX_REPORT_NOTE_CHARS).optional(),
});

const commentId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The report form on the comments page (Astro Action): the same fields, plus which comment. */
export const reportFormSchema = reportSchema.extend({
  slug: z.string().min(1).max(200),
  commentId,
  note: note(MAX_REPORT_NOTE_CHARS).nullish(),
});

/** The moderation page's forms on one comment: hide, unhide, dismiss. */
export const commentActionFormSchema = z.object({ commentId });

/** A date from <input type="date"> (YYYY-MM-DD, the end of that day in UTC), or empty for "until unblocked". */
// Astro hands an empty form field over as null.
const endDate = z
  .string()
  .nullish()
  .transform((s, ctx) => {
    if (!s || s.trim() === '') return null;
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
    const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999) : NaN;
    if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s.trim()) {
      ctx.addIssue({ code: 'custom', message: 'Give the end date as YYYY-MM-DD.' });
      return z.NEVER;
    }
    return ms;
  });

const address = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'Give a 0x address of 40 hex digits.');

/** Block an address from commenting, with a reason and an optional end date. */
export const blockFormSchema = z.object({
  address,
  reason: note(MAX_BLOCK_REASON_CHARS).pipe(z.string().min(1, 'Say why the address is blocked.')),
  endsOn: endDate,
});

export const unblockFormSchema = z.object({ address });
