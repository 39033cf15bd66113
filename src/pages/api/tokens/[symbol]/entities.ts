import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { getServices } from '../../../../app/app.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { latestLiveSnapshot } from '../../../../lib/chain/repo.server';
import { ownerCount, readOwners } from '../../../../lib/entities/entities.server';
import { OWNER_ASSUMPTIONS } from '../../../../lib/entities/presentation';
import { entitiesQuerySchema } from '../../../../lib/entities/query';
import { json, problem } from '../../../../lib/platform/http/results';
import { parseQuery } from '../../../../lib/platform/http/query';

export const prerender = false;

/**
 * The owners of a token's wallets at its latest snapshot: the figures counted by owner, and a page of the
 * multi-wallet owners, largest first, each with every edge that joined it and the transfer behind each.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const query = parseQuery(entitiesQuerySchema, url.searchParams);
  if (!query.ok) return problem(400, 'bad_request', query.problem);
  const { symbol, decimals } = token.data;
  const { db } = await getServices();
  const snapshot = await latestLiveSnapshot(db, symbol);
  const owners = snapshot ? await readOwners(db, symbol, snapshot.id, query.value.limit, query.value.offset) : null;
  if (!snapshot || !owners) return json({ symbol, decimals, snapshot: null, note: 'No grouped snapshot yet.' });
  const { summary } = owners;
  return json({
    symbol,
    decimals,
    snapshot: { id: snapshot.id, block: snapshot.block, takenAt: new Date(snapshot.takenAt).toISOString() },
    source: {
      kind: summary.kind,
      fromBlock: summary.fromBlock,
      toBlock: summary.toBlock,
      transfers: summary.transfers,
      rules: summary.rules,
    },
    assumptions: OWNER_ASSUMPTIONS,
    edges: summary.edges,
    largeClusters: summary.largeClusters,
    insiderWallets: summary.insiderWallets,
    byOwner: summary.metrics,
    top10: summary.top10,
    total: await ownerCount(db, symbol, snapshot.id),
    limit: query.value.limit,
    offset: query.value.offset,
    entities: owners.entities.map((e) => ({
      rank: e.rank,
      owner: e.owner,
      wallets: e.wallets,
      balance: e.balance.toString(),
      insider: e.insider,
      firstSeen:
        e.firstSeenBlock === null
          ? null
          : {
              block: e.firstSeenBlock,
              time: e.firstSeenTime === null ? null : new Date(e.firstSeenTime).toISOString(),
            },
      edges: e.edges,
    })),
  });
};
