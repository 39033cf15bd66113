import type { APIRoute } from 'astro';
import { json, problem } from '../../../../lib/http';
import { getPollForReader } from '../../../../lib/polls/repo';
import { getDb } from '../../../../lib/server/app';

export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
  const found = await getPollForReader(await getDb(), params.id ?? '', locals.voterId, Date.now());
  return found ? json(found.results) : problem(404, 'not_found', `There is no poll "${params.id}".`);
};
