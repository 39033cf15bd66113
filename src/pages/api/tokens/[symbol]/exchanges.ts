import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { getServices } from '../../../../app/app.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { EXCHANGE_ASSUMPTIONS, figureSource, NEEDS_TRANSFERS } from '../../../../lib/flows/answers';
import { readFlowFigure } from '../../../../lib/flows/figures.server';
import { dayWindow, exchangesQuerySchema } from '../../../../lib/flows/query';
import { parseQuery } from '../../../../lib/platform/http/query';
import { json, problem } from '../../../../lib/platform/http/results';

export const prerender = false;

/** Exchange flows (figure 4): per UTC day from `from` to `to` (default the last 90 days), in, out and net. */
export const GET: APIRoute = async ({ params, url }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const query = parseQuery(exchangesQuerySchema, url.searchParams);
  if (!query.ok) return problem(400, 'bad_request', query.problem);
  const window = dayWindow(query.value, Date.now());
  if ('problem' in window) return problem(400, 'bad_request', window.problem);
  const { symbol, decimals } = token.data;
  const stored = await readFlowFigure((await getServices()).db, symbol, 'exchanges');
  const range = { from: window.from, to: window.to };
  if (!stored) return json({ symbol, decimals, ...range, source: null, note: NEEDS_TRANSFERS });
  return json({
    symbol,
    decimals,
    ...range,
    source: figureSource(stored),
    assumptions: EXCHANGE_ASSUMPTIONS,
    days: stored.data.days.filter((d) => d.day >= window.from && d.day <= window.to),
  });
};
