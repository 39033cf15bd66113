import { formatUnits } from 'viem';
import { COHORTS, type Cohort } from './metrics.ts';
import type { StoredSnapshot } from './repo.ts';
import type { TokenDefinition } from './schemas.ts';

/** What the token page and its charts show, computed from stored snapshots. Pure. */

export interface WhaleRow {
  rank: number;
  address: string;
  label: string | null;
  kind: string | null;
  /** Whole tokens, as a decimal string. */
  balance: string;
  share: number;
  /** Change in whole tokens since the previous snapshot; null when that snapshot did not list the address. */
  change: string | null;
}

export function describeSource(s: StoredSnapshot): string {
  return s.source.kind === 'rpc'
    ? `chain ${s.source.chainId}, block ${s.source.block.toLocaleString('en-US')}, contract ${s.source.contract}`
    : `holder export ${s.source.file} (sha256 ${s.source.sha256.slice(0, 12)}…), block ${s.block.toLocaleString('en-US')}`;
}

export function whaleTable(
  token: Pick<TokenDefinition, 'decimals' | 'labels'>,
  latest: { supply: string; holders: { rank: number; address: string; balance: string }[] },
  previous: { address: string; balance: string }[] | null,
  limit = 20,
): WhaleRow[] {
  const labels = new Map(Object.entries(token.labels).map(([a, l]) => [a.toLowerCase(), l]));
  const before = new Map((previous ?? []).map((h) => [h.address, BigInt(h.balance)]));
  const supply = BigInt(latest.supply);
  return latest.holders.slice(0, limit).map((h) => {
    const balance = BigInt(h.balance);
    const prior = before.get(h.address);
    const label = labels.get(h.address) ?? null;
    return {
      rank: h.rank,
      address: h.address,
      label: label?.name ?? null,
      kind: label?.kind ?? null,
      balance: formatUnits(balance, token.decimals),
      share: supply === 0n ? 0 : Number((balance * 1_000_000n) / supply) / 1_000_000,
      change: previous === null || prior === undefined ? null : formatUnits(balance - prior, token.decimals),
    };
  });
}

export interface ChartData {
  points: {
    block: number;
    at: number;
    top10: number;
    gini: number;
    holders: number;
    cohorts: Record<Cohort, number>;
  }[];
  lorenz: number[];
  unlocks: { at: number; circulating: number; amount: number; recipient: string }[];
}

/**
 * The series the token charts draw. Circulating supply over unlocks starts
 * from the latest snapshot's supply minus everything still to unlock.
 */
export function chartData(
  snapshots: readonly StoredSnapshot[],
  token: Pick<TokenDefinition, 'unlocks'>,
  scope: 'all' | 'excludingLabelled',
): ChartData {
  const points = snapshots.map((s) => {
    const m = s.metrics[scope];
    return {
      block: s.block,
      at: s.takenAt,
      top10: m.top10Share,
      gini: m.gini,
      holders: m.holderCount,
      cohorts: Object.fromEntries(COHORTS.map((c) => [c, m.cohorts[c].share])) as Record<Cohort, number>,
    };
  });
  const unlocks = [...token.unlocks].sort((a, b) => a.date.getTime() - b.date.getTime());
  let circulating = 0;
  return {
    points,
    lorenz: snapshots.at(-1)?.metrics[scope].lorenz ?? [],
    unlocks: unlocks.map((u) => {
      circulating += Number(u.amount);
      return { at: u.date.getTime(), circulating, amount: Number(u.amount), recipient: u.recipient };
    }),
  };
}
