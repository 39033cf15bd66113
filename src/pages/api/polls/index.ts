import type { APIRoute } from 'astro';
import { json } from '../../../lib/platform/http/results';
import { listPollsForReader } from '../../../lib/polls/store/reads.server';
import { getDb } from '../../../app/app.server';

export const prerender = false;

export const GET: APIRoute = async ({ locals }) =>
  json({ polls: await listPollsForReader(await getDb(), locals, Date.now()) });
