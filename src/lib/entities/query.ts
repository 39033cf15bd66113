import { z } from 'zod';

/**
 * GET /api/tokens/<symbol>/entities: a page of the multi-wallet owners, largest first. At most 100 a page: each
 * carries every edge that joined it (up to the size cap) with up to 20 transfers each, so a page stays bounded.
 */
export const entitiesQuerySchema = z
  .object({
    limit: z.coerce
      .number({ message: 'limit must be a whole number from 1 to 100' })
      .int('limit must be a whole number from 1 to 100')
      .min(1, 'limit must be a whole number from 1 to 100')
      .max(100, 'limit must be a whole number from 1 to 100')
      .default(50),
    offset: z.coerce
      .number({ message: 'offset must be a whole number, 0 or more' })
      .int('offset must be a whole number, 0 or more')
      .min(0, 'offset must be a whole number, 0 or more')
      .max(10_000_000, 'offset must be a whole number, 0 or more')
      .default(0),
  })
  .strict();
