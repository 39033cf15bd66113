import type { APIRoute } from 'astro';
import { json, problem } from '../../../lib/platform/http/results';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
  locals.address ? json({ address: locals.address }) : problem(401, 'unauthorized', 'You are not signed in.');
