import { formatUnits } from 'viem';
import { COHORTS, type Cohort } from './metrics.ts';
import type { StoredSnapshot } from './repo.server.ts';
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

/** On-chain measures a chart can follow, with how to show them. */
export const CHAIN_METRICS = {
  top1Share: { label: 'Largest holder’s share', percent: true },
  top10Share: { label: 'Top-10 holders’ share', percent: true },
  top100Share: { label: 'Top-100 holders’ share', percent: true },
  gini: { label: 'Gini coefficient', percent: false },
  hhi: { label: 'HHI', percent: false },
  nakamoto: { label: 'Nakamoto coefficient', percent: false },
  holderCount: { label: 'Holders', percent: false },
} as const;
export type ChainMetric = keyof typeof CHAIN_METRICS;
export const CHAIN_METRIC_NAMES = Object.keys(CHAIN_METRICS) as ChainMetric[];

export function isChainMetric(name: string): name is ChainMetric {
  return name in CHAIN_METRICS;
}

const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

export interface MetricSeries {
  metric: ChainMetric;
  label: string;
  percent: boolean;
  simulated: boolean;
  source: string | null;
  points: { day: string; block: number; value: number }[];
}

/** One measure at each snapshot (the scope without exchanges and other custodians). */
export function metricSeries(snapshots: readonly StoredSnapshot[], metric: ChainMetric): MetricSeries {
  const latest = snapshots.at(-1);
  return {
    metric,
    ...CHAIN_METRICS[metric],
    simulated: snapshots.some((s) => s.simulated),
    source: latest ? describeSource(latest) : null,
    points: snapshots.map((s) => ({
      day: dayOf(s.takenAt),
      block: s.block,
      value: s.metrics.excludingLabelled[metric],
    })),
  };
}

export interface SentimentVsChainData {
  /** Every day that has a poll point or a snapshot, in order: the shared time axis. */
  days: string[];
  options: { label: string; shares: (number | null)[] }[];
  metric: { label: string; percent: boolean; values: (number | null)[] } | null;
  simulated: boolean;
  source: string | null;
}

/**
 * Poll option shares and an on-chain measure on one time axis. Days without a
 * reading stay empty (null) rather than being invented.
 */
export function sentimentVsChain(
  poll: { options: { label: string }[]; points: { at: number; percent: number[] }[] },
  series: MetricSeries | null,
): SentimentVsChainData {
  const pollByDay = new Map(poll.points.map((p) => [dayOf(p.at - 1), p.percent]));
  const chainByDay = new Map((series?.points ?? []).map((p) => [p.day, p.value]));
  const days = [...new Set([...pollByDay.keys(), ...chainByDay.keys()])].sort();
  return {
    days,
    options: poll.options.map((o, i) => ({
      label: o.label,
      shares: days.map((d) => (pollByDay.has(d) ? (pollByDay.get(d)?.[i] ?? 0) / 100 : null)),
    })),
    metric:
      series && series.points.length > 0
        ? { label: series.label, percent: series.percent, values: days.map((d) => chainByDay.get(d) ?? null) }
        : null,
    simulated: series?.simulated ?? false,
    source: series?.source ?? null,
  };
}
