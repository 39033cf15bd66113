import { refreshEntities } from '../lib/entities/entities.server.ts';
import { refreshFlows } from '../lib/flows/flows.server.ts';
import type { TokenDefinition } from '../lib/chain/schemas.ts';
import { tokenSnapshots } from '../../db/schema.ts';
import type { Database } from '../lib/platform/db/db.server.ts';

/**
 * Everything a stored snapshot sets off, computed once so that no request reads transfers: the flow figures
 * (figure 1's spans, figures 2–4), then the owners of the token's wallets. A scan, an import and start-up all
 * come through here, in this order, before the weightings and resolutions that read them.
 */
export async function refreshSnapshotFigures(db: Database, token: TokenDefinition, now: number): Promise<void> {
  await refreshFlows(db, token, now);
  await refreshEntities(db, token, now);
}

/**
 * Every token's, for start-up: snapshots stored while no server ran (a fixture, an import, a scan that stopped
 * before its figures) get theirs. Tokens without a token file are left alone (their labels are unknown).
 */
export async function refreshAllSnapshotFigures(
  db: Database,
  load: (symbol: string) => TokenDefinition | null,
  now: number,
): Promise<void> {
  const tokens = await db.selectDistinct({ token: tokenSnapshots.token }).from(tokenSnapshots);
  for (const { token } of tokens) {
    const definition = load(token);
    if (definition) await refreshSnapshotFigures(db, definition, now);
  }
}
