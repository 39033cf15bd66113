import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { tokenCursors, tokenSnapshotBalances, tokenSnapshotHolders, tokenSnapshots } from '../../../db/schema.ts';
import { fieldOf, jsonRows, writeTransaction, type Database } from '../platform/db/db.server.ts';
import { columnsExcept } from '../platform/db/columns.ts';
import type { Holder } from './holders-csv.ts';
import type { Snapshot } from './snapshot.ts';

/** Snapshot storage: one transaction per snapshot, replacing an earlier one at the same block. */

/** Balances per INSERT when a snapshot's holders are stored: one JSON parameter of a few MB. */
const BALANCES_PER_STATEMENT = 50_000;

/** A holder's balance as it goes into the database: base units as a decimal string (SQLite integers cannot hold them). */
export interface BalanceRow {
  address: string;
  balance: string;
}
const balanceRow = fieldOf<BalanceRow>();

/** Stores a snapshot with its metrics, its largest holders and every holder's balance. */
export async function saveSnapshot(
  db: Database,
  snapshot: Snapshot,
  now: number,
  holders: readonly Holder[],
): Promise<number> {
  return writeTransaction(db, async (tx) => {
    const [, inserted] = await tx.batch([
      tx
        .delete(tokenSnapshots)
        .where(and(eq(tokenSnapshots.token, snapshot.token), eq(tokenSnapshots.block, snapshot.block))),
      tx
        .insert(tokenSnapshots)
        .values({
          token: snapshot.token,
          block: snapshot.block,
          takenAt: snapshot.takenAt,
          source: snapshot.source,
          simulated: snapshot.simulated,
          supply: snapshot.supply.toString(),
          totalSupply: snapshot.totalSupply?.toString() ?? null,
          supplyDifference: snapshot.supplyDifference?.toString() ?? null,
          metrics: snapshot.metrics,
          createdAt: now,
        })
        .returning({ id: tokenSnapshots.id }),
    ]);
    const id = inserted[0]?.id;
    if (id === undefined)
      throw new Error(`no id returned for the ${snapshot.token} snapshot at block ${snapshot.block}`);
    // At most TOP_HOLDERS_KEPT rows of four values: far below SQLite's bound-parameter limit.
    if (snapshot.topHolders.length > 0) {
      await tx.insert(tokenSnapshotHolders).values(
        snapshot.topHolders.map((h) => ({
          snapshotId: id,
          rank: h.rank,
          address: h.address,
          balance: h.balance.toString(),
        })),
      );
    }
    for (let first = 0; first < holders.length; first += BALANCES_PER_STATEMENT) {
      const rows = holders
        .slice(first, first + BALANCES_PER_STATEMENT)
        .map((h): BalanceRow => ({ address: h.address, balance: h.balance.toString() }));
      await tx.insert(tokenSnapshotBalances).select((qb) =>
        qb
          .select({
            snapshotId: sql<number>`${id}`.as(tokenSnapshotBalances.snapshotId.name),
            address: balanceRow('address', tokenSnapshotBalances.address),
            balance: balanceRow('balance', tokenSnapshotBalances.balance),
          })
          .from(jsonRows(rows)),
      );
    }
    return id;
  });
}

/** Every holder's balance in a snapshot (base units), or only those of `addresses` (lower-case). */
export async function snapshotBalances(
  db: Database,
  snapshotId: number,
  addresses?: readonly string[],
): Promise<Holder[]> {
  const rows = await db
    .select({ address: tokenSnapshotBalances.address, balance: tokenSnapshotBalances.balance })
    .from(tokenSnapshotBalances)
    .where(
      and(
        eq(tokenSnapshotBalances.snapshotId, snapshotId),
        addresses === undefined
          ? undefined
          : sql`${tokenSnapshotBalances.address} in (select value from ${jsonRows(addresses)})`,
      ),
    );
  return rows.map((r) => ({ address: r.address, balance: BigInt(r.balance) }));
}

export type StoredSnapshot = Omit<typeof tokenSnapshots.$inferSelect, 'createdAt'>;

/** A token's snapshots, oldest first. */
export async function listSnapshots(db: Database, token: string): Promise<StoredSnapshot[]> {
  return db
    .select(columnsExcept(tokenSnapshots, 'createdAt'))
    .from(tokenSnapshots)
    .where(eq(tokenSnapshots.token, token))
    .orderBy(tokenSnapshots.block);
}

export async function topHolders(
  db: Database,
  snapshotId: number,
): Promise<Omit<typeof tokenSnapshotHolders.$inferSelect, 'snapshotId'>[]> {
  return db
    .select(columnsExcept(tokenSnapshotHolders, 'snapshotId'))
    .from(tokenSnapshotHolders)
    .where(eq(tokenSnapshotHolders.snapshotId, snapshotId))
    .orderBy(tokenSnapshotHolders.rank);
}

/** A snapshot's place in the chain: what the figures computed after it need to know of it. */
export interface LiveSnapshot {
  id: number;
  block: number;
  takenAt: number;
  source: { kind: string };
}

const LIVE = {
  id: tokenSnapshots.id,
  block: tokenSnapshots.block,
  takenAt: tokenSnapshots.takenAt,
  source: tokenSnapshots.source,
};
const live = (token: string) => and(eq(tokenSnapshots.token, token), eq(tokenSnapshots.reorganised, false));

/** A token's snapshots that a reorganisation did not replace, oldest first. */
export async function liveSnapshots(db: Database, token: string): Promise<LiveSnapshot[]> {
  return db.select(LIVE).from(tokenSnapshots).where(live(token)).orderBy(asc(tokenSnapshots.block));
}

/** The latest of them, or undefined. */
export async function latestLiveSnapshot(db: Database, token: string): Promise<LiveSnapshot | undefined> {
  return db
    .select(LIVE)
    .from(tokenSnapshots)
    .where(live(token))
    .orderBy(desc(tokenSnapshots.block), desc(tokenSnapshots.id))
    .get();
}

/**
 * The blocks whose transfers are kept for a token: from `transfersFrom` up to `nextBlock` − 1; null when none are
 * (a token known from CSV snapshots, or one scanned before transfers were kept).
 */
export async function keptTransfers(
  db: Database,
  token: string,
): Promise<{ transfersFrom: number; nextBlock: number } | null> {
  const cursor = await db
    .select({ transfersFrom: tokenCursors.transfersFrom, nextBlock: tokenCursors.nextBlock })
    .from(tokenCursors)
    .where(eq(tokenCursors.token, token))
    .get();
  return cursor?.transfersFrom == null ? null : { transfersFrom: cursor.transfersFrom, nextBlock: cursor.nextBlock };
}
