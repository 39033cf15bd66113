import type { FlowMetric, UnlockFigures } from '../../../db/json-columns.ts';
import type { Scope } from '../chain/scopes.ts';
import type { Database } from '../platform/db/db.server.ts';
import { readFlowFigure, unlockFigureAt, type FigureToken, type LatestSnapshot } from './figures.server.ts';
import { readSpansBetween } from './flows.server.ts';
import { flowMeasure, type MissingMeasure } from './measures.ts';
import type { StoredSpan } from './query.ts';

/**
 * A flow metric from one snapshot to each of some later ones, from what was stored when they were: figure 1's
 * spans between them (both scopes it needs, in one read) and figure 3 as it stood at each later snapshot (the
 * stored one when that is the latest, else computed from the kept transfers; the token file is needed for
 * that). Run when a resolution is read or settled, never per page view (ResolutionReads keeps the answer).
 */
export async function measureFlows(
  db: Database,
  symbol: string,
  token: FigureToken | null,
  metric: FlowMetric,
  scope: Scope,
  from: LatestSnapshot,
  tos: readonly LatestSnapshot[],
): Promise<Map<number, number | MissingMeasure>> {
  const later = tos.filter((to) => to.block > from.block);
  const values = new Map<number, number | MissingMeasure>();
  if (later.length === 0) return values;
  const upTo = Math.max(...later.map((to) => to.block));
  const rows = await readSpansBetween(db, symbol, [...new Set<Scope>([scope, 'all'])], from.block, upTo);
  const spansOf = (wanted: Scope): StoredSpan[] => rows.filter((r) => r.scope === wanted);
  const stored = metric === 'unlockedToExchanges' ? await readFlowFigure(db, symbol, 'unlocks') : null;
  for (const to of later) {
    let unlocks: UnlockFigures | null = null;
    if (metric === 'unlockedToExchanges') {
      unlocks = stored?.toBlock === to.block ? stored.data : token ? await unlockFigureAt(db, token, to) : null;
    }
    values.set(to.id, flowMeasure(metric, { scoped: spansOf(scope), all: spansOf('all'), unlocks }, from, to));
  }
  return values;
}
