import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { commentBlocks } from '../../../db/schema.ts';
import type { Queries } from '../platform/db/db.server.ts';

export type BlockRow = typeof commentBlocks.$inferSelect;

/** The block in force on this address now, or null; one whose end date has passed no longer counts. */
export async function activeBlock(db: Queries, address: string, now: number): Promise<BlockRow | null> {
  const [row] = await db
    .select()
    .from(commentBlocks)
    .where(
      and(
        eq(commentBlocks.address, address.toLowerCase()),
        or(isNull(commentBlocks.endsAt), gt(commentBlocks.endsAt, now)),
      ),
    );
  return row ?? null;
}

/** What a blocked commenter is told: the reason, and until when. */
export function blockedMessage(block: BlockRow): string {
  const until = block.endsAt === null ? '' : ` until ${new Date(block.endsAt).toISOString().slice(0, 10)}`;
  return `You are blocked from commenting${until}: ${block.reason}`;
}
