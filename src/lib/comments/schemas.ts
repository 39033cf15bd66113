import { z } from 'zod';

export const MAX_COMMENT_CHARS = 2000;

/** A comment body: plain text, 1 to 2,000 characters once trimmed. */
export const commentBodySchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'Write something before posting.')
      .max(MAX_COMMENT_CHARS, `Comments are at most ${MAX_COMMENT_CHARS} characters.`)
      // The storage engine ends strings at NUL, and no reader types a bell:
      // refuse control characters instead of storing a silently cut comment.
      .refine(
        (s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s),
        'Comments cannot contain control characters.',
      ),
  );

/** POST /api/posts/<slug>/comments */
export const newCommentSchema = z.object({
  body: commentBodySchema,
  parentId: z.number().int().positive().optional(),
});

/** PATCH /api/posts/<slug>/comments/<id> */
export const editCommentSchema = z.object({ body: commentBodySchema });

/** POST /api/posts/<slug>/comments/<id>/hide */
export const hideCommentSchema = z.object({ hidden: z.boolean() });

export const MAX_COMMENT_REQUEST_BYTES = 16 * 1024;
