import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { json, problem } from '../../../../lib/http';
import { SCOPES_VIEW, snapshotsCsv, snapshotView } from '../../../../lib/chain/export';
import { listSnapshots } from '../../../../lib/chain/repo.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { getDb } from '../../../../lib/server/app.server';

export const prerender = false;

/** A token's holder snapshots, oldest first: JSON, or CSV with ?format=csv. */
export const GET: APIRoute = async ({ params, url }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const { symbol } = token.data;
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return problem(400, 'bad_request', 'format must be "json" or "csv".');
  const snapshots = await listSnapshots(await getDb(), symbol);
  if (format === 'csv') {
    return new Response(snapshotsCsv(snapshots), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${symbolKey(symbol)}-snapshots.csv"`,
        'cache-control': 'no-store',
      },
    });
  }
  return json({
    symbol,
    name: token.data.name,
    address: token.data.address ?? null,
    scopes: SCOPES_VIEW,
    snapshots: snapshots.map(snapshotView),
  });
};
