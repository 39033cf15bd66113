import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { getServices } from '../../../../app/app.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { readFlowSpans } from '../../../../lib/flows/flows.server';
import { flowsCsv, flowsView, parseFlowsQuery } from '../../../../lib/flows/query';
import { json, problem, toResponse } from '../../../../lib/platform/http/results';
import { CSV_LIMITED, refuseOverLimit } from '../../../../lib/rate-limit/limiter';

export const prerender = false;

/**
 * Who accumulates (figure 1): each group's net change between consecutive snapshots that end in the window
 * `from`..`to` (UTC dates, default the last 90 days), in `scope`; JSON, or CSV with `format=csv`.
 */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const query = parseFlowsQuery(url.searchParams, Date.now());
  if ('problem' in query) return problem(400, 'bad_request', query.problem);
  const services = await getServices();
  const { symbol, decimals } = token.data;
  const view = flowsView(await readFlowSpans(services.db, symbol, query.scope, query.fromMs, query.toMs));
  if (query.format === 'csv') {
    const limited = await refuseOverLimit(services.csvLimiter, locals.clientAddress, Date.now(), CSV_LIMITED);
    if (limited) return toResponse(limited);
    return new Response(flowsCsv(view), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${symbolKey(symbol)}-flows-${query.scope}-${query.from}-${query.to}.csv"`,
        'cache-control': 'no-store',
      },
    });
  }
  return json({
    symbol,
    decimals,
    scope: query.scope,
    from: query.from,
    to: query.to,
    // Where the figures come from: transfers between the snapshots, or (CSV snapshots) their balance changes.
    source: { kind: view.kind, blocks: view.blocks },
    groups: view.groups,
    matrix: view.matrix,
    spans: view.spans,
  });
};
