import type { APIRoute } from 'astro';
import { getCohortHistory } from '../../../../lib/cohorts/repo.server';
import { json, problem } from '../../../../lib/platform/http/results';
import { getPollForReader, getPollHistory } from '../../../../lib/polls/store/reads.server';
import { getDb } from '../../../../app/app.server';

export const prerender = false;

/**
 * Each option's cumulative share of votes at the end of every hour or day with votes; with `by=cohort`, each
 * holder cohort's (token polls), with the privacy floor applied at every point.
 */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const period = url.searchParams.get('period') ?? 'hour';
  const by = url.searchParams.get('by');
  if (period !== 'hour' && period !== 'day') return problem(400, 'bad_request', 'period must be "hour" or "day".');
  if (by !== null && by !== 'cohort') return problem(400, 'bad_request', 'by must be "cohort" or absent.');
  const db = await getDb();
  const found = await getPollForReader(db, params.id ?? '', locals, Date.now());
  if (!found) return problem(404, 'not_found', `There is no poll "${params.id}".`);
  const { poll, results } = found;
  if (by === 'cohort' && poll.token === null) {
    return problem(404, 'not_found', `Poll "${poll.id}" has no token, so no results by cohort.`);
  }
  if (!results.resultsVisible) {
    return problem(403, 'results_hidden', 'This poll shows its results only after you vote or after it closes.');
  }
  const options = results.options.map(({ id, label }) => ({ id, label }));
  if (by === 'cohort') return json({ id: poll.id, by, period, options, ...(await getCohortHistory(db, poll, period)) });
  return json({ id: poll.id, period, options, points: await getPollHistory(db, poll, period) });
};
