import { z } from 'zod';

/** POST /api/auth/verify */
export const verifyInputSchema = z.object({
  message: z.string().min(1),
  signature: z.string().min(1),
});
