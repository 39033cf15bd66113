import type { StoredSnapshot } from './repo.server.ts';
import { COHORTS, type DistributionMetrics } from './metrics.ts';

/** Ratios and counts only: the supply, a balance, is given exactly (as a decimal string) at the top level. */
type Figures = Omit<DistributionMetrics, 'lorenz' | 'supply'>;

export interface SnapshotView {
  block: number;
  timestamp: string;
  simulated: boolean;
  source: StoredSnapshot['source'];
  supply: string;
  totalSupply: string | null;
  supplyDifference: string | null;
  all: Figures;
  excludingLabelled: Figures;
}

/** Snapshots as the public API shows them: numbers as numbers, balances as exact decimal strings, Lorenz left out. */
export function snapshotView(s: StoredSnapshot): SnapshotView {
  // The Lorenz curve is chart data (101 points), not a figure to download.
  const strip = (m: DistributionMetrics): Figures => {
    const copy: Partial<DistributionMetrics> = { ...m };
    delete copy.lorenz;
    delete copy.supply;
    return copy as Figures;
  };
  return {
    block: s.block,
    timestamp: new Date(s.takenAt).toISOString(),
    simulated: s.simulated,
    source: s.source,
    supply: s.supply,
    totalSupply: s.totalSupply,
    supplyDifference: s.supplyDifference,
    all: strip(s.metrics.all),
    excludingLabelled: strip(s.metrics.excludingLabelled),
  };
}

const COLUMNS = ['holderCount', 'top1Share', 'top10Share', 'top100Share', 'gini', 'hhi', 'nakamoto'] as const;

/** One CSV row per snapshot and scope (all holders / excluding labelled). */
export function snapshotsCsv(snapshots: readonly StoredSnapshot[]): string {
  const header = [
    'block',
    'timestamp',
    'scope',
    'simulated',
    'source',
    'supply',
    ...COLUMNS,
    ...COHORTS.flatMap((c) => [`${c}Holders`, `${c}Share`]),
  ];
  const quote = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = snapshots.flatMap((s) =>
    (['all', 'excludingLabelled'] as const).map((scope) => {
      const m = s.metrics[scope];
      const source =
        s.source.kind === 'csv'
          ? `csv:${s.source.file}:${s.source.sha256}`
          : `rpc:${s.source.chainId}:${s.source.block}`;
      return [
        String(s.block),
        new Date(s.takenAt).toISOString(),
        scope,
        String(s.simulated),
        source,
        s.supply,
        ...COLUMNS.map((c) => String(m[c])),
        ...COHORTS.flatMap((c) => [String(m.cohorts[c].holders), String(m.cohorts[c].share)]),
      ]
        .map(quote)
        .join(',');
    }),
  );
  return `${header.join(',')}\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
}
