import { and, desc, eq, gt, max, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { tokenSnapshotBalances, tokenSnapshots } from '../../../db/schema.ts';
import type { WeightingToken } from '../cohorts/ids.ts';
import { jsonRows, perDatabase, type Database } from '../platform/db/db.server.ts';
import { holderBadge, type BadgeSnapshot, type HolderBadge } from './badge.ts';

/**
 * Holder badges for a page of comments.
 *
 * Reading them: one batch (one round trip, one read transaction) of two
 * queries, the token's latest snapshot with the commenters' balances in it,
 * and the snapshot each commenter has held since. Both use indexes only:
 * token_snapshots' (token, block) and token_snapshot_balances' primary key
 * (snapshot_id, address). The first probes once per commenter. The second
 * walks each commenter back from the latest snapshot to the newest one
 * without its address, one probe a snapshot: one probe for a commenter who
 * holds none, one per snapshot of its current holding for one who holds. A
 * row in token_snapshot_balances is a holding: snapshots are saved with
 * positive balances only (holders-csv and ingestion drop the rest).
 *
 * That walk is what costs: 100 commenters who have held through 365
 * snapshots of 2,000 holders take about 140 ms here (an index on (address,
 * snapshot_id) did not make it faster, and would add some 60 bytes for
 * every holder of every snapshot). But what a snapshot says of an address
 * never changes, so what was read is kept per token until the token's
 * snapshots change: a page whose commenters were all read before costs one
 * query, the token's newest snapshot id.
 */

/** What the latest snapshot says of one address. */
interface Holding {
  balance: bigint;
  since: { block: number; takenAt: number } | null;
}

/**
 * Holdings read so far for one token, valid while the token's highest
 * snapshot id is `version`: every snapshot written, a new block or a
 * re-import of an old one, takes a new, higher id (AUTOINCREMENT).
 */
interface Memo {
  version: number;
  snapshot: BadgeSnapshot;
  holdings: Map<string, Holding>;
}

/** Addresses kept per token before the memo starts again: a bound on memory, far above a busy site's commenters. */
const MEMO_ADDRESSES = 20_000;

const memos = perDatabase((): Map<string, Memo> => new Map());

/** Badges by lower-case address; empty while the token has no snapshot. */
export async function holderBadges(
  db: Database,
  token: WeightingToken,
  addresses: readonly string[],
): Promise<Map<string, HolderBadge>> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const [current] = await db
    .select({ version: max(tokenSnapshots.id) })
    .from(tokenSnapshots)
    .where(eq(tokenSnapshots.token, token.symbol));
  if (!current || current.version === null) return new Map();
  let version = current.version;
  let memo = memos(db).get(token.symbol);
  // Twice at most: a snapshot that lands between the two reads changes the version once.
  for (let tries = 0; tries < 2; tries++) {
    const fresh = memo?.version === version && memo.holdings.size < MEMO_ADDRESSES ? memo : undefined;
    const missing = fresh ? wanted.filter((a) => !fresh.holdings.has(a)) : wanted;
    if (fresh && missing.length === 0) break;
    const read = await readHoldings(db, token.symbol, missing);
    if (read === null) return new Map();
    memo = read.version === fresh?.version ? fresh : { ...read, holdings: new Map() };
    for (const [address, holding] of read.holdings) memo.holdings.set(address, holding);
    memos(db).set(token.symbol, memo);
    version = read.version;
  }
  const badges = new Map<string, HolderBadge>();
  for (const address of wanted) {
    const holding = memo?.holdings.get(address);
    const badge = memo && holding && holderBadge(token, memo.snapshot, address, holding.balance, holding.since);
    if (badge) badges.set(address, badge);
  }
  return badges;
}

/** The latest snapshot and what it says of `addresses` (lower-case), with the version it was read at. */
async function readHoldings(
  db: Database,
  symbol: string,
  addresses: readonly string[],
): Promise<{ version: number; snapshot: BadgeSnapshot; holdings: Map<string, Holding> } | null> {
  const ofToken = eq(tokenSnapshots.token, symbol);
  const latest = db
    .select({ id: tokenSnapshots.id })
    .from(tokenSnapshots)
    .where(ofToken)
    .orderBy(desc(tokenSnapshots.block))
    .limit(1);
  const version = db
    .select({ version: max(tokenSnapshots.id) })
    .from(tokenSnapshots)
    .where(ofToken);

  // Per commenter, once: the newest snapshot of the token without its address (-1 if none),
  // searched newest first so that it stops there.
  const gap = alias(tokenSnapshots, 'gap');
  const gapBalance = alias(tokenSnapshotBalances, 'gap_balance');
  const commenter = sql`commenter.value`;
  const lastGap = db
    .select({ block: gap.block })
    .from(gap)
    .where(
      and(
        eq(gap.token, symbol),
        notExists(
          db
            .select({ one: sql`1` })
            .from(gapBalance)
            .where(and(eq(gapBalance.snapshotId, gap.id), eq(gapBalance.address, commenter))),
        ),
      ),
    )
    .orderBy(desc(gap.block))
    .limit(1);
  const runs = db.$with('runs').as(
    db
      .select({
        holder: sql<string>`${commenter}`.as('holder'),
        after: sql<number>`coalesce((${lastGap}), -1)`.as('held_after'),
      })
      .from(sql`${jsonRows(addresses)} as commenter`),
  );
  // The snapshot right after that gap: every one from there to the latest holds the address.
  const first = alias(tokenSnapshots, 'run_start');
  const runStart = db
    .select({ id: first.id })
    .from(first)
    .where(and(eq(first.token, symbol), gt(first.block, runs.after)))
    .orderBy(first.block)
    .limit(1);

  const [atLatest, since] = await db.batch([
    // The latest snapshot, once per commenter who holds in it, or once with no balance.
    db
      .select({
        version: sql<number>`(${version})`,
        block: tokenSnapshots.block,
        takenAt: tokenSnapshots.takenAt,
        simulated: tokenSnapshots.simulated,
        supply: tokenSnapshots.supply,
        address: tokenSnapshotBalances.address,
        balance: tokenSnapshotBalances.balance,
      })
      .from(tokenSnapshots)
      .leftJoin(
        tokenSnapshotBalances,
        and(
          eq(tokenSnapshotBalances.snapshotId, tokenSnapshots.id),
          sql`${tokenSnapshotBalances.address} in (select value from ${jsonRows(addresses)})`,
        ),
      )
      .where(eq(tokenSnapshots.id, sql`(${latest})`)),
    // Holding since: the first snapshot of the run of snapshots, up to the latest, holding the address.
    db
      .with(runs)
      .select({ address: runs.holder, block: tokenSnapshots.block, takenAt: tokenSnapshots.takenAt })
      .from(runs)
      .innerJoin(tokenSnapshots, eq(tokenSnapshots.id, sql`(${runStart})`)),
  ]);

  const [snapshot] = atLatest;
  if (!snapshot) return null;
  const balanceOf = new Map<string, bigint>();
  for (const row of atLatest) {
    if (row.address !== null && row.balance !== null) balanceOf.set(row.address, BigInt(row.balance));
  }
  const sinceOf = new Map(since.map((s) => [s.address, { block: s.block, takenAt: s.takenAt }]));
  return {
    version: snapshot.version,
    snapshot: {
      block: snapshot.block,
      takenAt: snapshot.takenAt,
      simulated: snapshot.simulated,
      supply: BigInt(snapshot.supply),
    },
    holdings: new Map(
      addresses.map((a) => [a, { balance: balanceOf.get(a) ?? 0n, since: sinceOf.get(a) ?? null }] as const),
    ),
  };
}
