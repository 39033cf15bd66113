import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { pollResolutions, polls, tokenSnapshots } from '../../../db/schema.ts';
import { symbolKey } from '../content/schemas.ts';
import type { Database } from '../platform/db/db.server.ts';
import { resolutionState, type ResolutionSnapshot } from './status.ts';

/** A poll the chain settled, as stored. */
export type StoredResolution = typeof pollResolutions.$inferSelect;

/**
 * Settles every closed resolving poll whose settling snapshot now exists and
 * stores the outcome. Only polls without a stored outcome are looked at, and
 * the insert keeps the first outcome if two instances race, so a snapshot
 * stored later never changes one. Run at start-up and after snapshots land.
 */
export async function resolvePolls(db: Database, now: number, token?: string): Promise<StoredResolution[]> {
  const waiting = await db
    .select({
      id: polls.id,
      token: polls.token,
      resolution: polls.resolution,
      closesAt: polls.closesAt,
      weightingBlock: polls.weightingBlock,
    })
    .from(polls)
    .leftJoin(pollResolutions, eq(pollResolutions.pollId, polls.id))
    .where(
      and(
        isNotNull(polls.resolution),
        isNull(pollResolutions.pollId),
        lte(polls.closesAt, now),
        token === undefined ? undefined : eq(polls.token, token),
      ),
    );
  const stored: StoredResolution[] = [];
  const snapshotsOf = new Map<string, ResolutionSnapshot[]>();
  for (const poll of waiting) {
    if (!poll.resolution || !poll.token || poll.closesAt === null) continue;
    let snapshots = snapshotsOf.get(poll.token);
    if (!snapshots) {
      snapshots = await resolutionSnapshots(db, poll.token);
      snapshotsOf.set(poll.token, snapshots);
    }
    const state = resolutionState(
      poll.resolution,
      { closesAt: poll.closesAt, weightingBlock: poll.weightingBlock },
      snapshots,
      now,
    );
    if (state.status !== 'resolved') continue;
    const [row] = await db
      .insert(pollResolutions)
      .values({
        pollId: poll.id,
        fromBlock: state.from.snapshot.block,
        fromTakenAt: state.from.snapshot.takenAt,
        fromValue: state.from.value,
        fromSource: state.from.snapshot.source,
        toBlock: state.to.snapshot.block,
        toTakenAt: state.to.snapshot.takenAt,
        toValue: state.to.value,
        toSource: state.to.snapshot.source,
        simulated: state.from.snapshot.simulated || state.to.snapshot.simulated,
        change: state.change,
        outcome: state.outcome,
        definition: poll.resolution,
        resolvedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (row) stored.push(row);
  }
  return stored;
}

/** What resolution reads of every stored snapshot of a token but those of blocks a reorganisation replaced. */
export async function resolutionSnapshots(db: Database, token: string): Promise<ResolutionSnapshot[]> {
  return db
    .select({
      id: tokenSnapshots.id,
      block: tokenSnapshots.block,
      takenAt: tokenSnapshots.takenAt,
      metrics: tokenSnapshots.metrics,
      source: tokenSnapshots.source,
      simulated: tokenSnapshots.simulated,
    })
    .from(tokenSnapshots)
    .where(and(eq(tokenSnapshots.token, token), eq(tokenSnapshots.reorganised, false)));
}

/** The polls the chain has settled, optionally of one token (its symbol in any case). */
export async function listResolvedPollIds(db: Database, token: string | null): Promise<string[]> {
  const rows = await db
    .select({ id: pollResolutions.pollId })
    .from(pollResolutions)
    .innerJoin(polls, eq(polls.id, pollResolutions.pollId))
    .where(token === null ? undefined : sql`lower(${polls.token}) = ${symbolKey(token)}`);
  return rows.map((r) => r.id);
}

/** A poll's stored outcome, or null while it has none. */
export async function getStoredResolution(db: Database, pollId: string): Promise<StoredResolution | null> {
  const [row] = await db.select().from(pollResolutions).where(eq(pollResolutions.pollId, pollId));
  return row ?? null;
}

/** For CLI scripts: one line per poll a new snapshot settled. */
export function reportResolved(done: readonly StoredResolution[]): void {
  for (const r of done) {
    console.log(`poll ${r.pollId}: resolved "${r.outcome}" (change ${r.change}, blocks ${r.fromBlock} → ${r.toBlock})`);
  }
}
