import type { Database } from '../server/db.server.ts';
import type { DistributionMetrics } from './metrics.ts';
import type { Snapshot, SnapshotSource } from './snapshot.ts';

/** Snapshot storage: one transaction per snapshot, replacing an earlier one at the same block. */

export async function saveSnapshot(db: Database, snapshot: Snapshot, now: number): Promise<number> {
  const tx = await db.$client.transaction('write');
  try {
    await tx.execute({
      sql: 'DELETE FROM token_snapshots WHERE token = ? AND block = ?',
      args: [snapshot.token, snapshot.block],
    });
    const inserted = await tx.execute({
      sql: `INSERT INTO token_snapshots (token, block, taken_at, source, simulated, supply, total_supply, supply_difference, metrics, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      args: [
        snapshot.token,
        snapshot.block,
        snapshot.takenAt,
        JSON.stringify(snapshot.source),
        snapshot.simulated ? 1 : 0,
        snapshot.supply.toString(),
        snapshot.totalSupply?.toString() ?? null,
        snapshot.supplyDifference?.toString() ?? null,
        JSON.stringify(snapshot.metrics),
        now,
      ],
    });
    const id = Number(inserted.rows[0]?.id);
    if (snapshot.topHolders.length > 0) {
      await tx.execute({
        sql: `INSERT INTO token_snapshot_holders (snapshot_id, rank, address, balance)
              SELECT ?, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`,
        args: [id, JSON.stringify(snapshot.topHolders.map((h) => [h.rank, h.address, h.balance.toString()]))],
      });
    }
    await tx.commit();
    return id;
  } finally {
    tx.close();
  }
}

export interface StoredSnapshot {
  id: number;
  token: string;
  block: number;
  takenAt: number;
  source: SnapshotSource;
  simulated: boolean;
  supply: string;
  totalSupply: string | null;
  supplyDifference: string | null;
  metrics: { all: DistributionMetrics; excludingLabelled: DistributionMetrics };
}

/** A token's snapshots, oldest first. */
export async function listSnapshots(db: Database, token: string): Promise<StoredSnapshot[]> {
  const result = await db.$client.execute({
    sql: `SELECT id, token, block, taken_at, source, simulated, supply, total_supply, supply_difference, metrics
          FROM token_snapshots WHERE token = ? ORDER BY block`,
    args: [token],
  });
  return result.rows.map((r) => ({
    id: Number(r.id),
    token: String(r.token),
    block: Number(r.block),
    takenAt: Number(r.taken_at),
    source: JSON.parse(String(r.source)) as SnapshotSource,
    simulated: Number(r.simulated) === 1,
    supply: String(r.supply),
    totalSupply: r.total_supply === null ? null : String(r.total_supply),
    supplyDifference: r.supply_difference === null ? null : String(r.supply_difference),
    metrics: JSON.parse(String(r.metrics)) as StoredSnapshot['metrics'],
  }));
}

export async function topHolders(
  db: Database,
  snapshotId: number,
): Promise<{ rank: number; address: string; balance: string }[]> {
  const result = await db.$client.execute({
    sql: 'SELECT rank, address, balance FROM token_snapshot_holders WHERE snapshot_id = ? ORDER BY rank',
    args: [snapshotId],
  });
  return result.rows.map((r) => ({ rank: Number(r.rank), address: String(r.address), balance: String(r.balance) }));
}
