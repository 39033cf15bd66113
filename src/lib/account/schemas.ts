import { z } from 'zod';

/** The Account page's forms (Astro Actions, which work without JavaScript). */
export const withdrawFormSchema = z.object({ pollId: z.string().min(1).max(100) });

/** A session id as createSessionToken makes them: lower-case base32 of 20 bytes, 32 characters. */
export const endSessionFormSchema = z.object({ sessionId: z.string().regex(/^[a-z2-7]{32}$/) });
