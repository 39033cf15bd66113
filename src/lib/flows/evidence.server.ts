import { and, desc, eq } from 'drizzle-orm';
import { tokenSnapshots } from '../../../db/schema.ts';
import type { Scope } from '../chain/scopes.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Database } from '../platform/db/db.server.ts';
import { evidenceLine, type EvidenceData, type EvidenceLine } from './evidence.ts';
import { evidenceScope, type Evidence } from './evidence-schema.ts';
import { readFlowFigure, readPageFigures } from './figures.server.ts';
import { readFlowSpans } from './flows.server.ts';
import { flowsView, type FlowsView } from './query.ts';

const DAY_MS = 86_400_000;
const EMPTY = (token: { symbol: string; decimals: number }): EvidenceData => ({
  ...token,
  flows: new Map(),
  rewards: {},
  unlocks: null,
  exchanges: null,
});

/**
 * What the chain shows for each option that names a figure, as of the token's latest snapshot: the stored
 * flow spans of each option's window and the stored figures 2–4, all computed at that snapshot.
 */
export async function loadEvidence(
  db: Database,
  token: { symbol: string; decimals: number },
  options: readonly { id: string; evidence?: Evidence | undefined }[],
  i: Translator,
): Promise<EvidenceLine[]> {
  const asked = options.flatMap((o) => (o.evidence === undefined ? [] : [{ id: o.id, evidence: o.evidence }]));
  if (asked.length === 0) return [];
  const latest = await db
    .select({ takenAt: tokenSnapshots.takenAt })
    .from(tokenSnapshots)
    .where(and(eq(tokenSnapshots.token, token.symbol), eq(tokenSnapshots.reorganised, false)))
    .orderBy(desc(tokenSnapshots.block))
    .get();
  // A token without a snapshot has nothing on the chain side yet: one plain sentence, not four reasons.
  if (!latest) {
    return asked.map(({ id, evidence }) =>
      evidence.figure === 'none'
        ? evidenceLine(id, evidence, EMPTY(token), i)
        : { optionId: id, kind: evidence.figure, text: i.t('evidence.noData', { symbol: token.symbol }), source: null },
    );
  }
  const flows = new Map<string, { view: FlowsView; days: number; scope: Scope }>();
  for (const { id, evidence } of asked) {
    if (evidence.figure !== 'flows') continue;
    const scope = evidenceScope(evidence);
    const spans = await readFlowSpans(
      db,
      token.symbol,
      scope,
      latest.takenAt - evidence.days * DAY_MS + 1,
      latest.takenAt,
    );
    flows.set(id, { view: flowsView(spans), days: evidence.days, scope });
  }
  const page = await readPageFigures(db, token.symbol);
  const wantsMonth = asked.some((a) => a.evidence.figure === 'rewards' && a.evidence.period === 'month');
  const data: EvidenceData = {
    ...token,
    flows,
    rewards: {
      week: page.rewards,
      month: wantsMonth ? await readFlowFigure(db, token.symbol, 'rewards', 'month') : null,
    },
    unlocks: page.unlocks,
    exchanges: page.exchanges,
  };
  return asked.map(({ id, evidence }) => evidenceLine(id, evidence, data, i));
}
