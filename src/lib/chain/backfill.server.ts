import { and, eq, sql } from 'drizzle-orm';
import { tokenSnapshots } from '../../../db/schema.ts';
import type { Database } from '../platform/db/db.server.ts';
import { snapshotBalances } from './repo.server.ts';
import type { TokenDefinition } from './schemas.ts';
import { scopeMetrics } from './scopes.ts';
import { loadTokenDefinition } from './tokens.server.ts';

/**
 * Gives snapshots stored before the circulating scope existed their
 * circulating metrics, recomputed from the balances the snapshot stored
 * (token_snapshot_balances). Runs after the migrations, at start-up and in
 * `npm run db:migrate`: SQL migrations cannot compute a Gini coefficient,
 * and doing it once here keeps every read cheap.
 *
 * Honest about what it could not do: a snapshot whose stored balances do not
 * add up to its supply (one stored before balances were kept) gets
 * `circulating: null`, which the page and the API show as unavailable,
 * rather than figures from a partial list. The labels are the token file's
 * at backfill time, and `circulatingBackfilledAt` records when that was.
 */

export interface BackfillResult {
  /** Snapshots that now have circulating metrics. */
  filled: number;
  /** Snapshots without the balances to compute them from (now marked null). */
  unavailable: number;
  /** Tokens whose definition is gone: their snapshots are left as they are. */
  skippedTokens: string[];
}

/** `json_type` is NULL only when the key is absent; a stored null reads as 'null' and is not redone. */
const lacksCirculating = sql`json_type(${tokenSnapshots.metrics}, '$.circulating') is null`;

export async function backfillCirculating(
  db: Database,
  tokenOf: (symbol: string) => Pick<TokenDefinition, 'labels' | 'cohorts'> | null,
  now: number,
): Promise<BackfillResult> {
  const rows = await db
    .select({
      id: tokenSnapshots.id,
      token: tokenSnapshots.token,
      supply: tokenSnapshots.supply,
      metrics: tokenSnapshots.metrics,
    })
    .from(tokenSnapshots)
    .where(lacksCirculating)
    .orderBy(tokenSnapshots.token, tokenSnapshots.block);
  const result: BackfillResult = { filled: 0, unavailable: 0, skippedTokens: [] };
  const tokens = new Map<string, Pick<TokenDefinition, 'labels' | 'cohorts'> | null>();
  for (const row of rows) {
    if (!tokens.has(row.token)) tokens.set(row.token, tokenOf(row.token));
    const token = tokens.get(row.token) ?? null;
    if (token === null) {
      if (!result.skippedTokens.includes(row.token)) result.skippedTokens.push(row.token);
      continue;
    }
    const holders = await snapshotBalances(db, row.id);
    const stored = holders.reduce((sum, h) => sum + h.balance, 0n);
    const complete = stored === BigInt(row.supply);
    const circulating = complete ? scopeMetrics(holders, token, 'circulating') : null;
    // The guard makes a second instance starting at the same time a no-op, not an overwrite.
    await db
      .update(tokenSnapshots)
      .set({ metrics: { ...row.metrics, circulating, circulatingBackfilledAt: now } })
      .where(and(eq(tokenSnapshots.id, row.id), lacksCirculating));
    if (complete) result.filled += 1;
    else result.unavailable += 1;
  }
  return result;
}

/**
 * The backfill as start-up and `npm run db:migrate` run it: labels from the
 * token files (TOKENS_DIR), now as the time. Returns the line to print, or
 * null when there was nothing to do.
 */
export async function backfillStoredSnapshots(db: Database): Promise<string | null> {
  return describeBackfill(await backfillCirculating(db, (symbol) => loadTokenDefinition(symbol), Date.now()));
}

/** The start-up line for a backfill that did something, or null. */
export function describeBackfill(result: BackfillResult): string | null {
  const parts = [
    result.filled > 0
      ? `computed the circulating scope of ${result.filled} stored snapshot(s) from their balances`
      : '',
    result.unavailable > 0
      ? `${result.unavailable} snapshot(s) have no stored balances, so no circulating figures`
      : '',
    result.skippedTokens.length > 0
      ? `left snapshots of ${result.skippedTokens.join(', ')} alone: no token file to take labels from`
      : '',
  ].filter(Boolean);
  return parts.length > 0 ? `backfill: ${parts.join('; ')}` : null;
}
