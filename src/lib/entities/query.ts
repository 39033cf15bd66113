import { z } from 'zod';

/** GET /api/tokens/<symbol>/entities: a page of the multi-wallet owners, largest first. */
export const entitiesQuerySchema = z
  .object({
    limit: z.coerce
      .number({ message: 'limit must be a whole number from 1 to 500' })
      .int('limit must be a whole number from 1 to 500')
      .min(1, 'limit must be a whole number from 1 to 500')
      .max(500, 'limit must be a whole number from 1 to 500')
      .default(100),
    offset: z.coerce
      .number({ message: 'offset must be a whole number, 0 or more' })
      .int('offset must be a whole number, 0 or more')
      .min(0, 'offset must be a whole number, 0 or more')
      .max(10_000_000, 'offset must be a whole number, 0 or more')
      .default(0),
  })
  .strict();
