import { z } from 'zod';

/** BCP 47 language tags the site has typography for. */
export const POST_LANGS = ['en', 'zh', 'zh-Hans', 'zh-Hant'] as const;

/** A cashtag symbol as written after `$`. */
export const TOKEN_SYMBOL = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{0,9}$/, 'a token symbol is 1-10 upper-case letters or digits, starting with a letter');

/** Front matter of a post in src/content/posts. */
export const postSchema = z
  .object({
    title: z.string().min(1).max(140),
    summary: z.string().min(1).max(320),
    publishedAt: z.coerce.date(),
    updatedAt: z.coerce.date().optional(),
    author: z.string().min(1),
    tags: z.array(z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u, 'tags are words without spaces or #')).default([]),
    tokens: z.array(TOKEN_SYMBOL).default([]),
    lang: z.enum(POST_LANGS).default('en'),
    draft: z.boolean().default(false),
    /** Part of the simulated demo: left out of the site when DEMO=off. */
    demo: z.boolean().default(false),
  })
  .refine((post) => !post.updatedAt || post.updatedAt >= post.publishedAt, {
    message: 'updatedAt must not be before publishedAt',
    path: ['updatedAt'],
  });

export type PostData = z.infer<typeof postSchema>;
