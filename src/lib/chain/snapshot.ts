import type { SnapshotMetrics, SnapshotSource } from '../../../db/json-columns.ts';
import type { Holder } from './holders-csv.ts';
import { distributionMetrics, type DistributionMetrics } from './metrics.ts';
import type { TokenDefinition } from './schemas.ts';
import { balanceValues, labelKinds, labelledHolders, scopeValues, SCOPES, type Scope } from './scopes.ts';

/**
 * One snapshot of a token's holders, with its metrics computed for each
 * scope (scopes.ts): over everyone, without custodians, and circulating.
 */

export const TOP_HOLDERS_KEPT = 100;

/** Where the balances came from and the metrics per scope, as stored (db/json-columns.ts). */
export type { SnapshotMetrics, SnapshotSource } from '../../../db/json-columns.ts';

/** A scope's metrics, or null when a stored snapshot lacks them. */
export function metricsOf(metrics: SnapshotMetrics, scope: Scope): DistributionMetrics | null {
  // Rows written before the circulating scope may lack the key until the backfill has run.
  return metrics[scope] ?? null;
}

export interface SnapshotInput {
  token: Pick<TokenDefinition, 'symbol' | 'labels' | 'cohorts'>;
  block: number;
  /** Epoch milliseconds of the block (or the export's date). */
  takenAt: number;
  holders: readonly Holder[];
  source: SnapshotSource;
  /** totalSupply() at the block when read from the chain; null for imports. */
  totalSupply: bigint | null;
  simulated: boolean;
}

export interface Snapshot {
  token: string;
  block: number;
  takenAt: number;
  source: SnapshotSource;
  simulated: boolean;
  /** Sum of holder balances, base units. */
  supply: bigint;
  totalSupply: bigint | null;
  /** totalSupply − supply when they disagree (fee-on-transfer, rebasing); null when equal or unknown. */
  supplyDifference: bigint | null;
  metrics: SnapshotMetrics;
  topHolders: { rank: number; address: string; balance: bigint }[];
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  let supply = 0n;
  for (const holder of input.holders) supply += holder.balance;
  const all = balanceValues(input.holders);
  const top = topHolders(input.holders, all, TOP_HOLDERS_KEPT);
  const labelled = labelledHolders(input.holders, labelKinds(input.token.labels));
  // One scratch array for the other scopes: a million holders convert from bigint once, not once a scope.
  const scratch = new Float64Array(all.length);
  const metrics = Object.fromEntries(
    SCOPES.map((scope) => [
      scope,
      distributionMetrics(scope === 'all' ? all : scopeValues(all, labelled, scope, scratch), input.token.cohorts),
    ]),
  ) as Record<Scope, DistributionMetrics>;
  const difference = input.totalSupply === null ? null : input.totalSupply - supply;
  return {
    token: input.token.symbol,
    block: input.block,
    takenAt: input.takenAt,
    source: input.source,
    simulated: input.simulated,
    supply,
    totalSupply: input.totalSupply,
    supplyDifference: difference === null || difference === 0n ? null : difference,
    metrics,
    topHolders: top,
  };
}

/**
 * The k largest holders, exactly ordered. Comparing a million bigints is
 * slow, so the float values (same order up to rounding) find the cut-off and
 * only the holders at or above it are sorted exactly.
 */
function topHolders(holders: readonly Holder[], values: Float64Array, k: number): Snapshot['topHolders'] {
  if (holders.length === 0) return [];
  const sorted = Float64Array.from(values).sort();
  const cutoff = sorted[Math.max(0, sorted.length - k)] ?? 0;
  // Float rounding can merge neighbours near the cut-off; a small margin keeps every candidate.
  const candidates = holders.filter((_, i) => (values[i] ?? 0) >= cutoff * (1 - 1e-12));
  return candidates
    .sort((a, b) => (a.balance < b.balance ? 1 : a.balance > b.balance ? -1 : a.address.localeCompare(b.address)))
    .slice(0, k)
    .map((h, i) => ({ rank: i + 1, address: h.address, balance: h.balance }));
}
