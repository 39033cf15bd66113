import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { pollResolutions, polls, tokenSnapshots, tokenEntityGroupings } from '../../../db/schema.ts';
import { symbolKey } from '../content/schemas.ts';
import type { Database } from '../platform/db/db.server.ts';
import {
  resolutionEnds,
  resolutionState,
  type Between,
  type ResolutionSnapshot,
  type ResolvingPollState,
} from './status.ts';
import { loadTokenDefinition } from '../chain/tokens.server.ts';
import type { FigureToken } from '../flows/figures.server.ts';
import { isFlowMetric, type MissingMeasure } from '../flows/measures.ts';
import { measureFlows } from '../flows/measures.server.ts';
import { RESOLUTION_SCOPES, type ResolutionDefinition } from './definition.ts';

/** The token file of a symbol, for flow metrics that need it (figure 3 at an older snapshot). */
export type TokenFiles = (symbol: string) => FigureToken | null;

/** A poll the chain settled, as stored. */
export type StoredResolution = typeof pollResolutions.$inferSelect;

/**
 * Settles every closed resolving poll whose settling snapshot now exists and
 * stores the outcome. Only polls without a stored outcome are looked at, and
 * the insert keeps the first outcome if two instances race, so a snapshot
 * stored later never changes one. Run at start-up and after snapshots land.
 */
export async function resolvePolls(
  db: Database,
  now: number,
  token?: string,
  tokens: TokenFiles = loadTokenDefinition,
): Promise<StoredResolution[]> {
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
    const standing = { closesAt: poll.closesAt, weightingBlock: poll.weightingBlock };
    const between = await flowBetween(db, poll.token, poll.resolution, standing, snapshots, now, tokens);
    const state = resolutionState(poll.resolution, standing, snapshots, now, between);
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

/**
 * For a poll on a flow metric: its values from the starting snapshot to the settling one and to the latest,
 * measured from stored flow figures; undefined for a snapshot metric (resolutionState then needs none).
 */
export async function flowBetween(
  db: Database,
  symbol: string,
  definition: ResolutionDefinition,
  poll: ResolvingPollState,
  snapshots: readonly ResolutionSnapshot[],
  now: number,
  tokens: TokenFiles,
  memo?: Map<string, number | MissingMeasure>,
): Promise<Between | undefined> {
  const { metric } = definition;
  if (!isFlowMetric(metric)) return undefined;
  const { start, settling, latest } = resolutionEnds(definition, poll, snapshots, now);
  if (!start) return undefined;
  const key = (to: ResolutionSnapshot): string => `${symbol}|${metric}|${definition.scope}|${start.id}|${to.id}`;
  // The settling snapshot is often the latest too: measured once.
  const ends = [...new Set([settling, latest])].filter(
    (s): s is ResolutionSnapshot => s !== null && !memo?.has(key(s)),
  );
  const values = await measureFlows(
    db,
    symbol,
    ends.length > 0 ? tokens(symbol) : null,
    metric,
    RESOLUTION_SCOPES[definition.scope],
    start,
    ends,
  );
  // What two stored snapshots' figures give does not change; only a span not stored yet may still come.
  for (const [id, value] of values) {
    const to = ends.find((s) => s.id === id);
    if (to && value !== 'needs-transfers') memo?.set(key(to), value);
  }
  return (_from, to) => memo?.get(key(to)) ?? values.get(to.id) ?? 'needs-transfers';
}

/** What resolution reads of every stored snapshot of a token but those of blocks a reorganisation replaced. */
export async function resolutionSnapshots(db: Database, token: string): Promise<ResolutionSnapshot[]> {
  return db
    .select({
      id: tokenSnapshots.id,
      block: tokenSnapshots.block,
      takenAt: tokenSnapshots.takenAt,
      metrics: tokenSnapshots.metrics,
      grouping: tokenEntityGroupings.summary,
      source: tokenSnapshots.source,
      simulated: tokenSnapshots.simulated,
    })
    .from(tokenSnapshots)
    .leftJoin(tokenEntityGroupings, eq(tokenEntityGroupings.snapshotId, tokenSnapshots.id))
    .where(and(eq(tokenSnapshots.token, token), eq(tokenSnapshots.reorganised, false)))
    .then((rows) => rows.map(({ grouping, ...s }) => ({ ...s, ownerMetrics: grouping?.metrics ?? null })));
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
