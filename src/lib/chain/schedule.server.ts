import { and, desc, eq, isNotNull, isNull, lt, lte, max, min, or, sql, type SQL } from 'drizzle-orm';
import {
  pollResolutions,
  snapshotSchedule,
  tokenCursors,
  tokenFlowFigures,
  tokenFlowSpans,
  tokenSnapshots,
  tokenEntityGroupings,
} from '../../../db/schema.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import { confirmationsFor } from './confirmations.ts';
import type { TokenDefinition } from './schemas.ts';
import { backoffMs, whyUnscheduled, type ScheduleState } from './schedule.ts';

/**
 * The snapshot schedule in the database: one row per token holding the lease
 * (so that with several instances on one libSQL server exactly one scans) and
 * how the last attempts went. Every change is one statement, atomic on its own.
 */

export type ScheduleRow = typeof snapshotSchedule.$inferSelect;

/**
 * Takes the token's lease for `holder` when the token is due and nobody holds
 * a live lease; null otherwise. A token never scheduled before is due unless a
 * snapshot was stored less than `every` ago (by hand, or by another instance).
 */
export async function takeLease(
  db: Database,
  token: string,
  holder: string,
  now: number,
  leaseMs: number,
  every: number,
): Promise<ScheduleRow | null> {
  const [latest] = await db
    .select({ createdAt: tokenSnapshots.createdAt })
    .from(tokenSnapshots)
    .where(eq(tokenSnapshots.token, token))
    .orderBy(desc(tokenSnapshots.createdAt))
    .limit(1);
  const firstDue = latest ? latest.createdAt + every : now;
  const [row] = await db
    .insert(snapshotSchedule)
    .values({ token, holder, leaseExpiresAt: now + leaseMs, lastStartedAt: now, nextAttemptAt: firstDue })
    .onConflictDoUpdate({
      target: snapshotSchedule.token,
      set: { holder, leaseExpiresAt: now + leaseMs, lastStartedAt: now },
      // and() of two conditions is never undefined; drizzle's type allows for none.
      setWhere: and(
        or(isNull(snapshotSchedule.leaseExpiresAt), lt(snapshotSchedule.leaseExpiresAt, now)),
        or(isNull(snapshotSchedule.nextAttemptAt), lte(snapshotSchedule.nextAttemptAt, now)),
      ) as SQL,
    })
    .returning();
  if (!row || row.holder !== holder) return null;
  // A fresh row for a token snapshotted recently is not due yet: give the lease back at once.
  if (row.nextAttemptAt !== null && row.nextAttemptAt > now) {
    await releaseLease(db, token, holder);
    return null;
  }
  return row;
}

/** Extends a held lease; false when it is no longer this holder's (it lapsed and another took it). */
export async function renewLease(
  db: Database,
  token: string,
  holder: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const renewed = await db
    .update(snapshotSchedule)
    .set({ leaseExpiresAt: now + leaseMs })
    .where(and(eq(snapshotSchedule.token, token), eq(snapshotSchedule.holder, holder)))
    .returning({ token: snapshotSchedule.token });
  return renewed.length > 0;
}

export async function releaseLease(db: Database, token: string, holder: string): Promise<void> {
  await db
    .update(snapshotSchedule)
    .set({ holder: null, leaseExpiresAt: null })
    .where(and(eq(snapshotSchedule.token, token), eq(snapshotSchedule.holder, holder)));
}

/** A scan finished: the next one is due `every` from now, and the lease is free. */
export async function recordSuccess(
  db: Database,
  token: string,
  holder: string,
  now: number,
  block: number | null,
  every: number,
): Promise<void> {
  await db
    .update(snapshotSchedule)
    .set({
      holder: null,
      leaseExpiresAt: null,
      lastSuccessAt: now,
      lastBlock: block,
      lastError: null,
      failures: 0,
      nextAttemptAt: now + every,
    })
    .where(and(eq(snapshotSchedule.token, token), eq(snapshotSchedule.holder, holder)));
}

/** A scan failed: the line is kept and the next attempt waits out the backoff. */
export async function recordFailure(
  db: Database,
  row: ScheduleRow,
  holder: string,
  now: number,
  error: string,
  every: number,
): Promise<void> {
  const failures = row.failures + 1;
  await db
    .update(snapshotSchedule)
    .set({
      holder: null,
      leaseExpiresAt: null,
      lastError: error,
      lastErrorAt: now,
      failures: sql`${snapshotSchedule.failures} + 1`,
      nextAttemptAt: now + backoffMs(failures, every),
    })
    .where(and(eq(snapshotSchedule.token, row.token), eq(snapshotSchedule.holder, holder)));
}

/** Where each token's schedule stands, for the token page and /api/health. */
export async function scheduleStates(db: Database): Promise<Map<string, ScheduleState>> {
  const rows = await db.select().from(snapshotSchedule);
  return new Map(rows.map((r) => [r.token, r]));
}

/**
 * Tokens whose last run found the chain reorganised below what it had scanned, with the block it found:
 * no scan of them is scheduled until `npm run snapshot -- <SYM> --rewind-to <block>` clears it.
 */
export async function reorganisedTokens(db: Database): Promise<Map<string, number>> {
  const rows = await db
    .select({ token: tokenCursors.token, below: min(tokenCursors.reorgBelow) })
    .from(tokenCursors)
    .where(isNotNull(tokenCursors.reorgBelow))
    .groupBy(tokenCursors.token);
  return new Map(rows.flatMap((r) => (r.below === null ? [] : [[r.token, r.below]])));
}

/**
 * Each token's latest snapshot, the one at its highest block: that block and
 * when it was taken (block time, or the export's date). Both come from that
 * one row: with a lone max() in a grouped select, SQLite takes the other
 * columns from the row holding the maximum. (Taking max(taken_at) apart
 * could pair a block with another snapshot's date, say a CSV export dated
 * after a later scan.)
 */
export async function latestSnapshots(db: Database): Promise<Map<string, { block: number; takenAt: number }>> {
  const rows = await db
    .select({ token: tokenSnapshots.token, block: max(tokenSnapshots.block), takenAt: tokenSnapshots.takenAt })
    .from(tokenSnapshots)
    .groupBy(tokenSnapshots.token);
  return new Map(
    rows.flatMap((r) =>
      r.block === null || r.takenAt === null ? [] : [[r.token, { block: r.block, takenAt: r.takenAt }]],
    ),
  );
}

/** One token's snapshot freshness, as GET /api/health reports it and the token page says it. */
export interface TokenFreshness {
  token: string;
  /** Taken on a schedule by this deployment: an address, an RPC for its chain, and SNAPSHOT_EVERY not off. */
  scheduled: boolean;
  /** Why not, when it is not: for whoever runs the server, never for a reader. */
  unscheduledBecause: string | null;
  latest: { block: number; takenAt: number } | null;
  state: ScheduleState | null;
  /** Blocks ingestion stays behind the chain's head (CONFIRMATIONS_<chainId>). */
  confirmations: number;
  /** The chain reorganised below this block, under what was scanned: scans stop until a rewind. */
  reorganisedBelow: number | null;
}

export async function tokenFreshness(
  db: Database,
  tokens: readonly Pick<TokenDefinition, 'symbol' | 'address' | 'chainId'>[],
  config: Pick<ServerConfig, 'rpcUrls' | 'snapshotEvery' | 'confirmations'>,
): Promise<TokenFreshness[]> {
  const [latest, states, reorganised] = await Promise.all([
    latestSnapshots(db),
    scheduleStates(db),
    reorganisedTokens(db),
  ]);
  return tokens.map((t) => {
    const why = whyUnscheduled(t, config);
    return {
      token: t.symbol,
      scheduled: why === null,
      unscheduledBecause: why,
      latest: latest.get(t.symbol) ?? null,
      state: states.get(t.symbol) ?? null,
      confirmations: confirmationsFor(config.confirmations, t.chainId),
      reorganisedBelow: reorganised.get(t.symbol) ?? null,
    };
  });
}

/**
 * What the chain data every token page shows stands at, as one string: each token's newest snapshot row
 * (a re-import at the same block is a new row), its schedule's state, its flow figures and the polls the
 * chain settled. Token pages' and token polls' versions (src/app/application.server.ts) move with it.
 */
export async function chainDataVersion(db: Database): Promise<string> {
  const [snapshots, states, reorganised, spans, figures, settled, owners] = await Promise.all([
    db
      .select({ token: tokenSnapshots.token, id: max(tokenSnapshots.id) })
      .from(tokenSnapshots)
      .groupBy(tokenSnapshots.token),
    scheduleStates(db),
    reorganisedTokens(db),
    // Flow spans are stored just after their snapshot: a page rendered between the two must not be kept.
    db
      .select({ token: tokenFlowSpans.token, at: max(tokenFlowSpans.computedAt) })
      .from(tokenFlowSpans)
      .groupBy(tokenFlowSpans.token),
    db
      .select({ token: tokenFlowFigures.token, at: max(tokenFlowFigures.computedAt) })
      .from(tokenFlowFigures)
      .groupBy(tokenFlowFigures.token),
    // Polls the chain settles are stored after the figures their snapshot brought.
    db.select({ at: max(pollResolutions.resolvedAt) }).from(pollResolutions),
    // Owners are grouped after the flow figures.
    db
      .select({ token: tokenEntityGroupings.token, at: max(tokenEntityGroupings.computedAt) })
      .from(tokenEntityGroupings)
      .groupBy(tokenEntityGroupings.token),
  ]);
  return JSON.stringify([snapshots, [...states.values()], [...reorganised], spans, figures, settled, owners]);
}
