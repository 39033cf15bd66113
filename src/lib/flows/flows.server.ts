import { and, asc, eq, gt, gte, inArray, lte } from 'drizzle-orm';
import type { FlowSpanFigures } from '../../../db/json-columns.ts';
import { tokenFlowSpans, tokenTransfers } from '../../../db/schema.ts';
import { keptTransfers, liveSnapshots, snapshotBalances, type LiveSnapshot } from '../chain/repo.server.ts';
import { labelKinds, SCOPES, type Scope } from '../chain/scopes.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import { fingerprint } from '../platform/caching/identity.ts';
import type { Database } from '../platform/db/db.server.ts';
import { groupFlows, groupNetChanges, groupOf, scopeSupply, type GroupingInput } from './groups.ts';
import { refreshFlowFigures, type FigureToken } from './figures.server.ts';
import { isRewardPayment, rewardPayers } from './rewards.ts';
import type { StoredSpan } from './query.ts';

/**
 * Figure 1 ("who accumulates") kept per span between consecutive snapshots of a token, one row per scope,
 * computed once after a snapshot is stored, so no request ever reads transfers. A snapshot a rewind marked
 * as reorganised is no end of a span: its spans go, and the snapshots either side of it make a new one.
 */

export type FlowToken = Pick<TokenDefinition, 'symbol' | 'labels' | 'cohorts'>;

type SnapshotEnds = LiveSnapshot;

/** Stores every missing span of the token and drops those that no longer join consecutive snapshots. */
export async function refreshFlowSpans(db: Database, token: FlowToken, now: number): Promise<number> {
  const snapshots: SnapshotEnds[] = await liveSnapshots(db, token.symbol);
  const wanted = new Map<number, number>();
  for (let i = 1; i < snapshots.length; i++) wanted.set(snapshots[i]?.id ?? -1, snapshots[i - 1]?.id ?? -1);
  const definition = spanDefinition(token);
  const stored = await db
    .selectDistinct({
      from: tokenFlowSpans.fromSnapshot,
      to: tokenFlowSpans.toSnapshot,
      definition: tokenFlowSpans.definition,
    })
    .from(tokenFlowSpans)
    .where(eq(tokenFlowSpans.token, token.symbol));
  const current = (span: (typeof stored)[number]): boolean =>
    wanted.get(span.to) === span.from && span.definition === definition;
  const stale = stored.filter((span) => !current(span)).map((span) => span.to);
  if (stale.length > 0) {
    await db
      .delete(tokenFlowSpans)
      .where(and(eq(tokenFlowSpans.token, token.symbol), inArray(tokenFlowSpans.toSnapshot, stale)));
  }
  const have = new Set(stored.filter(current).map((span) => span.to));
  const cursor = await keptTransfers(db, token.symbol);
  let added = 0;
  for (let i = 1; i < snapshots.length; i++) {
    const earlier = snapshots[i - 1];
    const later = snapshots[i];
    if (!earlier || !later || have.has(later.id)) continue;
    // Transfers say who moved what only where every block of the span was scanned with them kept.
    const fromTransfers =
      earlier.source.kind === 'rpc' &&
      later.source.kind === 'rpc' &&
      cursor !== null &&
      cursor.transfersFrom <= earlier.block + 1 &&
      later.block < cursor.nextBlock;
    await storeSpan(db, token, earlier, later, fromTransfers, definition, now);
    added++;
  }
  return added;
}

async function storeSpan(
  db: Database,
  token: FlowToken,
  earlier: SnapshotEnds,
  later: SnapshotEnds,
  fromTransfers: boolean,
  definition: string,
  now: number,
): Promise<void> {
  const balances = new Map((await snapshotBalances(db, earlier.id)).map((h) => [h.address, h.balance]));
  const labels = labelKinds(token.labels);
  const input = (scope: Scope): GroupingInput => ({ earlier: balances, labels, thresholds: token.cohorts, scope });
  let figures: (scope: Scope) => FlowSpanFigures;
  if (fromTransfers) {
    const rows = await db
      .select({
        block: tokenTransfers.blockNumber,
        from: tokenTransfers.fromAddress,
        to: tokenTransfers.toAddress,
        amount: tokenTransfers.amount,
      })
      .from(tokenTransfers)
      .where(
        and(
          eq(tokenTransfers.token, token.symbol),
          gt(tokenTransfers.blockNumber, earlier.block),
          lte(tokenTransfers.blockNumber, later.block),
        ),
      );
    const transfers = rows.map((t) => ({ block: t.block, from: t.from, to: t.to, amount: BigInt(t.amount) }));
    // Rewards do not depend on the scope: kept once, in the `all` row.
    const paying = rewardPayers(token.labels);
    const rewards = new Map<string, bigint>();
    for (const t of transfers)
      if (isRewardPayment(t, paying, labels)) rewards.set(t.to, (rewards.get(t.to) ?? 0n) + t.amount);
    figures = (scope) => {
      const flows = groupFlows(transfers, groupOf(input(scope)));
      return {
        ...(scope === 'all' ? { rewards: strings(rewards) } : {}),
        kind: 'transfers',
        net: strings(flows.net),
        matrix: Object.fromEntries([...flows.matrix].map(([g, row]) => [g, strings(row)])),
        addresses: Object.fromEntries(flows.addresses),
        transfers: flows.transfers,
        scopeSupply: scopeSupply(input(scope)).toString(),
      };
    };
  } else {
    const after = new Map((await snapshotBalances(db, later.id)).map((h) => [h.address, h.balance]));
    figures = (scope) => {
      const changes = groupNetChanges(after, input(scope));
      return {
        kind: 'net',
        net: strings(changes.net),
        matrix: {},
        addresses: Object.fromEntries(changes.addresses),
        transfers: 0,
        scopeSupply: scopeSupply(input(scope)).toString(),
      };
    };
  }
  await db
    .insert(tokenFlowSpans)
    .values(
      SCOPES.map((scope) => ({
        token: token.symbol,
        fromSnapshot: earlier.id,
        toSnapshot: later.id,
        scope,
        fromBlock: earlier.block,
        toBlock: later.block,
        toTime: later.takenAt,
        figures: figures(scope),
        definition,
        computedAt: now,
      })),
    )
    // Another process (a scan's, or another instance's start) may have stored the same span meanwhile.
    .onConflictDoNothing();
}

/** What grouping and reward payments depend on in the token file: an edit to it recomputes every span. */
function spanDefinition(token: FlowToken): string {
  const { labels, cohorts } = token;
  return fingerprint({ labels, cohorts });
}

const strings = (amounts: ReadonlyMap<string, bigint>): Record<string, string> =>
  Object.fromEntries([...amounts].map(([k, v]) => [k, v.toString()]));

/**
 * After a snapshot is stored: figure 1's spans, then figures 2–4 at the new latest snapshot, so that a
 * resolution or a page that follows reads them at the same data version.
 */
export async function refreshFlows(db: Database, token: FigureToken, now: number): Promise<void> {
  await refreshFlowSpans(db, token, now);
  await refreshFlowFigures(db, token, now);
}

/** What a stored span says (query.ts's StoredSpan). */
const SPAN = {
  fromBlock: tokenFlowSpans.fromBlock,
  toBlock: tokenFlowSpans.toBlock,
  toTime: tokenFlowSpans.toTime,
  figures: tokenFlowSpans.figures,
};

/** The stored spans of one scope that end inside the window (ms), oldest first. */
export async function readFlowSpans(
  db: Database,
  symbol: string,
  scope: Scope,
  fromMs: number,
  toMs: number,
): Promise<StoredSpan[]> {
  return db
    .select(SPAN)
    .from(tokenFlowSpans)
    .where(
      and(
        eq(tokenFlowSpans.token, symbol),
        eq(tokenFlowSpans.scope, scope),
        gte(tokenFlowSpans.toTime, fromMs),
        lte(tokenFlowSpans.toTime, toMs),
      ),
    )
    .orderBy(asc(tokenFlowSpans.toBlock));
}

/** The stored spans of some scopes that lie between two blocks, oldest first, in one read. */
export async function readSpansBetween(
  db: Database,
  symbol: string,
  scopes: readonly Scope[],
  fromBlock: number,
  toBlock: number,
): Promise<(StoredSpan & { scope: Scope })[]> {
  return db
    .select({ scope: tokenFlowSpans.scope, ...SPAN })
    .from(tokenFlowSpans)
    .where(
      and(
        eq(tokenFlowSpans.token, symbol),
        inArray(tokenFlowSpans.scope, [...scopes]),
        gte(tokenFlowSpans.fromBlock, fromBlock),
        lte(tokenFlowSpans.toBlock, toBlock),
      ),
    )
    .orderBy(asc(tokenFlowSpans.toBlock));
}
