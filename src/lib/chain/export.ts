import { csvField } from '../platform/http/csv.ts';
import type { StoredSnapshot } from './repo.server.ts';
import { COHORTS, type DistributionMetrics } from './metrics.ts';
import { metricsOf } from './snapshot.ts';
import { SCOPE_DESCRIPTIONS, SCOPE_EXCLUDES, SCOPE_NAMES, SCOPES, type Scope } from './scopes.ts';
import type { LabelKind } from './schemas.ts';

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
  /** null when the snapshot was stored before balances were kept, so circulating figures cannot be computed. */
  circulating: Figures | null;
  /** When the circulating figures were computed from stored balances after the snapshot; null if with it. */
  circulatingBackfilledAt: string | null;
}

interface ScopeView {
  name: string;
  excludesLabelKinds: readonly LabelKind[];
  description: string;
}

/** What each scope leaves out, as the API states it beside the figures. */
export const SCOPES_VIEW = Object.fromEntries(
  SCOPES.map((scope) => [
    scope,
    { name: SCOPE_NAMES[scope], excludesLabelKinds: SCOPE_EXCLUDES[scope], description: SCOPE_DESCRIPTIONS[scope] },
  ]),
) as Record<Scope, ScopeView>;

/** Snapshots as the public API shows them: numbers as numbers, balances as exact decimal strings, Lorenz left out. */
export function snapshotView(s: StoredSnapshot): SnapshotView {
  // The Lorenz curve is chart data (101 points), not a figure to download.
  const strip = (m: DistributionMetrics): Figures => {
    const copy: Partial<DistributionMetrics> = { ...m };
    delete copy.lorenz;
    delete copy.supply;
    return copy as Figures;
  };
  const circulating = metricsOf(s.metrics, 'circulating');
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
    circulating: circulating ? strip(circulating) : null,
    circulatingBackfilledAt:
      s.metrics.circulatingBackfilledAt === undefined
        ? null
        : new Date(s.metrics.circulatingBackfilledAt).toISOString(),
  };
}

const COLUMNS = ['holderCount', 'top1Share', 'top10Share', 'top100Share', 'gini', 'hhi', 'nakamoto'] as const;

/** One CSV row per snapshot and scope (all, excludingLabelled, circulating); a scope a snapshot lacks has empty figures. */
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
  const rows = snapshots.flatMap((s) =>
    SCOPES.map((scope) => {
      const m = metricsOf(s.metrics, scope);
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
        ...COLUMNS.map((c) => (m ? String(m[c]) : '')),
        ...COHORTS.flatMap((c) => (m ? [String(m.cohorts[c].holders), String(m.cohorts[c].share)] : ['', ''])),
      ]
        .map(csvField)
        .join(',');
    }),
  );
  return `${header.join(',')}\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
}
