import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { json, problem, toResponse } from '../../../../lib/platform/http/results';
import { SCOPES_VIEW, snapshotsCsv, snapshotView } from '../../../../lib/chain/export';
import { listSnapshots } from '../../../../lib/chain/repo.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { CSV_LIMITED, refuseOverLimit } from '../../../../lib/rate-limit/limiter';
import { getServices } from '../../../../app/app.server';

export const prerender = false;

/** A token's holder snapshots, oldest first: JSON, or CSV with ?format=csv. */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const { symbol } = token.data;
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return problem(400, 'bad_request', 'format must be "json" or "csv".');
  const services = await getServices();
  if (format === 'csv') {
    const limited = await refuseOverLimit(services.csvLimiter, locals.clientAddress, Date.now(), CSV_LIMITED);
    if (limited) return toResponse(limited);
    return new Response(snapshotsCsv(await listSnapshots(services.db, symbol)), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${symbolKey(symbol)}-snapshots.csv"`,
        'cache-control': 'no-store',
      },
    });
  }
  const snapshots = await listSnapshots(services.db, symbol);
  return json({
    symbol,
    name: token.data.name,
    address: token.data.address ?? null,
    scopes: SCOPES_VIEW,
    snapshots: snapshots.map(snapshotView),
  });
};
