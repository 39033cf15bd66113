import { z } from 'zod';

/** BCP 47 language tags the site has typography for. */
export const POST_LANGS = ['en', 'zh', 'zh-Hans', 'zh-Hant'] as const;

/**
 * A token symbol as its contract names it: letters and digits, starting with a
 * letter, with dot-separated suffixes for bridged tokens (`USDC.e`).
 */
export const TOKEN_SYMBOL_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*$/;
export const TOKEN_SYMBOL = z
  .string()
  .max(16, 'a token symbol is at most 16 characters')
  .regex(
    TOKEN_SYMBOL_PATTERN,
    'a token symbol is letters and digits starting with a letter, with optional dot suffixes such as USDC.e',
  );

/**
 * The one spelling a symbol is looked up by: file names (`usdc.e.yaml`), URLs
 * (`/tokens/usdc.e/`) and collection ids. Symbols differing only in case are one token.
 */
export const symbolKey = (symbol: string): string => symbol.toLowerCase();

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
