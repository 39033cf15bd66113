import type { Holder } from './holders-csv.ts';
import { distributionMetrics, type DistributionMetrics } from './metrics.ts';
import type { TokenDefinition } from './schemas.ts';

/**
 * One snapshot of a token's holders, with its metrics computed twice: over
 * everyone, and without the addresses labelled as exchanges, pools, bridges,
 * burn sinks or contracts (which hold on behalf of many people, or nobody).
 */

export const EXCLUDED_KINDS: ReadonlySet<string> = new Set(['exchange', 'lp', 'bridge', 'burn', 'contract']);
export const TOP_HOLDERS_KEPT = 100;

export type SnapshotSource =
  { kind: 'rpc'; chainId: number; block: number; contract: string } | { kind: 'csv'; file: string; sha256: string };

/** A snapshot's metrics: over every holder, and without the labelled ones. */
export interface SnapshotMetrics {
  all: DistributionMetrics;
  excludingLabelled: DistributionMetrics;
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
  const labels = new Map(Object.entries(input.token.labels).map(([address, label]) => [address.toLowerCase(), label]));
  const all = new Float64Array(input.holders.length);
  const kept = new Float64Array(input.holders.length);
  let supply = 0n;
  input.holders.forEach((holder, i) => {
    supply += holder.balance;
    const value = Number(holder.balance);
    all[i] = value;
    // Zero marks an excluded holder; the metrics skip zero balances.
    if (!EXCLUDED_KINDS.has(labels.get(holder.address)?.kind ?? '')) kept[i] = value;
  });
  const top = topHolders(input.holders, all, TOP_HOLDERS_KEPT);
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
    metrics: {
      all: distributionMetrics(all, input.token.cohorts),
      excludingLabelled: distributionMetrics(kept, input.token.cohorts),
    },
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
