import { castVotes } from '../../src/lib/polls/store/cast.server.ts';
import type { CastVoteInput } from '../../src/lib/polls/store/cast-types.ts';
import type { Database } from '../../src/lib/platform/db/db.server.ts';

/** Ballots per group commit while seeding: large, since nobody waits on them. */
const CHUNK = 20_000;

/**
 * Writes `count` ballots into a poll through the same group commit that
 * voting uses, spread over its options and the last 30 days, so counts and
 * hourly buckets are what years of voting would leave behind, in seconds
 * rather than years.
 */
export async function seedVotes(
  db: Database,
  pollId: string,
  optionIds: string[],
  count: number,
  now: number,
): Promise<void> {
  const start = now - 30 * 86_400_000;
  const step = Math.max(1, Math.floor((30 * 86_400_000) / count));
  for (let first = 0; first < count; first += CHUNK) {
    const ballots: CastVoteInput[] = [];
    for (let i = first; i < Math.min(count, first + CHUNK); i++) {
      const optionId = optionIds[i % optionIds.length] ?? '';
      ballots.push({ pollId, voterId: `seed-${i}`, optionIds: [optionId], now: start + i * step, allowChange: false });
    }
    await castVotes(db, ballots);
  }
}
