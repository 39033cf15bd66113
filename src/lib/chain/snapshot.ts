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
  metrics: { all: DistributionMetrics; excludingLabelled: DistributionMetrics };
  topHolders: { rank: number; address: string; balance: bigint }[];
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const labels = new Map(Object.entries(input.token.labels).map(([address, label]) => [address.toLowerCase(), label]));
  const all: number[] = [];
  const kept: number[] = [];
  let supply = 0n;
  for (const holder of input.holders) {
    supply += holder.balance;
    const value = Number(holder.balance);
    all.push(value);
    if (!EXCLUDED_KINDS.has(labels.get(holder.address)?.kind ?? '')) kept.push(value);
  }
  const top = [...input.holders]
    .sort((a, b) => (a.balance < b.balance ? 1 : a.balance > b.balance ? -1 : a.address.localeCompare(b.address)))
    .slice(0, TOP_HOLDERS_KEPT)
    .map((h, i) => ({ rank: i + 1, address: h.address, balance: h.balance }));
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
