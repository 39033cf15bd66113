import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { getServices } from '../../../../app/app.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { figureSource, NEEDS_TRANSFERS, UNLOCK_ASSUMPTIONS } from '../../../../lib/flows/answers';
import { readFlowFigure } from '../../../../lib/flows/figures.server';
import { unlocksQuerySchema } from '../../../../lib/flows/query';
import { parseQuery } from '../../../../lib/platform/http/query';
import { json, problem } from '../../../../lib/platform/http/results';

export const prerender = false;

/** What unlocked tokens do (figure 3): around each unlock event, insiders' tokens sent to exchanges. */
export const GET: APIRoute = async ({ params, url }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const query = parseQuery(unlocksQuerySchema, url.searchParams);
  if (!query.ok) return problem(400, 'bad_request', query.problem);
  const { symbol, decimals } = token.data;
  const stored = await readFlowFigure((await getServices()).db, symbol, 'unlocks');
  if (!stored) return json({ symbol, decimals, source: null, note: NEEDS_TRANSFERS });
  return json({
    symbol,
    decimals,
    source: figureSource(stored),
    assumptions: UNLOCK_ASSUMPTIONS,
    windows: stored.data.windows.map((w) => ({
      ...w,
      at: new Date(w.at).toISOString(),
      from: new Date(w.from).toISOString(),
      to: new Date(w.to).toISOString(),
    })),
  });
};
