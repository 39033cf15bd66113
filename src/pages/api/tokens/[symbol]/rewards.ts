import type { APIRoute } from 'astro';
import { getEntry } from 'astro:content';
import { getServices } from '../../../../app/app.server';
import { symbolKey } from '../../../../lib/content/schemas';
import { figureSource, NEEDS_TRANSFERS, REWARD_ASSUMPTIONS } from '../../../../lib/flows/answers';
import { readFlowFigure } from '../../../../lib/flows/figures.server';
import { rewardsQuerySchema } from '../../../../lib/flows/query';
import { parseQuery } from '../../../../lib/platform/http/query';
import { json, problem } from '../../../../lib/platform/http/results';

export const prerender = false;

/** Where the rewards go (figure 2): per `period` (day, week, month; default week), as of the latest snapshot. */
export const GET: APIRoute = async ({ params, url }) => {
  const token = await getEntry('tokens', symbolKey(params.symbol ?? ''));
  if (!token) return problem(404, 'not_found', `There is no token ${params.symbol ?? ''} here.`);
  const query = parseQuery(rewardsQuerySchema, url.searchParams);
  if (!query.ok) return problem(400, 'bad_request', query.problem);
  const { symbol, decimals } = token.data;
  const { period } = query.value;
  const stored = await readFlowFigure((await getServices()).db, symbol, 'rewards', period);
  if (!stored) return json({ symbol, decimals, period, source: null, note: NEEDS_TRANSFERS });
  const { payers, mintsSince, floorPerWeek, periods } = stored.data;
  return json({
    symbol,
    decimals,
    period,
    source: figureSource(stored),
    payers,
    mintsSince,
    floorPerWeek,
    assumptions: REWARD_ASSUMPTIONS,
    periods,
  });
};
