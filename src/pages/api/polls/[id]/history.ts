import type { APIRoute } from 'astro';
import { json, problem } from '../../../../lib/http';
import { getPollForReader, getPollHistory } from '../../../../lib/polls/repo.server';
import { getDb } from '../../../../lib/server/app.server';

export const prerender = false;

/** Each option's cumulative share of votes at the end of every hour or day with votes. */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const period = url.searchParams.get('period') ?? 'hour';
  if (period !== 'hour' && period !== 'day') return problem(400, 'bad_request', 'period must be "hour" or "day".');
  const db = await getDb();
  const found = await getPollForReader(db, params.id ?? '', locals, Date.now());
  if (!found) return problem(404, 'not_found', `There is no poll "${params.id}".`);
  const { poll, results } = found;
  if (!results.resultsVisible) {
    return problem(403, 'results_hidden', 'This poll shows its results only after you vote or after it closes.');
  }
  const points = await getPollHistory(db, poll, period);
  return json({ id: poll.id, period, options: results.options.map(({ id, label }) => ({ id, label })), points });
};
